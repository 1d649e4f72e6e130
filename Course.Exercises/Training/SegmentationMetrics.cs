using static TorchSharp.torch;

namespace Course.Exercises.Training;

/// <summary>
/// Semantic-segmentation metrics on label maps of any shape (e.g. (N, H, W) or (H, W)): the confusion matrix, each
/// class's intersection over union (IoU = TP / (TP + FP + FN)), their mean (mIoU) and the Dice coefficient
/// (2 |A ∩ B| / (|A| + |B|), the F1 score of the pixels).
/// </summary>
public static class SegmentationMetrics
{
    /// <summary>
    /// The <paramref name="numClasses"/>×<paramref name="numClasses"/> int64 confusion matrix: entry [t, p] counts the
    /// pixels of true class t predicted as p. Labels must lie in 0 … numClasses − 1.
    /// </summary>
    public static Tensor ConfusionMatrix(Tensor predicted, Tensor target, int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        if (!predicted.shape.SequenceEqual(target.shape))
            throw new ArgumentException($"The prediction ({string.Join(", ", predicted.shape)}) and the target ({string.Join(", ", target.shape)}) must have one shape.");
        using var scope = NewDisposeScope();
        var p = predicted.reshape(-1).to(int64);
        var t = target.reshape(-1).to(int64);
        if (p.numel() > 0 && (p.min().item<long>() < 0 || t.min().item<long>() < 0 || p.max().item<long>() >= numClasses || t.max().item<long>() >= numClasses))
            throw new ArgumentException($"Segmentation labels must lie in 0 … {numClasses - 1}.");
        return bincount(t * numClasses + p, minlength: numClasses * numClasses).reshape(numClasses, numClasses).MoveToOuterDisposeScope();
    }

    /// <summary>Each class's IoU = TP / (TP + FP + FN); NaN for a class absent from both prediction and target.</summary>
    public static double[] IntersectionOverUnion(Tensor predicted, Tensor target, int numClasses)
    {
        using var scope = NewDisposeScope();
        var confusion = ConfusionMatrix(predicted, target, numClasses).to(float64);
        var truePositives = confusion.diagonal();
        var union = confusion.sum(dim: 0) + confusion.sum(dim: 1) - truePositives;
        double[] tp = truePositives.data<double>().ToArray(), u = union.data<double>().ToArray();
        return [.. tp.Select((value, c) => u[c] > 0 ? value / u[c] : double.NaN)];
    }

    /// <summary>mIoU: the mean of the classes' IoUs, over the classes present in the prediction or the target.</summary>
    public static double MeanIoU(Tensor predicted, Tensor target, int numClasses) =>
        IntersectionOverUnion(predicted, target, numClasses).Where(iou => !double.IsNaN(iou)).DefaultIfEmpty(double.NaN).Average();

    /// <summary>
    /// The Dice coefficient 2 Σ p·g / (Σ p + Σ g) of a binary mask or probability map <paramref name="predicted"/>
    /// against the binary mask <paramref name="target"/> (for probabilities this is the "soft" Dice that Dice losses
    /// use); 1 when both are empty.
    /// </summary>
    public static double Dice(Tensor predicted, Tensor target)
    {
        if (!predicted.shape.SequenceEqual(target.shape))
            throw new ArgumentException($"The prediction ({string.Join(", ", predicted.shape)}) and the target ({string.Join(", ", target.shape)}) must have one shape.");
        using var scope = NewDisposeScope();
        var p = predicted.to(float64);
        var g = target.to(float64);
        double denominator = (p.sum() + g.sum()).item<double>();
        return denominator == 0 ? 1 : 2 * (p * g).sum().item<double>() / denominator;
    }
}
