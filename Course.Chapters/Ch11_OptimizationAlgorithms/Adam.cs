using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;
using static TorchSharp.torch;

namespace Course.Chapters.Ch11_OptimizationAlgorithms;

/// <summary>
/// 11.10 Adam: leaky averages of the gradient and of its square, both corrected for their start at zero;
/// <c>adam</c> from scratch, <c>torch.optim.Adam</c>, and Yogi, which changes how the squares are averaged, on the
/// airfoil data.
/// </summary>
[Section("adam", "11.10", "Adam", Dataset = "airfoil")]
public sealed class AdamSection : ISection<AdamSection.Settings>
{
    /// <summary>The book's lr 0.01 (Adam from scratch, concise, and Yogi), batch 10, 2 epochs from scratch and 4 concise.</summary>
    public sealed record Settings(int Epochs = 2, double Lr = 0.01, int BatchSize = 10, int ConciseEpochs = 4);

    private const double Beta1 = 0.9, Beta2 = 0.999;

    /// <summary>d2l's <c>init_adam_states(feature_dim)</c>: (v, s) for w and for b, all zero; Yogi uses it too.</summary>
    public static Tensor[][] InitAdamStates(int featureDim) => ScratchUpdater.ZeroStates(featureDim, 2);

    /// <summary>
    /// d2l's <c>adam</c> with β₁ = 0.9, β₂ = 0.999, ε = 1e-6: v ← β₁v + (1 − β₁)g, s ← β₂s + (1 − β₂)g², then the
    /// bias-corrected step; <c>t</c> counts the steps from 1.
    /// </summary>
    public static void AdamUpdate(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor[]> states, IDictionary<string, double> hyperparams)
    {
        foreach (var (p, state) in parameters.Zip(states))
        {
            var (v, s) = (state[0], state[1]);
            v.mul_(Beta1).add_((1 - Beta1) * p.grad!);
            s.mul_(Beta2).add_((1 - Beta2) * square(p.grad!));
            BiasCorrectedStep(p, v, s, hyperparams, eps: 1e-6);
        }
        hyperparams["t"] += 1;
    }

    /// <summary>
    /// d2l's <c>yogi</c> (11.10), Adam with s ← s + (1 − β₂) sign(g² − s) g², so that s grows or shrinks by at most
    /// (1 − β₂)g² a step, and ε = 1e-3.
    /// </summary>
    public static void Yogi(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor[]> states, IDictionary<string, double> hyperparams)
    {
        foreach (var (p, state) in parameters.Zip(states))
        {
            var (v, s) = (state[0], state[1]);
            var g2 = square(p.grad!);
            v.mul_(Beta1).add_((1 - Beta1) * p.grad!);
            s.add_((1 - Beta2) * sign(g2 - s) * g2);
            BiasCorrectedStep(p, v, s, hyperparams, eps: 1e-3);
        }
        hyperparams["t"] += 1;
    }

    /// <summary>p ← p − η v̂ / (√ŝ + ε) with v̂ = v / (1 − β₁ᵗ) and ŝ = s / (1 − β₂ᵗ); then the gradient is zeroed.</summary>
    private static void BiasCorrectedStep(Tensor p, Tensor v, Tensor s, IDictionary<string, double> hyperparams, double eps)
    {
        double t = hyperparams["t"];
        var vBiasCorr = v / (1 - Math.Pow(Beta1, t));
        var sBiasCorr = s / (1 - Math.Pow(Beta2, t));
        p.sub_(hyperparams["lr"] * vBiasCorr / (sqrt(sBiasCorr) + eps));
        p.grad!.zero_();
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var (dataIter, featureDim) = Airfoil.GetDataCh11(ctx.Data, s.BatchSize, seed: ctx.Options.Seed);
        Train.Ch11(ctx, AdamUpdate, InitAdamStates(featureDim), new Dictionary<string, double> { ["lr"] = s.Lr, ["t"] = 1 }, dataIter, featureDim, s.Epochs, "scratch");
        var (conciseIter, _) = Airfoil.GetDataCh11(ctx.Data, s.BatchSize, seed: ctx.Options.Seed);
        Train.ConciseCh11(ctx, parameters => optim.Adam(parameters, s.Lr), conciseIter, s.ConciseEpochs, "concise");
        var (yogiIter, _) = Airfoil.GetDataCh11(ctx.Data, s.BatchSize, seed: ctx.Options.Seed);
        Train.Ch11(ctx, Yogi, InitAdamStates(featureDim), new Dictionary<string, double> { ["lr"] = s.Lr, ["t"] = 1 }, yogiIter, featureDim, s.Epochs, "yogi");
    }
}
