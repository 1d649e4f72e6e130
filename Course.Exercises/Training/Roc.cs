namespace Course.Exercises.Training;

/// <summary>
/// The ROC curve of a binary scorer (false-positive rate against true-positive rate as the threshold falls) and the
/// area under it, ROC AUC.
/// </summary>
public static class Roc
{
    /// <summary>
    /// The ROC curve's points, from (0, 0) to (1, 1): one point per distinct score, taken as the threshold from the
    /// highest score down (an example is predicted positive when its score is at least the threshold).
    /// </summary>
    public static IReadOnlyList<(double FalsePositiveRate, double TruePositiveRate)> Curve(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var (positives, negatives) = Check(scores, labels);
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var points = new List<(double, double)> { (0, 0) };
        long tp = 0, fp = 0;
        for (int k = 0; k < order.Length; k++)
        {
            if (labels[order[k]]) tp++;
            else fp++;
            if (k == order.Length - 1 || scores[order[k + 1]] != scores[order[k]])
                points.Add(((double)fp / negatives, (double)tp / positives));
        }
        return points;
    }

    /// <summary>
    /// ROC AUC: the probability that a random positive scores higher than a random negative, a tie counting ½ —
    /// over the M·N positive–negative pairs, Σ [s⁺ &gt; s⁻] + ½[s⁺ = s⁻] / (M·N). Computed from the ranks of the scores
    /// (the Mann–Whitney U statistic, ties given their average rank) in O(n log n), which equals the pair count and
    /// the trapezoidal area under <see cref="Curve"/>.
    /// </summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var (positives, negatives) = Check(scores, labels);
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            double averageRank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++)
                if (labels[order[k]]) positiveRankSum += averageRank;
            start = end + 1;
        }
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double)positives * negatives);
    }

    private static (long Positives, long Negatives) Check(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        if (scores.Count != labels.Count)
            throw new ArgumentException($"{scores.Count} scores for {labels.Count} labels; pass one score per label.", nameof(scores));
        if (scores.Any(double.IsNaN))
            throw new ArgumentException("A score is NaN; ROC needs ordered scores.", nameof(scores));
        long positives = labels.LongCount(l => l), negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"ROC needs both classes, but the labels hold {positives} positives and {negatives} negatives.", nameof(labels));
        return (positives, negatives);
    }
}
