using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using static TorchSharp.torch;

namespace Course.Chapters.Ch11_OptimizationAlgorithms;

/// <summary>
/// 11.4 Stochastic gradient descent: 11.3's 2-D descent on x1² + 2x2² with N(0, 1) noise added to each component of
/// the gradient, at a constant learning rate (50 steps), an exponentially decaying one (1000 steps) and a polynomially
/// decaying one (50 steps). The noise comes from torch's generator, seeded by the run's <c>--seed</c>, so the end
/// points are random as in the book.
/// </summary>
[Section("sgd", "11.4", "Stochastic gradient descent")]
public sealed class StochasticGradientDescent : ISection<StochasticGradientDescent.Settings>
{
    /// <summary>The book's <c>eta = 0.1</c>, scaled by the schedule's <c>lr()</c> at every step.</summary>
    public sealed record Settings(double Eta = 0.1);

    /// <summary>
    /// d2l's <c>sgd(x1, x2, s1, s2, f_grad)</c>: a step of <c>eta · lr()</c> along the gradient of
    /// <see cref="GradientDescent.F2d"/> plus a standard normal draw on each component (x1's first).
    /// </summary>
    public static Optimization2d.Trainer NoisySgd(double eta, Func<double> lr) => (x1, x2, _, _) =>
    {
        var (g1, g2) = GradientDescent.F2dGrad(x1, x2);
        g1 += StandardNormal();
        g2 += StandardNormal();
        double etaT = eta * lr();
        return (x1 - etaT * g1, x2 - etaT * g2, 0, 0);
    };

    /// <summary>d2l's <c>constant_lr</c>: 1.</summary>
    public static double ConstantLr() => 1;

    /// <summary>d2l's <c>exponential_lr</c>: exp(−0.1t), where t starts at 1 and is incremented before use (first exp(−0.2)).</summary>
    public static Func<double> ExponentialLr()
    {
        int t = 1;
        return () => Math.Exp(-0.1 * ++t);
    }

    /// <summary>d2l's <c>polynomial_lr</c>: (1 + 0.1t)^(−1/2), t as in <see cref="ExponentialLr"/>.</summary>
    public static Func<double> PolynomialLr()
    {
        int t = 1;
        return () => Math.Pow(1 + 0.1 * ++t, -0.5);
    }

    /// <summary>One draw of d2l's <c>torch.normal(0.0, 1, (1,))</c> from torch's generator.</summary>
    private static double StandardNormal()
    {
        using var draw = normal(0.0, 1.0, [1]);
        return draw.item<float>();
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        Descend(ctx, "constant", ConstantLr, 50);
        Descend(ctx, "exponential", ExponentialLr(), 1000);
        Descend(ctx, "polynomial", PolynomialLr(), 50);

        void Descend(RunContext ctx, string schedule, Func<double> lr, int steps)
        {
            var trace = Optimization2d.Train2d(ctx.Out, NoisySgd(s.Eta, lr), steps);
            ctx.Figure("sgd-" + schedule, path => ContourChart.SaveTrace2d(path, GradientDescent.F2d, trace));
            ctx.Metric("f_" + schedule, GradientDescent.F2d(trace[^1].X1, trace[^1].X2));
        }
    }
}
