using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Chapters.Ch10_AttentionMechanisms;

/// <summary>
/// 10.1 Attention cues: d2l's <c>show_heatmaps</c> on the simplest attention weights, the identity, where each query
/// attends only to the key of the same index.
/// </summary>
[Section("attention-cues", "10.1", "Attention cues")]
public sealed class AttentionCues : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        using var scope = NewDisposeScope();
        var attentionWeights = eye(10).reshape(1, 1, 10, 10);
        ctx.Figure("attention-weights", path => Heatmaps.Save(path, attentionWeights, xLabel: "Keys", yLabel: "Queries"));
        ctx.Out.WriteLine($"attention weights {Printing.Shape(attentionWeights)}: each query attends only to its own key");
    }
}
