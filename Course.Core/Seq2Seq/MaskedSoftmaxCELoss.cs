using static TorchSharp.torch;

namespace Course.Core.Seq2Seq;

/// <summary>d2l's <c>sequence_mask</c> and <c>MaskedSoftmaxCELoss</c> (9.7): losses that ignore the padding after each sequence's valid length.</summary>
public static class MaskedSoftmaxCELoss
{
    /// <summary>
    /// d2l's <c>sequence_mask(X, valid_len, value)</c>: a copy of <paramref name="X"/> (batch, steps, …) whose entries at
    /// step ≥ the row's valid length are <paramref name="value"/>.
    /// </summary>
    public static Tensor SequenceMask(Tensor X, Tensor validLen, double value = 0)
    {
        using var scope = NewDisposeScope();
        var padding = arange(X.shape[1], device: X.device).unsqueeze(0) >= validLen.unsqueeze(1);
        while (padding.dim() < X.dim()) padding = padding.unsqueeze(-1);
        return X.masked_fill(padding, value).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The loss of each sequence: <paramref name="pred"/> logits (batch, steps, vocabulary) against
    /// <paramref name="label"/> (batch, steps), cross-entropy averaged over all steps with the padded ones counted as
    /// zero, exactly as d2l (so <c>ones(3,4,10)</c> against valid lengths [4,2,0] gives [2.3026, 1.1513, 0]).
    /// </summary>
    public static Tensor Compute(Tensor pred, Tensor label, Tensor validLen)
    {
        using var scope = NewDisposeScope();
        var weights = SequenceMask(ones_like(label, dtype: pred.dtype), validLen);
        var unweighted = nn.functional.cross_entropy(pred.permute(0, 2, 1), label, reduction: nn.Reduction.None);
        return (unweighted * weights).mean([1]).MoveToOuterDisposeScope();
    }
}
