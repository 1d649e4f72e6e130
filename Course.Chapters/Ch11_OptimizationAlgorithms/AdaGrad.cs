using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;
using static TorchSharp.torch;

namespace Course.Chapters.Ch11_OptimizationAlgorithms;

/// <summary>
/// 11.7 AdaGrad: a learning rate per coordinate, scaled down by the gradients' accumulated squares; its 2-D traces
/// on 11.6's f, then <c>adagrad</c> from scratch and <c>torch.optim.Adagrad</c> on the airfoil data.
/// </summary>
[Section("adagrad", "11.7", "AdaGrad", Dataset = "airfoil")]
public sealed class AdaGrad : ISection<AdaGrad.Settings>
{
    /// <summary>The book's lr 0.1 (from scratch and concise), batch 10, 2 epochs from scratch and 4 concise.</summary>
    public sealed record Settings(int Epochs = 2, double Lr = 0.1, int BatchSize = 10, int ConciseEpochs = 4);

    /// <summary>d2l's <c>adagrad_2d</c> with ε = 1e-6: s ← s + g², x ← x − η g / √(s + ε) (the state is s).</summary>
    public static Optimization2d.Trainer Adagrad2d(double eta) => (x1, x2, s1, s2) =>
    {
        const double eps = 1e-6;
        double g1 = 0.2 * x1, g2 = 4 * x2;
        s1 += g1 * g1;
        s2 += g2 * g2;
        return (x1 - eta / Math.Sqrt(s1 + eps) * g1, x2 - eta / Math.Sqrt(s2 + eps) * g2, s1, s2);
    };

    /// <summary>d2l's <c>init_adagrad_states(feature_dim)</c>: a zero sum of squares for w and for b.</summary>
    public static Tensor[][] InitAdagradStates(int featureDim) => ScratchUpdater.ZeroStates(featureDim, 1);

    /// <summary>d2l's <c>adagrad</c>: s ← s + g², p ← p − η g / √(s + 1e-6), then the gradient is zeroed.</summary>
    public static void Adagrad(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor[]> states, IDictionary<string, double> hyperparams)
    {
        const double eps = 1e-6;
        foreach (var (p, state) in parameters.Zip(states))
        {
            var s = state[0];
            s.add_(square(p.grad!));
            p.sub_(hyperparams["lr"] * p.grad! / sqrt(s + eps));
            p.grad!.zero_();
        }
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        Momentum.ShowTrace2d(ctx, "adagrad-eta-0.4", Adagrad2d(0.4));
        Momentum.ShowTrace2d(ctx, "adagrad-eta-2", Adagrad2d(2));

        var (dataIter, featureDim) = Airfoil.GetDataCh11(ctx.Data, s.BatchSize, seed: ctx.Options.Seed);
        Train.Ch11(ctx, Adagrad, InitAdagradStates(featureDim), new Dictionary<string, double> { ["lr"] = s.Lr }, dataIter, featureDim, s.Epochs, "scratch");
        var (conciseIter, _) = Airfoil.GetDataCh11(ctx.Data, s.BatchSize, seed: ctx.Options.Seed);
        Train.ConciseCh11(ctx, parameters => optim.Adagrad(parameters, s.Lr), conciseIter, s.ConciseEpochs, "concise");
    }
}
