using Course.Chapters.Ch02_Preliminaries;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>The values the notes print for chapter 2, computed by the sections' own code.</summary>
public sealed class Chapter2Tests
{
    private static float[] Values(Tensor t) => t.cpu().to(float32).reshape(-1).data<float>().ToArray();

    [Test]
    public void ConcatenationAndBroadcasting()
    {
        var (x, y) = DataOperations.Concatenation();
        Assert.That(cat([x, y], 0).shape, Is.EqualTo(new long[] { 6, 4 }));
        Assert.That(cat([x, y], 1).shape, Is.EqualTo(new long[] { 3, 8 }));
        Assert.That(Values(x.eq(y)), Is.EqualTo(new float[] { 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 }));
        Assert.That(x.sum().item<float>(), Is.EqualTo(66));
        Assert.That(Values(DataOperations.Broadcast()), Is.EqualTo(new float[] { 0, 1, 1, 2, 2, 3 }));
    }

    [Test]
    public void ReductionsOfA()
    {
        var a = LinearAlgebra.Matrix();
        Assert.That(Values(a.sum(dim: 1)), Is.EqualTo(new float[] { 6, 22, 38, 54, 70 }));
        Assert.That(Values(a.sum(dim: 0)), Is.EqualTo(new float[] { 40, 45, 50, 55 }));
        Assert.That(a.mean().item<float>(), Is.EqualTo(9.5f));
        Assert.That(Values(a.T.T), Is.EqualTo(Values(a)));
        // The notes: A / [1, 2, 3, 4] broadcasts over rows; A / A.sum(axis=1) does not fit.
        Assert.That(Values(a / tensor(new[] { 1f, 2, 3, 4 }))[..8], Is.EqualTo(new[] { 0f, 0.5f, 2f / 3, 0.75f, 4f, 2.5f, 2f, 1.75f }).Within(1e-6));
        Assert.That(() => a / a.sum(dim: 1), Throws.Exception);
    }

    [Test]
    public void NormsAndProducts()
    {
        Assert.That(tensor(new[] { 3f, -4f }).norm().item<float>(), Is.EqualTo(5f));
        Assert.That(ones(4, 9).norm().item<float>(), Is.EqualTo(6f));
        Assert.That(Values(mv(LinearAlgebra.Matrix(), arange(4, dtype: float32))), Is.EqualTo(new float[] { 14, 38, 62, 86, 110 }));
    }

    [Test]
    public void NumericalLimitApproachesTheDerivative()
    {
        double[] limits = Enumerable.Range(1, 5).Select(i => Calculus.NumericalLimit(Calculus.F, 1, Math.Pow(10, -i))).ToArray();
        Assert.That(limits, Is.EqualTo(new[] { 2.3, 2.03, 2.003, 2.0003, 2.00003 }).Within(1e-6));
        Assert.That(Calculus.CentralDifference(Calculus.Cubic, 1), Is.EqualTo(4.000000019999117).Within(1e-9));
        Assert.That(Calculus.Tangent(Calculus.Cubic, 1).Intercept, Is.EqualTo(-4).Within(1e-6));
    }

    [Test]
    public void AutogradGivesTheNotesGradients()
    {
        using var x = arange(4.0f);
        Assert.That(Values(Autograd.GradientOfTwiceSquaredNorm(x)), Is.EqualTo(new float[] { 0, 4, 8, 12 }));
        var (withU, ofY) = Autograd.Detach(x);
        Assert.That(Values(withU), Is.EqualTo(new float[] { 0, 1, 4, 9 }));
        Assert.That(Values(ofY), Is.EqualTo(new float[] { 0, 2, 4, 6 }));
    }

    [Test]
    public void ControlFlowGradientIsDOverA()
    {
        foreach (float start in new[] { 0.3f, -0.02f, 1.7f })
        {
            var a = tensor(start).requires_grad_(true);
            var d = Autograd.ControlFlow(a);
            d.backward();
            // d is linear in a (d = k·a), so its gradient is d / a, up to float rounding of large k.
            Assert.That(a.grad!.item<float>(), Is.EqualTo((d / a).item<float>()).Within(1e-5).Percent);
        }

        // The notes' vector case: d.sum().backward() on arange(4) gives 512 everywhere.
        var v = arange(4.0f).requires_grad_(true);
        Autograd.ControlFlow(v).sum().backward();
        Assert.That(Values(v.grad!), Is.EqualTo(new float[] { 512, 512, 512, 512 }));
    }

    [Test]
    public void DieEstimatesConvergeToOneSixth()
    {
        manual_seed(0);
        var estimates = Probability.CumulativeEstimates();
        Assert.That(estimates.shape, Is.EqualTo(new long[] { 500, 6 }));
        Assert.That(Values(estimates.sum(dim: 1)), Is.All.EqualTo(1f).Within(1e-5));
        Assert.That(Values(estimates[-1]), Is.All.EqualTo(1.0 / 6).Within(0.03));
    }
}
