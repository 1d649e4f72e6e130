using Course.Chapters.Ch02_Preliminaries;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Tests;
using Microsoft.Data.Analysis;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.ChapterNotes;

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
