using System.ComponentModel.DataAnnotations;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;
using static TorchSharp.torch;

namespace Course.Chapters.Ch11_OptimizationAlgorithms;

/// <summary>
/// 11.9 Adadelta: RMSProp without a learning rate, the step scaled by a leaky average of the past steps' squares;
/// <c>adadelta</c> from scratch and <c>torch.optim.Adadelta</c> on the airfoil data.
/// </summary>
[Section("adadelta", "11.9", "Adadelta", Dataset = "airfoil")]
public sealed class AdadeltaSection : ISection<AdadeltaSection.Settings>
{
    /// <summary>The book's ρ 0.9, batch 10, 2 epochs from scratch and 4 concise (<c>torch.optim.Adadelta</c> keeps its lr of 1).</summary>
    public sealed record Settings(int Epochs = 2, [Range(0.0, 1.0, MaximumIsExclusive = true)] double Rho = 0.9, int BatchSize = 10, int ConciseEpochs = 4);

    /// <summary>d2l's <c>init_adadelta_states(feature_dim)</c>: (s, Δ) for w and for b, all zero.</summary>
    public static Tensor[][] InitAdadeltaStates(int featureDim) => ScratchUpdater.ZeroStates(featureDim, 2);

    /// <summary>
    /// d2l's <c>adadelta</c> with ε = 1e-5: s ← ρs + (1 − ρ)g², g′ ← √(Δ + ε) / √(s + ε) · g, p ← p − g′,
    /// Δ ← ρΔ + (1 − ρ)g′², then the gradient is zeroed.
    /// </summary>
    public static void AdadeltaUpdate(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor[]> states, IDictionary<string, double> hyperparams)
    {
        const double eps = 1e-5;
        double rho = hyperparams["rho"];
        foreach (var (p, state) in parameters.Zip(states))
        {
            var (s, delta) = (state[0], state[1]);
            s.mul_(rho).add_((1 - rho) * square(p.grad!));
            var g = sqrt(delta + eps) / sqrt(s + eps) * p.grad!;
            p.sub_(g);
            delta.mul_(rho).add_((1 - rho) * g * g);
            p.grad!.zero_();
        }
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var (dataIter, featureDim) = Airfoil.GetDataCh11(ctx.Data, s.BatchSize, seed: ctx.Options.Seed);
        Train.Ch11(ctx, AdadeltaUpdate, InitAdadeltaStates(featureDim), new Dictionary<string, double> { ["rho"] = s.Rho }, dataIter, featureDim, s.Epochs, "scratch");
        var (conciseIter, _) = Airfoil.GetDataCh11(ctx.Data, s.BatchSize, seed: ctx.Options.Seed);
        Train.ConciseCh11(ctx, parameters => optim.Adadelta(parameters, rho: s.Rho), conciseIter, s.ConciseEpochs, "concise");
    }
}
