using Course.Chapters.Ch11_OptimizationAlgorithms;
using Course.Chapters.Infrastructure;
using Course.Core.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>Chapter 11's first sections (11.1–11.4): the book's printed traces and the spread of the noisy ones.</summary>
public sealed class Chapter11TracesTests
{
    private static string LastLine(Action<TextWriter> run)
    {
        using var output = new StringWriter();
        run(output);
        return output.ToString().TrimEnd().Split('\n')[^1];
    }

    [TestCase(0.2, "epoch 10, x: 0.060466")]
    [TestCase(0.05, "epoch 10, x: 3.486784")]
    [TestCase(1.1, "epoch 10, x: 61.917364")]
    public void GradientDescentOnXSquaredPrintsTheBooksEndPoint(double eta, string expected) =>
        Assert.That(LastLine(output => GradientDescent.Gd(output, eta, x => 2 * x)), Is.EqualTo(expected));

    [Test]
    public void GradientDescentOnTheNonConvexFunctionPrintsTheBooksEndPoint() =>
        Assert.That(LastLine(output => GradientDescent.Gd(output, 2, GradientDescent.NonConvexGrad)), Is.EqualTo("epoch 10, x: -1.528166"));

    [Test]
    public void GradientDescentIn2dPrintsTheBooksEndPointAndKeepsTheStart()
    {
        IReadOnlyList<(double X1, double X2)> trace = [];
        Assert.That(LastLine(output => trace = Optimization2d.Train2d(output, GradientDescent.Gd2d(0.1))),
            Is.EqualTo("epoch 20, x1: -0.057646, x2: -0.000073"));
        Assert.That(trace, Has.Count.EqualTo(21));
        Assert.That(trace[0], Is.EqualTo((-5.0, -2.0)));
    }

    [Test]
    public void NewtonsMethodReachesTheBooksFourDigits()
    {
        // d2l printed tensor(0.), tensor(26.8341) and tensor(7.2699).
        double c = GradientDescent.CoshC;
        Assert.That(LastLine(output => GradientDescent.Newton(output, x => c * Math.Sinh(c * x), x => c * c * Math.Cosh(c * x))),
            Is.EqualTo("epoch 10, x: 0.0000"));
        Assert.That(LastLine(output => GradientDescent.Newton(output, GradientDescent.NonConvexGrad, GradientDescent.NonConvexHess)),
            Is.EqualTo("epoch 10, x: 26.8341"));
        Assert.That(LastLine(output => GradientDescent.Newton(output, GradientDescent.NonConvexGrad, GradientDescent.NonConvexHess, 0.5)),
            Is.EqualTo("epoch 10, x: 7.2699"));
    }

    [Test]
    public void DecayingLearningRatesCountTFromTwo()
    {
        var exponential = StochasticGradientDescent.ExponentialLr();
        var polynomial = StochasticGradientDescent.PolynomialLr();
        Assert.That(exponential(), Is.EqualTo(Math.Exp(-0.2)).Within(1e-15));
        Assert.That(exponential(), Is.EqualTo(Math.Exp(-0.3)).Within(1e-15));
        Assert.That(polynomial(), Is.EqualTo(Math.Pow(1.2, -0.5)).Within(1e-15));
    }

    // d2l's code rerun with 50 seeds put f at the end point in 0.0006–0.19 (constant lr), 0.43–1.08 (exponential) and
    // 0.0003–0.064 (polynomial). The same descent simulated in float64 over 4000 seeds has its 0.1% and 99.9% quantiles
    // at 0.00005 and 0.42, 0.37 and 1.15, 0.00002 and 0.16: every run below must land in the book's band widened to
    // those, and the median of 20 runs, which is a sharper check of the noise and the schedule, where the median of
    // 20 simulated runs fell in 300 tries (0.012–0.095, 0.55–0.78, 0.005–0.033), rounded outwards.
    [TestCase("constant", 50, 0.00002, 0.5, 0.01, 0.1)]
    [TestCase("exponential", 1000, 0.3, 1.3, 0.5, 0.8)]
    [TestCase("polynomial", 50, 0.00001, 0.25, 0.004, 0.04)]
    public void NoisySgdEndsInTheBooksBand(string schedule, int steps, double low, double high, double lowMedian, double highMedian)
    {
        var ends = Enumerable.Range(1, 20).Select(seed =>
        {
            Func<double> lr = schedule switch
            {
                "constant" => StochasticGradientDescent.ConstantLr,
                "exponential" => StochasticGradientDescent.ExponentialLr(),
                _ => StochasticGradientDescent.PolynomialLr(),
            };
            manual_seed(seed);
            var (x1, x2) = Optimization2d.Train2d(TextWriter.Null, StochasticGradientDescent.NoisySgd(0.1, lr), steps)[^1];
            return GradientDescent.F2d(x1, x2);
        }).Order().ToArray();
        Assert.That(ends, Is.All.InRange(low, high));
        Assert.That((ends[9] + ends[10]) / 2, Is.InRange(lowMedian, highMedian), "the median of 20 seeds");
    }

    [Test]
    public void NoisySgdIsSeeded()
    {
        IReadOnlyList<(double X1, double X2)> Run(long seed)
        {
            manual_seed(seed);
            return Optimization2d.Train2d(TextWriter.Null, StochasticGradientDescent.NoisySgd(0.1, StochasticGradientDescent.ConstantLr), 50);
        }
        Assert.That(Run(7), Is.EqualTo(Run(7)));
        Assert.That(Run(7), Is.Not.EqualTo(Run(8)));
    }

    [TestCase("optimization-intro", 5)]
    [TestCase("convexity", 4)]
    [TestCase("gd", 8)]
    [TestCase("sgd", 3)]
    public void SectionWritesItsFigures(string id, int figures)
    {
        var result = SectionRunner.Run(id, TestEnvironment.Options(), TextWriter.Null);
        Assert.That(Directory.GetFiles(result.OutputDirectory, "*.png"), Has.Length.EqualTo(figures));
    }
}
