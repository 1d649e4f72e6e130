using static TorchSharp.torch;

namespace Course.Exercises.Training;

/// <summary>
/// The focal loss of Lin et al., "Focal Loss for Dense Object Detection" (2017), for binary targets and raw scores
/// (logits), as torchvision's <c>sigmoid_focal_loss</c>:
/// FL = −α_t (1 − p_t)^γ log p_t, where p = σ(x), p_t = p for a positive and 1 − p for a negative, and
/// α_t = α for a positive and 1 − α for a negative.
/// </summary>
/// <remarks>
/// The factor (1 − p_t)^γ shrinks the loss of well-classified examples (p_t near 1), so the many easy negatives of a
/// one-stage detector stop swamping the gradient. With γ = 0 it is the α-weighted binary cross-entropy. The paper's
/// defaults are γ = 2 and α = 0.25, which gives the positives the <em>smaller</em> weight: α balances the classes
/// after γ has already discounted the easy negatives.
/// </remarks>
public static class FocalLoss
{
    /// <summary>
    /// The focal loss of <paramref name="logits"/> against <paramref name="targets"/> (0 or 1, same shape), per element
    /// or reduced. A negative <paramref name="alpha"/> leaves the classes unweighted, as in torchvision.
    /// </summary>
    public static Tensor FromLogits(Tensor logits, Tensor targets, double alpha = 0.25, double gamma = 2,
        nn.Reduction reduction = nn.Reduction.Mean)
    {
        if (gamma < 0) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must not be negative.");
        if (alpha > 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must be at most 1 (or negative for no class weighting).");
        if (!logits.shape.SequenceEqual(targets.shape))
            throw new ArgumentException($"Logits of shape [{string.Join(", ", logits.shape)}] for targets of shape [{string.Join(", ", targets.shape)}]; pass one target per logit.", nameof(targets));
        using var scope = NewDisposeScope();
        var y = targets.to(logits.dtype);
        var crossEntropy = nn.functional.binary_cross_entropy_with_logits(logits, y, reduction: nn.Reduction.None);
        var p = logits.sigmoid();
        var pT = p * y + (1 - p) * (1 - y);
        var loss = crossEntropy * (1 - pT).pow(gamma);
        if (alpha >= 0) loss = loss * (alpha * y + (1 - alpha) * (1 - y));
        var reduced = reduction switch
        {
            nn.Reduction.None => loss,
            nn.Reduction.Sum => loss.sum(),
            _ => loss.mean(),
        };
        return reduced.MoveToOuterDisposeScope();
    }
}
