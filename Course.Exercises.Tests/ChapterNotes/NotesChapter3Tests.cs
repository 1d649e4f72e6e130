using Course.Chapters.Ch03_LinearNetworks;
using Course.Core.Data;
using Course.Core.Training;
using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Course.Exercises.Tests.ChapterNotes;

/// <summary>Chapter 3 of the notes: the questions (问题) of 3.3 and the Q&amp;A (问答) of 3.7.</summary>
public sealed class NotesChapter3Tests
{
    [Test]
    public void SquaredAndAbsoluteLossPickDifferentAnswersWithAnOutlier()
    {
        using var scope = NewDisposeScope();
        var data = tensor(new[] { 1.0, 2, 3, 4, 100 });
        var candidates = linspace(0, 100, 10001, dtype: float64);
        var errors = candidates.reshape(-1, 1) - data.reshape(1, -1);
        double bySquare = candidates[errors.square().sum(dim: 1).argmin()].item<double>();
        double byAbsolute = candidates[errors.abs().sum(dim: 1).argmin()].item<double>();
        Assert.That(bySquare, Is.EqualTo(22).Within(0.01), "the mean");
        Assert.That(byAbsolute, Is.EqualTo(3).Within(0.01), "the median");
    }

    [Test]
    public void TheMeanLossKeepsTheGradientIndependentOfTheBatchSize()
    {
        manual_seed(1);
        var net = new LinearRegressionModel(2);
        var x = tensor(new[] { 1f, 2f }).reshape(1, 2);
        var y = tensor(3f).reshape(1, 1);
        Tensor Gradient(int n, bool mean)
        {
            net.zero_grad();
            var l = LinearRegressionModel.SquaredLoss(net.call(x.expand(n, 2)), y.expand(n, 1));
            (mean ? l.mean() : l.sum()).backward();
            return net.w.grad!.clone();
        }
        var one = Gradient(1, mean: true);
        Assert.That(Gradient(100, mean: true).allclose(one, rtol: 1e-5));
        Assert.That(Gradient(100, mean: false).allclose(one * 100, rtol: 1e-5), "the sum grows with the batch");
    }

    [Test]
    public void GaussianLikelihoodAndSquaredLossHaveTheSameOptimum()
    {
        manual_seed(2);
        using var scope = NewDisposeScope();
        var y = 4.2 + 0.5 * randn(50, dtype: float64);
        var candidates = linspace(3, 5.4, 2401, dtype: float64);
        var logLikelihood = distributions.Normal(candidates.reshape(-1, 1), tensor(0.5, float64)).log_prob(y.reshape(1, -1)).sum(dim: 1);
        var mse = (candidates.reshape(-1, 1) - y.reshape(1, -1)).square().mean(dimensions: [1]);
        Assert.That(logLikelihood.argmax().item<long>(), Is.EqualTo(mse.argmin().item<long>()));
        Assert.That(candidates[mse.argmin()].item<double>(), Is.EqualTo(y.mean().item<double>()).Within(1e-3));
    }

    [Test]
    public void MinibatchGradientNoiseShrinksWithTheBatchSize()
    {
        manual_seed(3);
        using var scope = NewDisposeScope();
        var (X, y) = LinearRegressionScratch.Data();
        var w = zeros(2, 1);
        // Per-example gradient of ½(x·w − y)² with respect to w at w = 0: (x·w − y) x.
        var perExample = (X.mm(w) - y) * X;
        double Variance(int batch)
        {
            var idx = randint(0, 1000, [400, batch]);
            return perExample[idx].mean(dimensions: [1]).var(0).sum().item<float>();
        }
        double ratio = Variance(1) / Variance(100);
        Assert.That(ratio, Is.InRange(50, 200), "the variance of a mean of b draws is 1/b");
    }

    [Test]
    public void TheMinibatchGradientIsTheMeanOfThePerExampleGradients()
    {
        manual_seed(4);
        var net = new LinearRegressionModel(2);
        var (X, y) = LinearRegressionScratch.Data(5);
        LinearRegressionModel.SquaredLoss(net.call(X), y).mean().backward();
        var batch = net.w.grad!.clone();
        var sum = zeros_like(batch);
        for (int i = 0; i < 5; i++)
        {
            net.zero_grad();
            LinearRegressionModel.SquaredLoss(net.call(X[i].reshape(1, 2)), y[i].reshape(1, 1)).sum().backward();
            sum += net.w.grad!;
        }
        Assert.That((sum / 5).allclose(batch, rtol: 1e-5, atol: 1e-6));
    }

    [Test]
    public void StochasticMeansRandomExamplesNotRandomBatchSizes()
    {
        var (X, y) = LinearRegressionScratch.Data(100);
        var loader = new ArrayLoader(X, y, 10, shuffle: true, seed: 5);
        var first = loader.Select(b => b.X.shape[0]).ToArray();
        Assert.That(first, Is.All.EqualTo(10L), "every batch has the fixed size");
        var epoch1 = loader.First().X;
        var epoch2 = loader.First().X;
        Assert.That(epoch1.allclose(epoch2), Is.False, "each epoch draws other examples");
    }

    [Test]
    public void SgdDividesTheSummedGradientByTheBatchSize()
    {
        // d2l's sgd: param -= lr * param.grad / batch_size after a summed loss; the same step as optim.SGD on the mean.
        manual_seed(6);
        var (X, y) = LinearRegressionScratch.Data(10);
        var a = new LinearRegressionModel(2);
        var b = new LinearRegressionModel(2);
        using (no_grad())
        {
            b.w.copy_(a.w);
            b.b.copy_(a.b);
        }
        LinearRegressionModel.SquaredLoss(a.call(X), y).sum().backward();
        MinibatchSgd.Update(a.parameters(), 0.03, batchSize: 10);
        var optimizer = optim.SGD(b.parameters(), 0.03);
        LinearRegressionModel.SquaredLoss(b.call(X), y).mean().backward();
        optimizer.step();
        Assert.That(a.w.allclose(b.w, atol: 1e-6) && a.b.allclose(b.b, atol: 1e-6));
    }

    [Test]
    public void DetachGivesAConstantSharingTheSameData()
    {
        using var x = arange(4.0f).requires_grad_(true);
        var y = x * x;
        var u = y.detach();
        Assert.That(u.requires_grad, Is.False);
        Assert.That(y.requires_grad, Is.True);
        (u * x).sum().backward();
        Assert.That(x.grad!.allclose(u), "z = u·x with u a constant: dz/dx = u");
        u[0] = tensor(100f);
        Assert.That(y[0].item<float>(), Is.EqualTo(100f), "no copy: u shares y's storage");
    }

    [Test]
    public void ABatchIsAViewOfTheDataInMemory()
    {
        var (X, y) = LinearRegressionScratch.Data(100);
        var loader = new ArrayLoader(X, y, 10, shuffle: false);
        var (batchX, _) = loader.First();
        batchX[0, 0] = tensor(42f);
        Assert.That(X[0, 0].item<float>(), Is.EqualTo(42f), "the batch is a slice of the features, not a copy");
    }

    [Test]
    public void IndexingWithAListOfIndicesGathersThoseRows()
    {
        using var features = arange(20).reshape(10, 2);
        long[] indices = [7, 2, 5];
        var rows = features[tensor(indices)];
        Assert.That(NotesCheck.Longs(rows), Is.EqualTo(new long[] { 14, 15, 4, 5, 10, 11 }));
        Assert.That(rows.equal(features.index_select(0, tensor(indices))).all().item<bool>());
    }

    [Test]
    public void AShuffledEpochVisitsEveryExampleOnce()
    {
        var X = arange(1000, dtype: float32).reshape(-1, 1);
        var loader = new ArrayLoader(X, arange(1000), 64, shuffle: true, seed: 7);
        float[] seen = loader.SelectMany(b => NotesCheck.Floats(b.X)).ToArray();
        Assert.That(seen, Has.Length.EqualTo(1000));
        Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, 1000).Select(i => (float)i)));
        Assert.That(seen.Take(64), Is.Not.EqualTo(Enumerable.Range(0, 64).Select(i => (float)i)), "not in order");
    }

    [Test]
    public void BatchesAreProducedOnDemand()
    {
        int produced = 0;
        var (X, y) = LinearRegressionScratch.Data(100);
        var loader = new ArrayLoader(X, y, 10, shuffle: false, transform: x => { produced++; return x; });
        using var batches = loader.GetEnumerator();
        Assert.That(batches.MoveNext());
        Assert.That(produced, Is.EqualTo(1), "one of ten batches made so far");
        Assert.That(loader.Count(), Is.EqualTo(10));
    }

    [Test]
    public void TheLastBatchIsSmallerNotDropped()
    {
        var loader = new ArrayLoader(zeros(1000, 2), zeros(1000), 128, shuffle: true);
        long[] sizes = loader.Select(b => b.X.shape[0]).ToArray();
        Assert.That(sizes, Is.EqualTo(new long[] { 128, 128, 128, 128, 128, 128, 128, 104 }));
    }

    [Test]
    public void LinearRegressionHasAClosedFormThatSgdApproaches()
    {
        manual_seed(8);
        using var ctx = NotesCheck.Context();
        var (X, y) = LinearRegressionScratch.Data();
        var A = cat([X, ones(1000, 1)], 1);
        var closedForm = NotesCheck.Floats(linalg.lstsq(A, y).Solution);
        var net = new LinearRegressionModel(2);
        LinearRegressionScratch.Fit(ctx, net, X, y, LinearRegressionModel.SquaredLoss, Updaters.ScratchSgd(0.03), 3, 10);
        float[] learned = [.. NotesCheck.Floats(net.w), .. NotesCheck.Floats(net.b)];
        Assert.That(learned, Is.EqualTo(closedForm).Within(0.01));
        Assert.That(closedForm, Is.EqualTo(new[] { 2f, -3.4f, 4.2f }).Within(0.01));
    }

    [Test]
    public void IdenticalInitialWeightsStayIdentical()
    {
        manual_seed(9);
        var X = randn(32, 3);
        var y = randn(32, 1);
        Tensor TrainedHiddenWeights(bool symmetric)
        {
            var net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1));
            if (symmetric)
            {
                using var noGrad = no_grad();
                foreach (var p in net.parameters()) p.fill_(0.1);
            }
            var optimizer = optim.SGD(net.parameters(), 0.05);
            for (int step = 0; step < 20; step++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                (net.call(X) - y).square().mean().backward();
                optimizer.step();
            }
            return ((Linear)net[0]).weight!.detach();
        }
        var same = TrainedHiddenWeights(symmetric: true);
        Assert.That((same - same[0]).abs().max().item<float>(), Is.EqualTo(0f), "every hidden unit got the same update");
        var random = TrainedHiddenWeights(symmetric: false);
        Assert.That((random - random[0]).abs().max().item<float>(), Is.GreaterThan(0.01f));
    }

    [Test]
    public void EvaluatingTheLossWithoutBackwardLeavesTheGradientsAlone()
    {
        manual_seed(10);
        var net = new LinearRegressionModel(2);
        var (X, y) = LinearRegressionScratch.Data(20);
        LinearRegressionModel.SquaredLoss(net.call(X), y).mean().backward();
        var before = net.w.grad!.clone();
        var printed = LinearRegressionModel.SquaredLoss(net.call(X), y).mean();
        Assert.That(printed.item<float>(), Is.GreaterThan(0));
        Assert.That(net.w.grad!.equal(before).all().item<bool>(), "no backward, no change");
    }

    [Test]
    public void GradientsAccumulateUntilZeroed()
    {
        using var x = arange(4.0f).requires_grad_(true);
        (2 * x.dot(x)).backward();
        (2 * x.dot(x)).backward();
        Assert.That(NotesCheck.Floats(x.grad!), Is.EqualTo(new[] { 0f, 8, 16, 24 }), "4x twice");
        x.grad!.zero_();
        (2 * x.dot(x)).backward();
        Assert.That(NotesCheck.Floats(x.grad!), Is.EqualTo(new[] { 0f, 4, 8, 12 }));
    }

    [Test]
    public void TwoClassSoftmaxIsLogisticRegression()
    {
        manual_seed(11);
        using var scope = NewDisposeScope();
        var z = randn(6, 2);
        var y = tensor(new long[] { 0, 1, 1, 0, 1, 0 });
        Assert.That(F.softmax(z, 1)[TensorIndex.Colon, 1].allclose(F.sigmoid(z[TensorIndex.Colon, 1] - z[TensorIndex.Colon, 0]), atol: 1e-6));
        var softmaxLoss = F.cross_entropy(z, y);
        var logisticLoss = F.binary_cross_entropy_with_logits(z[TensorIndex.Colon, 1] - z[TensorIndex.Colon, 0], y.to(float32));
        Assert.That(softmaxLoss.item<float>(), Is.EqualTo(logisticLoss.item<float>()).Within(1e-5));
    }

    [Test]
    public void CrossEntropyReadsTheTrueClassButItsGradientReachesEveryClass()
    {
        using var z = tensor(new[] { 1f, 2f, 0.5f, -1f }).reshape(1, 4).requires_grad_(true);
        using var y = tensor(new long[] { 2 });
        var loss = F.cross_entropy(z, y);
        var p = F.softmax(z.detach(), 1);
        Assert.That(loss.item<float>(), Is.EqualTo(-Math.Log(p[0, 2].item<float>())).Within(1e-5), "only ŷ of the true class");
        loss.backward();
        var expected = p - F.one_hot(y, 4).to(float32);
        Assert.That(z.grad!.allclose(expected, atol: 1e-6), "∂l/∂o = softmax(o) − y");
        Assert.That(NotesCheck.Floats(z.grad!).Where((_, i) => i != 2), Is.All.GreaterThan(0f), "the wrong classes are pushed down");
    }

    [Test]
    public void MinimisingCrossEntropyMaximisesTheLikelihood()
    {
        manual_seed(12);
        using var scope = NewDisposeScope();
        var z = randn(8, 3, dtype: float64);
        var y = randint(0, 3, [8]);
        double total = F.cross_entropy(z, y, reduction: nn.Reduction.Sum).item<double>();
        double likelihood = F.softmax(z, 1).gather(1, y.reshape(-1, 1)).prod().item<double>();
        Assert.That(Math.Exp(-total), Is.EqualTo(likelihood).Within(1e-12));
    }

    [Test]
    public void EvaluationDoesNotDependOnTheBatchSize()
    {
        manual_seed(13);
        var X = randn(100, 5);
        var y = randint(0, 3, [100]);
        var net = nn.Sequential(nn.Linear(5, 3));
        double one = Metrics.EvaluateAccuracy(net, new ArrayLoader(X, y, 1, shuffle: false));
        double many = Metrics.EvaluateAccuracy(net, new ArrayLoader(X, y, 64, shuffle: false));
        Assert.That(many, Is.EqualTo(one));
    }

    [Test]
    public void AccuracyIsCountedThenDividedOnce()
    {
        // Ten examples in batches of 4, 4 and 2: the first eight right, the last two wrong.
        var logits = tensor(new[,] { { 1f, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 } });
        var labels = tensor(new long[] { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1 });
        var loader = new ArrayLoader(logits, labels, 4, shuffle: false);
        Assert.That(Metrics.EvaluateAccuracy(nn.Identity(), loader), Is.EqualTo(0.8));
        double meanOfBatchMeans = loader.Average(b => Metrics.Accuracy(b.X, b.Y) / b.Y.numel());
        Assert.That(meanOfBatchMeans, Is.EqualTo(2.0 / 3).Within(1e-12), "averaging per-batch accuracies over-weights the short batch");
    }
}
