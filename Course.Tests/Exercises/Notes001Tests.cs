using System.Reflection;
using System.Runtime.CompilerServices;
using Course.Chapters.Ch02_Preliminaries;
using Course.Chapters.Ch03_LinearNetworks;
using Course.Chapters.Ch04_MultilayerPerceptrons;
using Course.Chapters.Ch06_ConvolutionalNetworks;
using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using Microsoft.Data.Analysis;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Course.Tests.Exercises;

/// <summary>Helpers shared by the checks of the chapter notes (seed 001).</summary>
internal static class NotesCheck
{
    public static float[] Floats(Tensor t) => t.detach().cpu().to(float32).reshape(-1).data<float>().ToArray();

    public static double[] Doubles(Tensor t) => t.detach().cpu().to(float64).reshape(-1).data<double>().ToArray();

    public static long[] Longs(Tensor t) => t.detach().cpu().to(int64).reshape(-1).data<long>().ToArray();

    public static RunContext Context() => new(TestEnvironment.Options(), "exercises", TextWriter.Null);

    /// <summary>The population standard deviation of a series.</summary>
    public static double Std(IReadOnlyCollection<double> values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }

    /// <summary>Least squares on the first <paramref name="columns"/> columns: the solution and the training MSE.</summary>
    public static (Tensor Solution, double TrainMse) LeastSquares(Tensor X, Tensor y, int columns)
    {
        var A = X.narrow(1, 0, columns);
        var solution = linalg.lstsq(A, y).Solution;
        return (solution, (A.mm(solution) - y).square().mean().item<double>());
    }
}

/// <summary>Chapter 2 of the notes: the exercises (练习) of 2.2 to 2.5.</summary>
public sealed class NotesChapter2Tests
{
    private static DataFrame HouseTiny()
    {
        string path = Path.Combine(TestEnvironment.TempFolder(), "house_tiny.csv");
        File.WriteAllText(path, DataPreprocessing.HouseTiny);
        return DataFrames.LoadCsv(path);
    }

    private static string[] Names(DataFrame frame) => frame.Columns.Select(c => c.Name).ToArray();

    // The notes' first version: the maximum of the null counts, then drop every column that has it.
    private static DataFrame DropEveryColumnWithTheMaximum(DataFrame data)
    {
        var result = data.Clone();
        long max = data.Columns.Max(c => c.NullCount);
        foreach (var column in data.Columns.Where(c => c.NullCount == max)) result.Columns.Remove(column.Name);
        return result;
    }

    // The notes' second version: idxmax, the label of the first column with the most nulls, dropped by name.
    private static DataFrame DropIdxMax(DataFrame data)
    {
        long max = data.Columns.Max(c => c.NullCount);
        string label = data.Columns.First(c => c.NullCount == max).Name;
        var result = data.Clone();
        result.Columns.Remove(label);
        return result;
    }

    // The notes' third version: argmax, the position of the first column with the most nulls, dropped by position.
    private static DataFrame DropArgMax(DataFrame data)
    {
        long[] counts = data.Columns.Select(c => c.NullCount).ToArray();
        int position = Array.IndexOf(counts, counts.Max());
        var result = data.Clone();
        result.Columns.RemoveAt(position);
        return result;
    }

    [Test]
    public void DropTheColumnWithMostMissingValuesThreeWays()
    {
        var data = HouseTiny();
        Assert.That(data.Columns.Select(c => c.NullCount), Is.EqualTo(new long[] { 2, 3, 0 }), "NumRooms, Alley, Price");
        string[] expected = ["NumRooms", "Price"];
        Assert.That(Names(DropEveryColumnWithTheMaximum(data)), Is.EqualTo(expected));
        Assert.That(Names(DropIdxMax(data)), Is.EqualTo(expected));
        Assert.That(Names(DropArgMax(data)), Is.EqualTo(expected));
        Assert.That(Names(data), Has.Length.EqualTo(3), "the original frame is left alone");

        // The same in plain TorchSharp: missing values as NaN, count them per column, drop the arg-max column.
        using var scope = NewDisposeScope();
        var table = tensor(new[,] { { double.NaN, 1, 127500 }, { 2, double.NaN, 106000 }, { 4, double.NaN, 178100 }, { double.NaN, double.NaN, 140000 } });
        var missing = table.isnan().sum(dim: 0);
        long worst = missing.argmax().item<long>();
        var keep = tensor(Enumerable.Range(0, 3).Where(c => c != worst).Select(c => (long)c).ToArray());
        var kept = table.index_select(1, keep);
        Assert.That(worst, Is.EqualTo(1L));
        Assert.That(kept.shape, Is.EqualTo(new long[] { 4, 2 }));
        Assert.That(NotesCheck.Doubles(kept[TensorIndex.Colon, 1]), Is.EqualTo(new double[] { 127500, 106000, 178100, 140000 }));
    }

    [Test]
    public void TheThreeWaysDifferWhenColumnsTie()
    {
        var data = DataFrames.FromRows(["a", "b", "c"], [[null, "1", "1"], ["2", null, "2"], ["3", "3", "3"]]);
        Assert.That(Names(DropEveryColumnWithTheMaximum(data)), Is.EqualTo(new[] { "c" }), "version 1 drops every tied column");
        Assert.That(Names(DropIdxMax(data)), Is.EqualTo(new[] { "b", "c" }), "idxmax drops the first");
        Assert.That(Names(DropArgMax(data)), Is.EqualTo(new[] { "b", "c" }), "argmax drops the first");
    }

    [Test]
    public void TransposeOfTheTransposeIsTheMatrix()
    {
        using var A = arange(12).reshape(3, 4);
        Assert.That(A.T.shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(A.T.T.equal(A).all().item<bool>());
        using var B = arange(4).reshape(2, 2);
        Assert.That(B.T.equal(B).all().item<bool>(), Is.False, "the notes' [[0, 1], [2, 3]] is not its own transpose");
        Assert.That(B.T.T.equal(B).all().item<bool>());
    }

    [Test]
    public void SumOfTransposesIsTransposeOfSum()
    {
        manual_seed(1);
        using var A = randn(3, 4);
        using var B = randn(3, 4);
        Assert.That((A.T + B.T).allclose((A + B).T));
        // The notes' example: A = B = [[0, 1], [2, 3]].
        using var C = arange(4).reshape(2, 2);
        Assert.That(NotesCheck.Longs(C.T + C.T), Is.EqualTo(new long[] { 0, 4, 2, 6 }));
        Assert.That(NotesCheck.Longs((C + C).T), Is.EqualTo(new long[] { 0, 4, 2, 6 }));
        Assert.That(NotesCheck.Longs(C + C), Is.Not.EqualTo(new long[] { 0, 4, 2, 6 }), "the transpose is not a no-op here");
    }

    [Test]
    public void LenIsTheSizeOfAxisZero()
    {
        // Python's len(X) iterates over the first axis; TorchSharp's X.shape[0] and unbind(0) say the same.
        using var X = arange(24).reshape(2, 3, 4);
        Assert.That(X.shape[0], Is.EqualTo(2));
        Assert.That(X.unbind(0), Has.Length.EqualTo(2));
        foreach (long[] shape in new[] { new long[] { 4, 1 }, [1, 4], [10, 2, 1], [1, 4, 5] })
        {
            using var t = zeros(shape);
            Assert.That(t.unbind(0), Has.Length.EqualTo(shape[0]), string.Join("×", shape));
        }
    }

    [Test]
    public void DividingByRowSumsNeedsKeepdim()
    {
        using var A = arange(20, dtype: float32).reshape(5, 4);
        using var rowSums = A.sum(dim: 1);
        Assert.That(rowSums.shape, Is.EqualTo(new long[] { 5 }));
        Assert.That(() => A / rowSums, Throws.InstanceOf<System.Runtime.InteropServices.ExternalException>()
            .With.Message.Contains("size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1"));
        using var normalised = A / A.sum(dim: 1, keepdim: true);
        Assert.That(NotesCheck.Floats(normalised.sum(dim: 1)), Is.All.EqualTo(1f).Within(1e-6));
        // It is broadcasting, not the matrix-product rule: a length-4 vector divides every row, as does the (4,) column sum.
        Assert.That((A / tensor(new[] { 1f, 2, 3, 4 })).shape, Is.EqualTo(new long[] { 5, 4 }));
        Assert.That((A / A.sum(dim: 0)).shape, Is.EqualTo(new long[] { 5, 4 }));
    }

    [Test]
    public void SumOverEachAxisRemovesThatAxis()
    {
        using var X = arange(24).reshape(2, 3, 4);
        Assert.That(X.sum(dim: 0).shape, Is.EqualTo(new long[] { 3, 4 }));
        Assert.That(X.sum(dim: 1).shape, Is.EqualTo(new long[] { 2, 4 }));
        Assert.That(X.sum(dim: 2).shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(X.sum(dim: 1, keepdim: true).shape, Is.EqualTo(new long[] { 2, 1, 4 }));
        // The notes' walk-through on arange(20).reshape(1, 4, 5).
        using var b = arange(20).reshape(1, 4, 5);
        Assert.That(NotesCheck.Longs(b.sum(dim: 1)), Is.EqualTo(new long[] { 30, 34, 38, 42, 46 }));
        Assert.That(b.sum(dim: 1).shape, Is.EqualTo(new long[] { 1, 5 }));
        Assert.That(NotesCheck.Longs(b.sum(dim: 2)), Is.EqualTo(new long[] { 10, 35, 60, 85 }));
        Assert.That(b.sum(dim: 2).shape, Is.EqualTo(new long[] { 1, 4 }));
        Assert.That(b.sum(dim: 0).shape, Is.EqualTo(new long[] { 4, 5 }));
    }

    [Test]
    public void TangentOfTheCubicAtOneIsFourXMinusFour()
    {
        var (slope, intercept) = Calculus.Tangent(Calculus.Cubic, 1);
        Assert.That(slope, Is.EqualTo(4).Within(1e-6));
        Assert.That(intercept, Is.EqualTo(-4).Within(1e-6));
        using var x = tensor(1.0, requires_grad: true);
        (x.pow(3) - x.reciprocal()).backward();
        Assert.That(x.grad!.item<double>(), Is.EqualTo(4.0), "autograd: 3x² + 1/x² at 1");

        double[] xs = Enumerable.Range(1, 49).Select(i => i * 0.1).ToArray();
        string png = Path.Combine(TestEnvironment.TempFolder(), "cubic-tangent.png");
        LineChart.Save(png, xs, [xs.Select(Calculus.Cubic).ToArray(), xs.Select(v => slope * v + intercept).ToArray()],
            ["x^3 - 1/x", "tangent at x=1"], new AxesStyle { XLim = (0, 5), YLim = (0, 5) });
        Assert.That(new FileInfo(png).Length, Is.GreaterThan(1000));
    }

    private static double F3(double[] x) => 3 * x[0] * x[0] + 5 * Math.Exp(x[1] * x[1]);

    // The notes' numerical_gradient on np.array([1, 1]): an integer array truncates x ± h and the quotient.
    private static long[] NumericalGradientOnIntegers(Func<double[], double> f, long[] x)
    {
        const double h = 1e-4;
        var grad = new long[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            long saved = x[i];
            x[i] = (long)(saved + h);
            double fxh1 = f(x.Select(v => (double)v).ToArray());
            x[i] = (long)(saved - h);
            double fxh2 = f(x.Select(v => (double)v).ToArray());
            grad[i] = (long)((fxh1 - fxh2) / (2 * h));
            x[i] = saved;
        }
        return grad;
    }

    private static double[] NumericalGradient(Func<double[], double> f, double[] x)
    {
        const double h = 1e-4;
        var grad = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x[i];
            x[i] = saved + h;
            double fxh1 = f(x);
            x[i] = saved - h;
            double fxh2 = f(x);
            grad[i] = (fxh1 - fxh2) / (2 * h);
            x[i] = saved;
        }
        return grad;
    }

    [Test]
    public void GradientOfThreeX1SquaredPlusFiveExpX2SquaredIsSixAndTenE()
    {
        using var x = tensor(new[] { 1.0, 1.0 }, requires_grad: true);
        (3 * x[0].square() + 5 * x[1].square().exp()).backward();
        Assert.That(NotesCheck.Doubles(x.grad!), Is.EqualTo(new[] { 6, 10 * Math.E }).Within(1e-12));
        Assert.That(NumericalGradient(F3, [1.0, 1.0]), Is.EqualTo(new[] { 6, 10 * Math.E }).Within(1e-6));
        // The notes print [15000, 42957]: their array is integer, so 1 ± 1e-4 becomes 1 and 0.
        Assert.That(NumericalGradientOnIntegers(F3, [1, 1]), Is.EqualTo(new long[] { 15000, 42957 }));
    }

    [Test]
    public void BackwardOnAVectorOutputFailsAndSumBackwardWorks()
    {
        using var a = arange(4.0f).requires_grad_(true);
        var d = Autograd.ControlFlow(a);
        Assert.That(() => d.backward(), Throws.InstanceOf<System.Runtime.InteropServices.ExternalException>()
            .With.Message.Contains("grad can be implicitly created only for scalar outputs"));
        d.sum().backward();
        Assert.That(NotesCheck.Floats(a.grad!), Is.EqualTo(new[] { 512f, 512f, 512f, 512f }), "the notes' a.grad");

        manual_seed(3);
        using var m = randn(3, 2).requires_grad_(true);
        var dm = Autograd.ControlFlow(m);
        dm.sum().backward();
        var scale = (dm / m).detach();
        Assert.That(m.grad!.allclose(scale), "f(a) = a · 2^k (or ·100 more), so the gradient is d/a");
        Assert.That(scale.allclose(scale[0, 0].expand_as(scale)), "one constant for every element");
    }

    [Test]
    public void SinDerivativeFromAutogradIsCos()
    {
        using var x = arange(0, 10, 0.1, dtype: float32).requires_grad_(true);
        var y = x.sin();
        y.sum().backward();
        Assert.That(x.grad!.allclose(x.detach().cos(), atol: 1e-6));
        double[] xs = NotesCheck.Doubles(x);
        string png = Path.Combine(TestEnvironment.TempFolder(), "sin.png");
        LineChart.Save(png, xs, [NotesCheck.Doubles(y), NotesCheck.Doubles(x.grad!)], ["sin(x)", "x.grad"]);
        Assert.That(File.Exists(png) && new FileInfo(png).Length > 1000);
    }
}

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
            var l = LinearRegressionScratch.SquaredLoss(net.call(x.expand(n, 2)), y.expand(n, 1));
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
        LinearRegressionScratch.SquaredLoss(net.call(X), y).mean().backward();
        var batch = net.w.grad!.clone();
        var sum = zeros_like(batch);
        for (int i = 0; i < 5; i++)
        {
            net.zero_grad();
            LinearRegressionScratch.SquaredLoss(net.call(X[i].reshape(1, 2)), y[i].reshape(1, 1)).sum().backward();
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
        LinearRegressionScratch.SquaredLoss(a.call(X), y).sum().backward();
        MinibatchSgd.Update(a.parameters(), 0.03, batchSize: 10);
        var optimizer = optim.SGD(b.parameters(), 0.03);
        LinearRegressionScratch.SquaredLoss(b.call(X), y).mean().backward();
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
        LinearRegressionScratch.Fit(ctx, net, X, y, LinearRegressionScratch.SquaredLoss, Updaters.ScratchSgd(0.03), 3, 10);
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
        LinearRegressionScratch.SquaredLoss(net.call(X), y).mean().backward();
        var before = net.w.grad!.clone();
        var printed = LinearRegressionScratch.SquaredLoss(net.call(X), y).mean();
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
            updater.Step(LinearRegressionScratch.SquaredLoss(net.call(bx), by).mean());
            snapshots.Add(NotesCheck.Floats(net.w));
        }
        Assert.That(snapshots, Has.Count.EqualTo(4), "one epoch of three batches");
        for (int i = 1; i < snapshots.Count; i++) Assert.That(snapshots[i], Is.Not.EqualTo(snapshots[i - 1]), $"batch {i}");
    }
}

/// <summary>The GPU section's Q&amp;A (d2l 5.6).</summary>
public sealed class NotesChapter5Tests
{
    [Test]
    public void DataMustBeOnTheNetworksDevice()
    {
        var device = Devices.TryGpu();
        var net = nn.Linear(3, 2).to(device);
        using var here = zeros(4, 3).to(device);
        Assert.That(net.call(here).device_type, Is.EqualTo(device.type));
        if (device.type != DeviceType.CUDA) return;
        using var left = zeros(4, 3);
        Assert.That(() => net.call(left), Throws.Exception.With.Message.Contains("same device"), "data left on the CPU");
    }

    [Test]
    public void ModulesHaveCudaAsWellAsTo()
    {
        static bool Extends(MethodInfo m, Type target) => m.IsDefined(typeof(ExtensionAttribute)) && m.GetParameters() is [var first, ..] &&
            (target.IsAssignableFrom(first.ParameterType) || first.ParameterType.IsGenericParameter &&
                first.ParameterType.GetGenericParameterConstraints().Any(target.IsAssignableFrom));
        var statics = typeof(Tensor).Assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)).ToArray();
        Assert.That(statics.Any(m => m.Name == "cuda" && Extends(m, typeof(nn.Module))), "module.cuda()");
        Assert.That(statics.Any(m => m.Name == "to" && Extends(m, typeof(nn.Module))), "module.to(device)");
        Assert.That(typeof(Tensor).GetMethods().Any(m => m.Name == "cuda"), "tensor.cuda()");
        if (!cuda.is_available()) return;
        var net = nn.Linear(2, 2).cuda();
        Assert.That(net.weight!.device_type, Is.EqualTo(DeviceType.CUDA));
    }

    [Test]
    public void InferenceIsAForwardPassWithoutAGraph()
    {
        var net = nn.Sequential(nn.Linear(3, 2));
        var before = NotesCheck.Floats(((Linear)net[0]).weight!);
        using var noGrad = no_grad();
        var y = net.call(ones(5, 3));
        Assert.That(y.requires_grad, Is.False);
        Assert.That(NotesCheck.Floats(((Linear)net[0]).weight!), Is.EqualTo(before));
    }
}

/// <summary>The convolution and LeNet Q&amp;A (d2l 6.2 and 6.6).</summary>
public sealed class NotesChapter6Tests
{
    [Test]
    public void AHundredUnitHiddenLayerIsAHundredWideDenseLayer()
    {
        var (flatten, dense, relu) = (nn.Flatten(), nn.Linear(784, 100), nn.ReLU());
        var mlp = nn.Sequential(flatten, dense, relu, nn.Linear(100, 10));
        var hidden = relu.call(dense.call(flatten.call(rand(2, 1, 28, 28))));
        Assert.That(hidden.shape, Is.EqualTo(new long[] { 2, 100 }), "the hidden layer is nn.Linear(784, 100) and its activation");
        Assert.That(dense.parameters().Sum(p => p.numel()), Is.EqualTo(784 * 100 + 100));
        Assert.That(mlp.call(rand(2, 1, 28, 28)).shape, Is.EqualTo(new long[] { 2, 10 }));
    }

    [Test]
    public void ASmallerLearningRateOrALargerBatchSmoothsTheLossCurve()
    {
        manual_seed(1);
        var X = randn(200, 2);
        var Y = X.mm(tensor(new[] { 2f, -3.4f }).reshape(2, 1)) + 4.2 + 0.5 * randn(200, 1);
        double Jitter(double lr, int batch)
        {
            manual_seed(2);
            var net = nn.Linear(2, 1);
            var optimizer = optim.SGD(net.parameters(), lr);
            var generator = new Generator(3);
            var losses = new List<double>();
            for (int step = 0; step < 300; step++)
            {
                using var scope = NewDisposeScope();
                var idx = randint(0, 200, [batch], generator: generator);
                optimizer.zero_grad();
                (net.call(X[idx]) - Y[idx]).square().mean().backward();
                optimizer.step();
                using (no_grad()) if (step >= 150) losses.Add((net.call(X) - Y).square().mean().item<float>());
            }
            return NotesCheck.Std(losses);
        }
        double big = Jitter(0.1, 1), small = Jitter(0.01, 1), bigBatch = Jitter(0.1, 20);
        Assert.That(small, Is.LessThan(big / 5), "lowering the learning rate smooths the curve");
        Assert.That(bigBatch, Is.LessThan(big / 5), "so does a larger batch");
    }

    [Test]
    public void OneDimensionalConvolutionsHandleSequences()
    {
        manual_seed(3);
        var conv = nn.Conv1d(2, 4, 3);
        var pool = nn.MaxPool1d(2);
        var x = randn(1, 2, 20);
        var y = conv.call(x);
        Assert.That(y.shape, Is.EqualTo(new long[] { 1, 4, 18 }));
        Assert.That(pool.call(y).shape, Is.EqualTo(new long[] { 1, 4, 9 }));
        // Shifting the sequence shifts the features: the same detector at every time step.
        var shifted = conv.call(x.roll(1, 2));
        Assert.That(shifted[TensorIndex.Ellipsis, TensorIndex.Slice(1, null)].allclose(y[TensorIndex.Ellipsis, TensorIndex.Slice(0, -1)], atol: 1e-6));
    }

    [Test]
    public void LeNetTradesResolutionForChannels()
    {
        var net = new LeNet();
        var x = rand(1, 1, 28, 28);
        var sizes = new List<(long Channels, long Elements)> { (1, x.numel()) };
        foreach (var layer in net.children())
        {
            x = ((nn.Module<Tensor, Tensor>)layer).call(x);
            if (layer is AvgPool2d) sizes.Add((x.shape[1], x.numel()));
        }
        Assert.That(sizes, Is.EqualTo(new[] { (1L, 784L), (6L, 1176L), (16L, 400L) }));
    }

    [Test]
    public void ViewFailsOnANonContiguousTensorReshapeCopies()
    {
        using var X = arange(12).reshape(3, 4);
        var viewed = X.view(4, 3);
        viewed[0, 0] = tensor(99L);
        Assert.That(X[0, 0].item<long>(), Is.EqualTo(99L), "view shares the storage");
        var transposed = X.T;
        Assert.That(transposed.is_contiguous(), Is.False);
        Assert.That(() => transposed.view(12), Throws.Exception.With.Message.Contains("Use .reshape(...) instead"));
        var reshaped = transposed.reshape(12);
        reshaped[0] = tensor(-1L);
        Assert.That(X[0, 0].item<long>(), Is.EqualTo(99L), "reshape had to copy");
        var flat = X.reshape(12);
        flat[1] = tensor(-2L);
        Assert.That(X[0, 1].item<long>(), Is.EqualTo(-2L), "but on a contiguous tensor reshape is a view too");
    }

    [Test]
    public void EachOutputChannelSumsOverEveryInputChannel()
    {
        manual_seed(4);
        using var scope = NewDisposeScope();
        var conv = nn.Conv2d(6, 16, 5);
        var x = randn(1, 6, 14, 14);
        var y = conv.call(x);
        var weight = conv.weight!;
        var bias = conv.bias!;
        for (int k = 0; k < 16; k += 5)
        {
            var expected = bias[k].clone();
            for (int c = 0; c < 6; c++)
                expected = expected + F.conv2d(x.narrow(1, c, 1), weight[k, c].reshape(1, 1, 5, 5));
            Assert.That(y.narrow(1, k, 1).allclose(expected, atol: 1e-5), $"output channel {k}");
        }
    }

    [Test]
    public void AnOutputChannelRespondsToItsPattern()
    {
        var edges = ConvolutionLayer.Corr2d(ConvolutionLayer.StripeImage(), ConvolutionLayer.EdgeKernel());
        float[] row = NotesCheck.Floats(edges[0]);
        Assert.That(row, Is.EqualTo(new[] { 0f, 1, 0, 0, 0, -1, 0 }), "the edge kernel fires on the two edges only");
    }

    [Test]
    public void MaxPoolingKeepsTheStrongestResponse()
    {
        using var spike = zeros(1, 1, 4, 4);
        spike[0, 0, 1, 2] = tensor(1f);
        Assert.That(NotesCheck.Floats(F.max_pool2d(spike, 2)), Is.EqualTo(new[] { 0f, 1, 0, 0 }));
        Assert.That(NotesCheck.Floats(F.avg_pool2d(spike, 2)), Is.EqualTo(new[] { 0f, 0.25f, 0, 0 }), "averaging dilutes it");
    }

    [Test]
    public void OutputChannelsEqualTheNumberOfKernels()
    {
        var conv1 = (Conv2d)new LeNet()[0];
        Assert.That(conv1.weight!.shape, Is.EqualTo(new long[] { 6, 1, 5, 5 }), "six 1×5×5 kernels");
        Assert.That(conv1.call(rand(1, 1, 28, 28)).shape[1], Is.EqualTo(6));
    }
}

/// <summary>The Q&amp;A of the modern CNN lectures (d2l 7.2 VGG, 7.3 NiN, 7.4 GoogLeNet, 7.5 batch norm, 7.6 ResNet).</summary>
public sealed class NotesChapter7Tests
{
    [Test]
    public void AWideNetworkMemorisesRandomLabelsWithoutGeneralising()
    {
        manual_seed(1);
        var X = randn(64, 20);
        var y = randint(0, 10, [64]);
        var testX = randn(500, 20);
        var testY = randint(0, 10, [500]);
        var net = nn.Sequential(nn.Linear(20, 512), nn.ReLU(), nn.Linear(512, 10));
        var optimizer = optim.Adam(net.parameters(), 0.01);
        var losses = new List<float>();
        for (int step = 0; step < 100; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = F.cross_entropy(net.call(X), y);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        using var noGrad = no_grad();
        double trainAcc = net.call(X).argmax(1).eq(y).to(float32).mean().item<float>();
        double testAcc = net.call(testX).argmax(1).eq(testY).to(float32).mean().item<float>();
        Assert.That(losses[^1], Is.LessThan(losses[0] / 20), "the training loss keeps falling");
        Assert.That(trainAcc, Is.EqualTo(1.0));
        Assert.That(testAcc, Is.LessThan(0.2), "chance is 0.1");
    }

    [Test]
    public void OneByOneConvolutionsCutTheInceptionCost()
    {
        // The first Inception block of GoogLeNet: 192 channels in, paths (1×1 16 → 5×5 32) and (1×1 96 → 3×3 128).
        var block = new Inception(192, 64, (96, 128), (16, 32), 32);
        var counts = block.named_parameters().ToDictionary(p => p.name, p => p.parameter.numel());
        long fiveByFive = counts["p3_1.weight"] + counts["p3_2.weight"];
        long threeByThree = counts["p2_1.weight"] + counts["p2_2.weight"];
        long direct5 = nn.Conv2d(192, 32, 5).weight!.numel();
        long direct3 = nn.Conv2d(192, 128, 3).weight!.numel();
        Assert.That(fiveByFive, Is.EqualTo(192 * 16 + 16 * 32 * 25));
        Assert.That(direct5, Is.GreaterThan(9 * fiveByFive), "a 5×5 convolution straight from 192 channels");
        Assert.That(direct3, Is.GreaterThan(threeByThree * 3 / 2));
        Assert.That(block.call(rand(1, 192, 28, 28)).shape, Is.EqualTo(new long[] { 1, 256, 28, 28 }));
    }

    [Test]
    public void BatchNormMakesALayerIndifferentToItsWeightScale()
    {
        manual_seed(2);
        var conv = nn.Conv2d(3, 4, 3);
        var bn = nn.BatchNorm2d(4);
        var x = randn(8, 3, 10, 10);
        var y = bn.call(conv.call(x));
        using (no_grad())
        {
            conv.weight!.mul_(10);
            conv.bias!.mul_(10);
        }
        Assert.That(bn.call(conv.call(x)).allclose(y, atol: 1e-4), "so a large learning rate cannot blow the activations up");
    }

    [Test]
    public void BatchNormAfterTheActivationAlsoTrains()
    {
        manual_seed(3);
        var x = rand(256, 2) * 2 - 1;
        var y = (x[TensorIndex.Colon, 0] * x[TensorIndex.Colon, 1]).reshape(-1, 1);
        double RelativeLoss(bool afterActivation)
        {
            manual_seed(4);
            var net = afterActivation
                ? nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.BatchNorm1d(32), nn.Linear(32, 1))
                : nn.Sequential(nn.Linear(2, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 1));
            var optimizer = optim.Adam(net.parameters(), 0.01);
            double first = 0, last = 0;
            for (int step = 0; step < 150; step++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = (net.call(x) - y).square().mean();
                loss.backward();
                optimizer.step();
                last = loss.item<float>();
                if (step == 0) first = last;
            }
            return last / first;
        }
        Assert.That(RelativeLoss(afterActivation: true), Is.LessThan(0.2));
        Assert.That(RelativeLoss(afterActivation: false), Is.LessThan(0.2));
    }

    [Test]
    public void AResidualBlockCanBeTheIdentity()
    {
        var block = new Residual(3, 3);
        using (no_grad())
        {
            foreach (var (name, p) in block.named_parameters())
                if (name.StartsWith("bn2.", StringComparison.Ordinal)) p.zero_();
        }
        var x = rand(2, 3, 6, 6);
        Assert.That(block.call(x).allclose(x), "g(x) = 0 leaves f(x) = x");
    }

    [Test]
    public void ResidualConnectionsKeepTheGradientOfADeepStack()
    {
        manual_seed(5);
        var layers = Enumerable.Range(0, 50).Select(_ => nn.Linear(16, 16)).ToArray();
        using (no_grad()) foreach (var l in layers) nn.init.normal_(l.weight!, 0, 0.1);
        double InputGradient(bool residual)
        {
            var x = randn(1, 16).requires_grad_(true);
            var h = x;
            foreach (var l in layers) h = residual ? h + l.call(h).tanh() : l.call(h).tanh();
            h.sum().backward();
            return x.grad!.norm().item<float>();
        }
        Assert.That(InputGradient(residual: false), Is.LessThan(1e-8), "a product of 50 small Jacobians");
        Assert.That(InputGradient(residual: true), Is.GreaterThan(0.1), "I + g' at every layer");
    }
}

/// <summary>The Q&amp;A of the text preprocessing and RNN lectures (d2l 8.2, 8.4, 8.5).</summary>
public sealed class NotesChapter8Tests
{
    [Test]
    public void TokenIdsAreNamesNotMagnitudes()
    {
        var vocab = new Vocab("the time machine by h g wells the time".Split(' '));
        var ids = tensor(vocab.ToIndices(["the", "wells", "g"]).Select(i => (long)i).ToArray());
        var oneHot = F.one_hot(ids, vocab.Count).to(float32);
        Assert.That(NotesCheck.Floats(oneHot.sum(dim: 1)), Is.All.EqualTo(1f), "every token is a unit vector, whatever its id");
        Assert.That(NotesCheck.Floats(oneHot.mm(oneHot.T)), Is.EqualTo(new[] { 1f, 0, 0, 0, 1, 0, 0, 0, 1 }), "and no two are closer than others");
    }

    [Test]
    public void NumStepsIsTheLengthOfEachSubsequence()
    {
        int[] corpus = Enumerable.Range(0, 100).ToArray();
        var (X, Y) = new SeqDataLoader(corpus, batchSize: 2, numSteps: 5, useRandomIter: false).First();
        Assert.That(X.shape, Is.EqualTo(new long[] { 2, 5 }), "(batch_size, num_steps)");
        Assert.That(Y.equal(X + 1).all().item<bool>(), "each step predicts the next token");
    }

    [Test]
    public void ThereIsOneClassificationPerExamplePerStep()
    {
        manual_seed(1);
        var net = new RnnScratchModel(28, 16);
        var X = randint(0, 28, [2, 5]);
        var (output, state) = net.forward(X, net.BeginState(2, CPU));
        Assert.That(output.shape, Is.EqualTo(new long[] { 10, 28 }), "batch_size × num_steps rows of vocabulary scores");
        Assert.That(state[0].shape, Is.EqualTo(new long[] { 2, 16 }));
    }

    [Test]
    public void TheStateIsUpdatedOncePerTimeStepForTheWholeBatch()
    {
        manual_seed(2);
        var net = new RnnScratchModel(28, 16);
        var X = randint(0, 28, [3, 5]);
        var (all, final) = net.forward(X, net.BeginState(3, CPU));
        var state = net.BeginState(3, CPU);
        var steps = new List<Tensor>();
        for (int t = 0; t < 5; t++)
        {
            (var output, state) = net.forward(X.narrow(1, t, 1), state);
            steps.Add(output);
        }
        Assert.That(steps, Has.Count.EqualTo(5), "num_steps updates, each of a (batch, hiddens) state");
        Assert.That(cat(steps, 0).allclose(all, atol: 1e-6));
        Assert.That(state[0].allclose(final[0], atol: 1e-6));
    }

    [Test]
    public void DetachingTheStateCutsTheGraphToThePreviousBatch()
    {
        manual_seed(3);
        var net = new RnnScratchModel(28, 8);
        var X1 = randint(0, 28, [2, 4]);
        var X2 = randint(0, 28, [2, 4]);
        Tensor? GradientOfFirstState(bool detach)
        {
            var h0 = zeros(2, 8).requires_grad_(true);
            var (_, state) = net.forward(X1, [h0]);
            var carried = detach ? state[0].detach() : state[0];
            var (output, _) = net.forward(X2, [carried]);
            output.sum().backward();
            return h0.grad;
        }
        Assert.That(GradientOfFirstState(detach: false), Is.Not.Null, "without detach the second batch back-propagates into the first");
        Assert.That(GradientOfFirstState(detach: true), Is.Null);
    }

    [Test]
    public void CharacterVocabularyIsTinyComparedWithWords()
    {
        var lines = TimeMachine.ReadLines(TestEnvironment.Data);
        var chars = new Vocab(TimeMachine.Tokenize(lines, TokenKind.Char).SelectMany(l => l));
        var words = new Vocab(TimeMachine.Tokenize(lines, TokenKind.Word).SelectMany(l => l));
        Assert.That(chars.Count, Is.EqualTo(28), "26 letters, space and <unk>");
        Assert.That(words.Count, Is.EqualTo(4580), "4579 words and <unk>");
    }

    [Test]
    public void TimeMajorInputsMakeEachStepContiguous()
    {
        using var X = arange(10).reshape(2, 5);
        var inputs = F.one_hot(X.T, 28);
        Assert.That(inputs.shape, Is.EqualTo(new long[] { 5, 2, 28 }), "(num_steps, batch_size, vocab)");
        Assert.That(inputs[1].is_contiguous());
        Assert.That(inputs[1].argmax(1).equal(X[TensorIndex.Colon, 1]).all().item<bool>(), "step 1 holds every example's second token");
    }
}

/// <summary>The Q&amp;A of the bidirectional RNN and machine translation lectures (d2l 9.4, 9.5).</summary>
public sealed class NotesChapter9Tests
{
    [Test]
    public void TheBackwardDirectionStartsFromZeros()
    {
        manual_seed(1);
        var lstm = nn.LSTM(4, 3, bidirectional: true);
        var x = randn(5, 2, 4);
        var (implicitStart, _, _) = lstm.call(x, null);
        var (zeroStart, _, _) = lstm.call(x, (zeros(2, 2, 3), zeros(2, 2, 3)));
        Assert.That(implicitStart.allclose(zeroStart));
        var (otherStart, _, _) = lstm.call(x, (ones(2, 2, 3), zeros(2, 2, 3)));
        Assert.That(otherStart.allclose(zeroStart), Is.False, "the start state matters, and the default is zeros");
    }

    [Test]
    public void TheLstmHiddenStateIsBoundedButTheCellIsNot()
    {
        manual_seed(2);
        var lstm = nn.LSTM(4, 16);
        var x = 10 * ones(50, 1, 4);
        var (output, _, c) = lstm.call(x, null);
        Assert.That(output.abs().max().item<float>(), Is.LessThan(1f), "H = O ⊙ tanh(C)");
        Assert.That(c.abs().max().item<float>(), Is.GreaterThan(2f), "C adds up over time");
    }

    [Test]
    public void BidirectionalOutputsDependOnTheFuture()
    {
        manual_seed(3);
        var x = randn(6, 1, 4);
        var changed = x.clone();
        changed[5] = randn(1, 4);
        var bi = nn.LSTM(4, 3, bidirectional: true);
        var uni = nn.LSTM(4, 3);
        Assert.That(bi.call(x, null).Item1[0].allclose(bi.call(changed, null).Item1[0]), Is.False, "step 0 sees step 5");
        Assert.That(uni.call(x, null).Item1[0].allclose(uni.call(changed, null).Item1[0]), "a forecaster must not");
    }

    [Test]
    public void TheTwoDirectionsShareNoWeights()
    {
        manual_seed(4);
        var bi = nn.LSTM(4, 3, bidirectional: true);
        var names = bi.named_parameters().Select(p => p.name).ToArray();
        Assert.That(names, Is.EquivalentTo(new[]
        {
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
            "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
        }));
        var forward = nn.LSTM(4, 3);
        var backward = nn.LSTM(4, 3);
        var source = bi.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
        {
            foreach (var (name, p) in forward.named_parameters()) p.copy_(source[name]);
            foreach (var (name, p) in backward.named_parameters()) p.copy_(source[name + "_reverse"]);
        }
        var x = randn(5, 2, 4);
        var both = bi.call(x, null).Item1;
        Assert.That(both.narrow(2, 0, 3).allclose(forward.call(x, null).Item1, atol: 1e-6));
        Assert.That(both.narrow(2, 3, 3).allclose(backward.call(x.flip(0), null).Item1.flip(0), atol: 1e-6),
            "the output is two independent LSTMs side by side");
    }

    [Test]
    public void SourceAndTargetStayPairedAfterIndexing()
    {
        // The first 1000 lines are enough; preprocessing works line by line.
        string text = FraEng.Preprocess(string.Join('\n', FraEng.Read(TestEnvironment.Data).Split('\n').Take(1000)));
        var (source, target) = FraEng.Tokenize(text, numExamples: 600);
        var srcVocab = new Vocab(source.SelectMany(l => l), minFreq: 2, reservedTokens: FraEng.ReservedTokens);
        var tgtVocab = new Vocab(target.SelectMany(l => l), minFreq: 2, reservedTokens: FraEng.ReservedTokens);
        Assert.That(srcVocab["go"], Is.Not.EqualTo(tgtVocab["va"]), "the two vocabularies number their tokens independently");
        var (srcArray, srcValid) = FraEng.BuildArray(source, srcVocab, 8);
        var (tgtArray, tgtValid) = FraEng.BuildArray(target, tgtVocab, 8);
        // A short row is its tokens, <eos>, then padding: the valid length less one is the sentence.
        static string[] Decode(Tensor row, Tensor valid, Vocab vocab) =>
            vocab.ToTokens(NotesCheck.Longs(row.narrow(0, 0, valid.item<long>() - 1)).Select(i => (int)i));
        static string[] Indexed(string sentence, Vocab vocab) => vocab.ToTokens(vocab.ToIndices(sentence.Split(' ')));
        string[] lines = text.Split('\n');
        for (int i = 0; i < 20; i++)
        {
            string[] pair = lines[i].Split('\t');
            Assert.That(Decode(srcArray[i], srcValid[i], srcVocab), Is.EqualTo(Indexed(pair[0], srcVocab)), $"source row {i}");
            Assert.That(Decode(tgtArray[i], tgtValid[i], tgtVocab), Is.EqualTo(Indexed(pair[1], tgtVocab)), $"target row {i}");
        }
        Assert.That(Decode(srcArray[0], srcValid[0], srcVocab), Is.EqualTo(new[] { "go", "." }));
        Assert.That(Decode(tgtArray[0], tgtValid[0], tgtVocab), Is.EqualTo(new[] { "va", "!" }));
    }
}
