using Course.Chapters.Ch03_LinearNetworks;
using Course.Chapters.Ch04_MultilayerPerceptrons;
using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Core.Data;
using Course.Core.Training;
using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Course.Exercises.Tests.ChapterNotes;

/// <summary>Chapter 4 of the notes: the questions and Q&amp;A of 4.1, 4.4, 4.5, 4.6 and 4.8.</summary>
public sealed class NotesChapter4Tests
{
    [Test]
    public void ALayerIsOneWithWeights()
    {
        var net = MlpConcise.Net();
        var withWeights = net.children().Where(m => m.parameters().Any()).ToArray();
        Assert.That(net.children().Count(), Is.EqualTo(4), "Flatten, Linear, ReLU, Linear");
        Assert.That(withWeights, Has.Length.EqualTo(2), "a two-layer MLP");
        Assert.That(withWeights, Is.All.InstanceOf<Linear>());
    }

    [Test]
    public void ReluIsNotLinearAndBuysXor()
    {
        using var scope = NewDisposeScope();
        var a = tensor(1f);
        var b = tensor(-1f);
        Assert.That(F.relu(a + b).item<float>(), Is.Not.EqualTo((F.relu(a) + F.relu(b)).item<float>()));
        // Without an activation two Linear layers are one matrix.
        manual_seed(14);
        var (l1, l2) = (nn.Linear(3, 5, hasBias: false), nn.Linear(5, 2, hasBias: false));
        var x = randn(4, 3);
        Assert.That(l2.call(l1.call(x)).allclose(x.mm(l2.weight!.mm(l1.weight!).T), atol: 1e-5));
        // XOR: one ReLU unit does it exactly; the best linear fit is 0.5 everywhere.
        var inputs = tensor(new[,] { { 0f, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var xor = tensor(new[] { 0f, 1, 1, 0 }).reshape(-1, 1);
        var mlp = inputs.sum(dim: 1, keepdim: true) - 2 * F.relu(inputs.sum(dim: 1, keepdim: true) - 1);
        Assert.That(mlp.equal(xor).all().item<bool>());
        var A = cat([inputs, ones(4, 1)], 1);
        var linear = A.mm(linalg.lstsq(A, xor).Solution);
        Assert.That(NotesCheck.Floats(linear), Is.All.EqualTo(0.5f).Within(1e-5));
    }

    [Test]
    public void RandomSplitsOfATimeSeriesLeak()
    {
        // A random walk predicted by its nearest training time step (1-NN in time).
        manual_seed(15);
        using var scope = NewDisposeScope();
        var series = randn(1000, dtype: float64).cumsum(0);
        double Error(Tensor trainIdx, Tensor validIdx)
        {
            var nearest = (validIdx.reshape(-1, 1) - trainIdx.reshape(1, -1)).abs().argmin(1);
            return (series[validIdx] - series[trainIdx[nearest]]).square().mean().item<double>();
        }
        var perm = randperm(1000);
        double random = Error(perm.narrow(0, 0, 800), perm.narrow(0, 800, 200));
        double byTime = Error(arange(800), arange(800, 1000));
        Assert.That(byTime, Is.GreaterThan(10 * random), "the random split validates on neighbours of training points");
    }

    [Test]
    public void KFoldValidationPicksThePolynomialDegree()
    {
        manual_seed(2);
        var (features, labels) = ModelSelection.Data();
        var X = features.narrow(0, 0, 100).to(float64);
        var y = labels.narrow(0, 0, 100).to(float64);
        double CrossValidation(int columns, int k = 5)
        {
            double sum = 0;
            for (int fold = 0; fold < k; fold++)
            {
                var idx = arange(100);
                var valid = (idx >= fold * 20) & (idx < fold * 20 + 20);
                var (solution, _) = NotesCheck.LeastSquares(X[~valid], y[~valid], columns);
                sum += (X[valid].narrow(1, 0, columns).mm(solution) - y[valid]).square().mean().item<double>();
            }
            return sum / k;
        }
        double[] errors = Enumerable.Range(1, 12).Select(c => CrossValidation(c)).ToArray();
        int best = Array.IndexOf(errors, errors.Min()) + 1;
        Assert.That(best, Is.InRange(4, 7), "the true function is cubic (4 features)");
        Assert.That(errors[2], Is.GreaterThan(100 * errors[best - 1]), "3 features underfit");
        Assert.That(errors[11], Is.GreaterThan(10 * errors[best - 1]), "12 features overfit");
    }

    [Test]
    public void ParametersAreLearnedHyperparametersAreChosen()
    {
        var net = nn.Sequential(nn.Linear(2, 1));
        var optimizer = optim.SGD(net.parameters(), 0.03);
        Assert.That(net.named_parameters().Select(p => p.name), Is.EqualTo(new[] { "0.weight", "0.bias" }));
        var before = net.parameters().Select(p => p.clone()).ToArray();
        net.call(ones(4, 2)).sum().backward();
        optimizer.step();
        Assert.That(net.parameters().Zip(before).All(p => !p.First.equal(p.Second).all().item<bool>()), "training changes w and b");
        Assert.That(optimizer.ParamGroups.Single().LearningRate, Is.EqualTo(0.03), "training leaves the learning rate alone");
    }

    [Test]
    public void ValidationErrorEstimatesGeneralisationNotTrainingError()
    {
        manual_seed(2);
        var (features, labels) = ModelSelection.Data();
        var (X, y) = (features.to(float64), labels.to(float64));
        var (trainX, trainY) = (X.narrow(0, 0, 30), y.narrow(0, 0, 30));
        var (validX, validY) = (X.narrow(0, 100, 100), y.narrow(0, 100, 100));
        double Valid(Tensor solution) => (validX.narrow(1, 0, solution.shape[0]).mm(solution) - validY).square().mean().item<double>();
        var (wide, wideTrain) = NotesCheck.LeastSquares(trainX, trainY, 10);
        var (cubic, cubicTrain) = NotesCheck.LeastSquares(trainX, trainY, 4);
        Assert.That(wideTrain, Is.LessThan(cubicTrain), "10 features fit the 30 training points better");
        Assert.That(Valid(wide), Is.GreaterThan(10 * wideTrain), "validation error is not training error");
        Assert.That(Valid(wide), Is.GreaterThan(10 * Valid(cubic)), "and it ranks the two models the other way round");
    }

    [Test]
    public void HigherCapacityFitsTheTrainingDataBetter()
    {
        manual_seed(2);
        var (features, labels) = ModelSelection.Data();
        var (X, y) = (features.narrow(0, 0, 100).to(float64), labels.narrow(0, 0, 100).to(float64));
        double[] train = [.. new[] { 1, 2, 3, 4, 10 }.Select(c => NotesCheck.LeastSquares(X, y, c).TrainMse)];
        Assert.That(train, Is.Ordered.Descending);
        Assert.That(train[0], Is.GreaterThan(100 * train[3]), "a constant cannot fit the cubic");
    }

    [Test]
    public void ValidationLossFallsThenRisesWhenTrainingTooLong()
    {
        // 12 noisy points of sin x, a 64-64 tanh MLP with Adam: the validation loss (against the clean curve) turns up.
        manual_seed(2);
        var x = linspace(-3, 3, 12).reshape(-1, 1);
        var y = x.sin() + 0.3 * randn(12, 1);
        var validX = linspace(-3, 3, 200).reshape(-1, 1);
        var validY = validX.sin();
        var net = nn.Sequential(nn.Linear(1, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1));
        var optimizer = optim.Adam(net.parameters(), 0.01);
        var (train, valid) = (new List<double>(), new List<double>());
        for (int step = 0; step < 400; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = (net.call(x) - y).square().mean();
            loss.backward();
            optimizer.step();
            if (step % 25 != 24) continue;
            train.Add(loss.item<float>());
            using (no_grad()) valid.Add((net.call(validX) - validY).square().mean().item<float>());
        }
        int best = valid.IndexOf(valid.Min());
        Assert.That(best, Is.LessThan(valid.Count - 4), "the best validation loss comes early");
        Assert.That(valid[^1], Is.GreaterThan(2 * valid[best]), "then it rises");
        Assert.That(train[^1], Is.LessThan(train[best]), "while the training loss keeps falling");
    }

    [Test]
    public void WeightDecayShrinksTheWeightsAndHelpsTheTestLoss()
    {
        manual_seed(5);
        using var ctx = NotesCheck.Context();
        var (plainNorm, plain) = WeightDecay.TrainScratch(ctx, 0, 100, 0.003);
        var (decayedNorm, decayed) = WeightDecay.TrainScratch(ctx, 3, 100, 0.003);
        Assert.That(decayedNorm, Is.LessThan(plainNorm / 5));
        Assert.That(decayed[^1][1], Is.LessThan(plain[^1][1]), "test loss");
        Assert.That(decayed[^1][0], Is.GreaterThan(plain[^1][0]), "train loss: the capacity is smaller");
    }

    [Test]
    public void DroppedUnitsPassNoGradient()
    {
        manual_seed(16);
        var layer = nn.Linear(4, 8);
        var x = randn(1, 4);
        var h = DropoutMlp.DropoutLayer(layer.call(x), 0.5);
        h.sum().backward();
        bool[] dropped = [.. NotesCheck.Floats(h).Select(v => v == 0)];
        var rowNorms = NotesCheck.Floats(layer.weight!.grad!.abs().sum(dim: 1));
        Assert.That(dropped, Has.Some.True.And.Some.False);
        for (int unit = 0; unit < 8; unit++)
            Assert.That(rowNorms[unit] == 0, Is.EqualTo(dropped[unit]), $"unit {unit}: a dropped unit's weights get no gradient");
    }

    [Test]
    public void BatchNormAlsoServesDenseLayers()
    {
        var net = new BatchNormLeNet(concise: true);
        var modules = net.modules().ToArray();
        Assert.That(modules.OfType<BatchNorm1d>().Count(), Is.EqualTo(2), "after Linear(…, 120) and Linear(120, 84)");
        Assert.That(modules.OfType<BatchNorm2d>().Count(), Is.EqualTo(2));
        Assert.That(net.call(rand(4, 1, 28, 28)).shape, Is.EqualTo(new long[] { 4, 10 }));
    }

    [Test]
    public void DropoutIsTheIdentityAtInference()
    {
        manual_seed(17);
        var dropout = nn.Dropout(0.5);
        var x = rand(1000) + 1;
        dropout.eval();
        Assert.That(dropout.call(x).equal(x).all().item<bool>());
        dropout.train();
        var y = dropout.call(x);
        var kept = y.ne(0);
        Assert.That(y[kept].allclose(2 * x[kept]), "kept values are scaled by 1/(1 − p)");
        Assert.That(y.mean().item<float>(), Is.EqualTo(x.mean().item<float>()).Within(0.1), "so the expectation equals the inference output");
    }

    [Test]
    public void TheNotesDropoutMaskWithRandnKeepsTheWrongFraction()
    {
        manual_seed(18);
        using var X = ones(100_000);
        var notesMask = (randn(X.shape) > 0.5).to(float32);
        var notes = notesMask * X / (1.0 - 0.5);
        Assert.That(notesMask.mean().item<float>(), Is.EqualTo(0.3085f).Within(0.01), "P(N(0,1) > 0.5), not 0.5");
        Assert.That(notes.mean().item<float>(), Is.EqualTo(0.617f).Within(0.02), "the expectation is no longer kept");
        Assert.That(DropoutMlp.DropoutLayer(X, 0.5).mean().item<float>(), Is.EqualTo(1f).Within(0.02), "rand (uniform) keeps it");
    }

    [Test]
    public void InfinitiesComeFromOverflowAndNansFromUndefinedOperations()
    {
        using var zero = tensor(0f);
        using var one = tensor(1f);
        Assert.That(float.IsPositiveInfinity((one / zero).item<float>()), "x/0 is ±inf");
        Assert.That(float.IsNaN((zero / zero).item<float>()), "0/0 is NaN");
        Assert.That(float.IsPositiveInfinity(tensor(100f).exp().item<float>()), "e^100 overflows float32");
        using var inf = tensor(float.PositiveInfinity);
        Assert.That(float.IsNaN((inf - inf).item<float>()) && float.IsNaN((inf * zero).item<float>()));
        Assert.That(float.IsNaN(tensor(-1f).log().item<float>()));

        // Too large a learning rate: full-batch gradient descent on 3.2's data overflows, then turns into NaN.
        manual_seed(19);
        var (features, y) = LinearRegressionScratch.Data(200);
        var X = cat([features, ones(200, 1)], 1);
        float Train(double lr)
        {
            var w = zeros(3, 1).requires_grad_(true);
            float last = 0;
            for (int step = 0; step < 200; step++)
            {
                using var scope = NewDisposeScope();
                var loss = (X.mm(w) - y).square().mean();
                last = loss.item<float>();
                loss.backward();
                using (no_grad()) w.sub_(w.grad! * lr);
                w.grad!.zero_();
            }
            return last;
        }
        Assert.That(float.IsFinite(Train(2)), Is.False);
        Assert.That(Train(0.1), Is.LessThan(0.001));
    }

    [Test]
    public void XavierKeepsTheVarianceAcrossALayer()
    {
        manual_seed(20);
        using var scope = NewDisposeScope();
        var x = randn(1000, 256);
        var xavier = nn.Linear(256, 256, hasBias: false);
        nn.init.xavier_uniform_(xavier.weight!);
        var standard = nn.Linear(256, 256, hasBias: false);
        nn.init.normal_(standard.weight!, 0, 1);
        double inVar = x.var().item<float>();
        double xavierRatio = xavier.call(x).var().item<float>() / inVar;
        double standardRatio = standard.call(x).var().item<float>() / inVar;
        Assert.That(xavierRatio, Is.EqualTo(1).Within(0.1), "Var = n_in · 2/(n_in + n_out) = 1");
        Assert.That(standardRatio, Is.EqualTo(256).Within(30), "N(0, 1) multiplies the variance by n_in");
    }

    [Test]
    public void WeightsChangeAfterEveryBatch()
    {
        manual_seed(21);
        var (X, y) = LinearRegressionScratch.Data(30);
        var net = new LinearRegressionModel(2);
        var updater = new OptimizerUpdater(optim.SGD(net.parameters(), 0.03));
        var snapshots = new List<float[]> { NotesCheck.Floats(net.w) };
        foreach (var (bx, by) in new ArrayLoader(X, y, 10, shuffle: false))
        {
            updater.Step(LinearRegressionModel.SquaredLoss(net.call(bx), by).mean());
            snapshots.Add(NotesCheck.Floats(net.w));
        }
        Assert.That(snapshots, Has.Count.EqualTo(4), "one epoch of three batches");
        for (int i = 1; i < snapshots.Count; i++) Assert.That(snapshots[i], Is.Not.EqualTo(snapshots[i - 1]), $"batch {i}");
    }
}
