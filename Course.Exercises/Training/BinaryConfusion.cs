using static TorchSharp.torch;

namespace Course.Exercises.Training;

/// <summary>
/// The confusion matrix of a binary classifier (true and false positives and negatives) and the metrics read from
/// it: accuracy, error rate, precision, recall (the true-positive rate), the false-positive rate, F1 and F-β.
/// </summary>
/// <remarks>
/// A ratio whose denominator is zero (precision with no predicted positives, recall with no actual positives, …)
/// is 0, as scikit-learn's <c>zero_division=0</c> reports it.
/// </remarks>
/// <param name="TruePositives">Positives predicted positive (TP).</param>
/// <param name="FalsePositives">Negatives predicted positive (FP).</param>
/// <param name="TrueNegatives">Negatives predicted negative (TN).</param>
/// <param name="FalseNegatives">Positives predicted negative (FN).</param>
public readonly record struct BinaryConfusion(long TruePositives, long FalsePositives, long TrueNegatives, long FalseNegatives)
{
    /// <summary>Counts the four cells from predicted and actual labels (true = positive).</summary>
    public static BinaryConfusion Count(IReadOnlyList<bool> predicted, IReadOnlyList<bool> actual)
    {
        if (predicted.Count != actual.Count)
            throw new ArgumentException($"{predicted.Count} predictions for {actual.Count} labels; pass one prediction per label.", nameof(predicted));
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < predicted.Count; i++)
        {
            switch (predicted[i], actual[i])
            {
                case (true, true): tp++; break;
                case (true, false): fp++; break;
                case (false, false): tn++; break;
                case (false, true): fn++; break;
            }
        }
        return new BinaryConfusion(tp, fp, tn, fn);
    }

    /// <summary>Counts the four cells from tensors of predicted and actual labels (non-zero = positive), of one shape.</summary>
    public static BinaryConfusion FromTensors(Tensor predicted, Tensor actual)
    {
        if (!predicted.shape.SequenceEqual(actual.shape))
            throw new ArgumentException($"Predictions of shape [{string.Join(", ", predicted.shape)}] for labels of shape [{string.Join(", ", actual.shape)}]; pass tensors of one shape.", nameof(predicted));
        using var scope = NewDisposeScope();
        var p = predicted.ne(0);
        var a = actual.ne(0);
        long Cells(Tensor mask) => mask.sum().item<long>();
        return new BinaryConfusion(Cells(p & a), Cells(p & ~a), Cells(~p & ~a), Cells(~p & a));
    }

    /// <summary>The actual positives, TP + FN.</summary>
    public long Positives => TruePositives + FalseNegatives;

    /// <summary>The actual negatives, FP + TN.</summary>
    public long Negatives => FalsePositives + TrueNegatives;

    /// <summary>All examples, P + N.</summary>
    public long Total => Positives + Negatives;

    /// <summary>Accuracy, (TP + TN) / (P + N).</summary>
    public double Accuracy => Ratio(TruePositives + TrueNegatives, Total);

    /// <summary>The error rate, (FP + FN) / (P + N) = 1 − accuracy.</summary>
    public double ErrorRate => Ratio(FalsePositives + FalseNegatives, Total);

    /// <summary>Precision, TP / (TP + FP): the share of predicted positives that are positive.</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>Recall, the true-positive rate (TPR), TP / (TP + FN): the share of positives found.</summary>
    public double Recall => Ratio(TruePositives, Positives);

    /// <summary>The false-positive rate (FPR), FP / (FP + TN): the share of negatives predicted positive.</summary>
    public double FalsePositiveRate => Ratio(FalsePositives, Negatives);

    /// <summary>F1, the harmonic mean of precision and recall: 2PR / (P + R).</summary>
    public double F1 => FBeta(1);

    /// <summary>
    /// F-β = (1 + β²)·P·R / (β²·P + R), which weighs recall β times as much as precision (β = 2 favours recall,
    /// β = 0.5 precision; β = 1 is F1).
    /// </summary>
    public double FBeta(double beta)
    {
        if (!(beta > 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be positive.");
        double p = Precision, r = Recall, b2 = beta * beta;
        return p + r == 0 ? 0 : (1 + b2) * p * r / (b2 * p + r);
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}
