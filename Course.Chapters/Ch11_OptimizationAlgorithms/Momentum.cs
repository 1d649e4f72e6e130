using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using static TorchSharp.torch;

namespace Course.Chapters.Ch11_OptimizationAlgorithms;

/// <summary>
/// 11.6 Momentum: gradient descent on the ill-conditioned f(x) = 0.1x₁² + 2x₂² against momentum, the weights a leaky
/// average gives the past, <c>sgd_momentum</c> from scratch and <c>torch.optim.SGD</c> with momentum on the airfoil
/// data, and how fast each eigendirection of a quadratic converges.
/// </summary>
[Section("momentum", "11.6", "Momentum", Dataset = "airfoil")]
public sealed class Momentum : ISection<Momentum.Settings>
{
    /// <summary>The book's batch of 10, 2 epochs from scratch and 4 concise, the concise lr 0.005 and momentum 0.9.</summary>
    public sealed record Settings(int Epochs = 2, int BatchSize = 10, int ConciseEpochs = 4, double ConciseLr = 0.005,
        [Range(0.0, 1.0, MaximumIsExclusive = true)] double ConciseMomentum = 0.9);

    /// <summary>The book's three <c>train_momentum(lr, momentum)</c> runs.</summary>
    public static readonly (double Lr, double Momentum)[] ScratchRuns = [(0.02, 0.5), (0.01, 0.9), (0.005, 0.9)];

    /// <summary>The ill-conditioned f(x) = 0.1x₁² + 2x₂² of 11.6–11.8 (d2l's <c>f_2d</c>).</summary>
    public static double F2d(double x1, double x2) => 0.1 * x1 * x1 + 2 * x2 * x2;

    /// <summary>d2l's <c>gd_2d</c> for <see cref="F2d"/>: x ← x − η∇f, with ∇f = (0.2x₁, 4x₂).</summary>
    public static Optimization2d.Trainer Gd2d(double eta) => (x1, x2, _, _) => (x1 - eta * 0.2 * x1, x2 - eta * 4 * x2, 0, 0);

    /// <summary>d2l's <c>momentum_2d</c>: v ← βv + ∇f, x ← x − ηv (the state is v).</summary>
    public static Optimization2d.Trainer Momentum2d(double eta, double beta) => (x1, x2, v1, v2) =>
    {
        v1 = beta * v1 + 0.2 * x1;
        v2 = beta * v2 + 4 * x2;
        return (x1 - eta * v1, x2 - eta * v2, v1, v2);
    };

    /// <summary>d2l's <c>show_trace_2d(f_2d, train_2d(trainer))</c>: prints the end point and draws the path over <see cref="F2d"/>'s contours.</summary>
    public static IReadOnlyList<(double X1, double X2)> ShowTrace2d(RunContext ctx, string figure, Optimization2d.Trainer trainer)
    {
        var results = Optimization2d.Train2d(ctx.Out, trainer);
        ctx.Figure(figure, path => ContourChart.SaveTrace2d(path, F2d, results));
        return results;
    }

    /// <summary>d2l's <c>init_momentum_states(feature_dim)</c>: a zero velocity for w and for b.</summary>
    public static Tensor[][] InitMomentumStates(int featureDim) => ScratchUpdater.ZeroStates(featureDim, 1);

    /// <summary>d2l's <c>sgd_momentum</c>: v ← βv + g, p ← p − ηv (no dampening), then the gradient is zeroed.</summary>
    public static void SgdMomentum(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor[]> states, IDictionary<string, double> hyperparams)
    {
        foreach (var (p, state) in parameters.Zip(states))
        {
            var v = state[0];
            v.mul_(hyperparams["momentum"]).add_(p.grad!);
            p.sub_(hyperparams["lr"] * v);
            p.grad!.zero_();
        }
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        ShowTrace2d(ctx, "gd-eta-0.4", Gd2d(0.4));
        ShowTrace2d(ctx, "gd-eta-0.6", Gd2d(0.6));
        ShowTrace2d(ctx, "momentum-eta-0.6-beta-0.5", Momentum2d(0.6, 0.5));
        ShowTrace2d(ctx, "momentum-eta-0.6-beta-0.25", Momentum2d(0.6, 0.25));

        double[] time = LineChart.Arange(0, 40, 1);
        double[] betas = [0.95, 0.9, 0.6, 0];
        ctx.Figure("past-gradient-weights", path => LineChart.Save(path, time, betas.Select(beta => time.Select(t => Math.Pow(beta, t)).ToArray()).ToArray(),
            betas.Select(beta => string.Create(CultureInfo.InvariantCulture, $"beta = {beta:F2}")).ToArray(), new AxesStyle { XLabel = "time" }));

        foreach (var (lr, momentum) in ScratchRuns)
        {
            var (dataIter, featureDim) = Airfoil.GetDataCh11(ctx.Data, s.BatchSize, seed: ctx.Options.Seed);
            Train.Ch11(ctx, SgdMomentum, InitMomentumStates(featureDim), new Dictionary<string, double> { ["lr"] = lr, ["momentum"] = momentum },
                dataIter, featureDim, s.Epochs, string.Create(CultureInfo.InvariantCulture, $"lr-{lr}-momentum-{momentum}"));
        }
        var (conciseIter, _) = Airfoil.GetDataCh11(ctx.Data, s.BatchSize, seed: ctx.Options.Seed);
        Train.ConciseCh11(ctx, parameters => optim.SGD(parameters, s.ConciseLr, momentum: s.ConciseMomentum), conciseIter, s.ConciseEpochs, "concise");

        double[] steps = LineChart.Arange(0, 20, 1);
        double[] lambdas = [0.1, 1, 10, 19];
        ctx.Figure("convergence-by-eigenvalue", path => LineChart.Save(path, steps, lambdas.Select(lambda => steps.Select(t => Math.Pow(1 - 0.1 * lambda, t)).ToArray()).ToArray(),
            lambdas.Select(lambda => string.Create(CultureInfo.InvariantCulture, $"lambda = {lambda:F2}")).ToArray(), new AxesStyle { XLabel = "time" }, 600, 400));
    }
}
