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
/// 11.8 RMSProp: AdaGrad with a leaky average of the squared gradients; the weights that average gives the past, its
/// 2-D trace on 11.6's f, then <c>rmsprop</c> from scratch and <c>torch.optim.RMSprop</c> on the airfoil data.
/// </summary>
[Section("rmsprop", "11.8", "RMSProp", Dataset = "airfoil")]
public sealed class RmsProp : ISection<RmsProp.Settings>
{
    /// <summary>The book's lr 0.01 and γ 0.9 (<c>alpha</c> in <c>torch.optim.RMSprop</c>), batch 10, 2 epochs from scratch and 4 concise.</summary>
    public sealed record Settings(int Epochs = 2, double Lr = 0.01, [Range(0.0, 1.0, MaximumIsExclusive = true)] double Gamma = 0.9, int BatchSize = 10,
        int ConciseEpochs = 4);

    /// <summary>d2l's <c>rmsprop_2d</c> with ε = 1e-6: s ← γs + (1 − γ)g², x ← x − η g / √(s + ε).</summary>
    public static Optimization2d.Trainer Rmsprop2d(double eta, double gamma) => (x1, x2, s1, s2) =>
    {
        const double eps = 1e-6;
        double g1 = 0.2 * x1, g2 = 4 * x2;
        s1 = gamma * s1 + (1 - gamma) * g1 * g1;
        s2 = gamma * s2 + (1 - gamma) * g2 * g2;
        return (x1 - eta / Math.Sqrt(s1 + eps) * g1, x2 - eta / Math.Sqrt(s2 + eps) * g2, s1, s2);
    };

    /// <summary>d2l's <c>init_rmsprop_states(feature_dim)</c>: a zero average of squares for w and for b.</summary>
    public static Tensor[][] InitRmspropStates(int featureDim) => ScratchUpdater.ZeroStates(featureDim, 1);

    /// <summary>d2l's <c>rmsprop</c>: s ← γs + (1 − γ)g², p ← p − η g / √(s + 1e-6), then the gradient is zeroed.</summary>
    public static void Rmsprop(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor[]> states, IDictionary<string, double> hyperparams)
    {
        const double eps = 1e-6;
        double gamma = hyperparams["gamma"];
        foreach (var (p, state) in parameters.Zip(states))
        {
            var s = state[0];
            s.mul_(gamma).add_((1 - gamma) * square(p.grad!));
            p.sub_(hyperparams["lr"] * p.grad! / sqrt(s + eps));
            p.grad!.zero_();
        }
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        double[] time = LineChart.Arange(0, 40, 1);
        double[] gammas = [0.95, 0.9, 0.8, 0.7];
        ctx.Figure("past-gradient-weights", path => LineChart.Save(path, time, gammas.Select(g => time.Select(t => (1 - g) * Math.Pow(g, t)).ToArray()).ToArray(),
            gammas.Select(g => string.Create(CultureInfo.InvariantCulture, $"gamma = {g:F2}")).ToArray(), new AxesStyle { XLabel = "time" }));
        Momentum.ShowTrace2d(ctx, "rmsprop-eta-0.4-gamma-0.9", Rmsprop2d(0.4, 0.9));

        var (dataIter, featureDim) = Airfoil.GetDataCh11(ctx.Data, s.BatchSize, seed: ctx.Options.Seed);
        Train.Ch11(ctx, Rmsprop, InitRmspropStates(featureDim), new Dictionary<string, double> { ["lr"] = s.Lr, ["gamma"] = s.Gamma },
            dataIter, featureDim, s.Epochs, "scratch");
        var (conciseIter, _) = Airfoil.GetDataCh11(ctx.Data, s.BatchSize, seed: ctx.Options.Seed);
        Train.ConciseCh11(ctx, parameters => optim.RMSProp(parameters, s.Lr, alpha: s.Gamma), conciseIter, s.ConciseEpochs, "concise");
    }
}
