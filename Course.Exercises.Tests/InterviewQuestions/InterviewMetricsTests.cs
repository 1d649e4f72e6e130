using Course.Exercises.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 003: saving and resuming, convolution arithmetic, initialisation, tensors,
// losses (BCE, KL, focal), classification and clustering metrics, k-means, and the optimizers from scratch.
// The index (README.md, "002 and 003") maps every question to its test and records where the notes are wrong.

/// <summary>Q18: the confusion matrix, accuracy, precision, recall, F1, F-β, ROC and AUC.</summary>
public sealed class InterviewMetricsTests
{
    private static readonly bool[] Predicted = [true, true, false, true, false, false, true, false, true, false];
    private static readonly bool[] Actual = [true, false, false, true, true, false, true, false, false, false];

    [Test]
    public void TheConfusionMatrixAndItsRatiosOnAHandCheckedCase()
    {
        var m = BinaryConfusion.Count(Predicted, Actual);
        Assert.That(m, Is.EqualTo(new BinaryConfusion(TruePositives: 3, FalsePositives: 2, TrueNegatives: 4, FalseNegatives: 1)));
        Assert.That(m.Accuracy, Is.EqualTo(0.7).Within(1e-12));
        Assert.That(m.ErrorRate, Is.EqualTo(0.3).Within(1e-12));
        Assert.That(m.Precision, Is.EqualTo(0.6).Within(1e-12));
        Assert.That(m.Recall, Is.EqualTo(0.75).Within(1e-12));
        Assert.That(m.FalsePositiveRate, Is.EqualTo(1.0 / 3).Within(1e-12));
        Assert.That(m.F1, Is.EqualTo(2.0 / 3).Within(1e-12), "2 · 0.6 · 0.75 / 1.35");
        Assert.That(m.FBeta(2), Is.EqualTo(5.0 / 7).Within(1e-12), "β = 2 leans to the recall");
        Assert.That(m.FBeta(0.5), Is.EqualTo(0.625).Within(1e-12), "β = 0.5 leans to the precision");
        Assert.That(m.FBeta(1), Is.EqualTo(m.F1));

        using var scope = NewDisposeScope();
        Assert.That(BinaryConfusion.FromTensors(tensor(Predicted), tensor(Actual.Select(a => a ? 1L : 0L).ToArray())), Is.EqualTo(m));
    }

    [Test]
    public void OnImbalancedClassesAccuracyFlattersAConstantClassifier()
    {
        var actual = Enumerable.Range(0, 100).Select(i => i < 5).ToArray();
        var m = BinaryConfusion.Count(new bool[100], actual);
        Assert.That(m.Accuracy, Is.EqualTo(0.95).Within(1e-12));
        Assert.That((m.Recall, m.Precision, m.F1), Is.EqualTo((0.0, 0.0, 0.0)));
    }

    private static readonly double[] Scores = [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3];
    private static readonly bool[] Labels = [true, true, false, true, false, true, false, false];

    /// <summary>The notes' rule, literally: over every positive–negative pair, 1 if the positive scores higher, ½ on a tie.</summary>
    private static double PairwiseAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var positives = scores.Where((_, i) => labels[i]).ToArray();
        var negatives = scores.Where((_, i) => !labels[i]).ToArray();
        double wins = positives.Sum(p => negatives.Sum(n => p > n ? 1 : p == n ? 0.5 : 0));
        return wins / (positives.Length * negatives.Length);
    }

    private static double TrapezoidArea(IReadOnlyList<(double X, double Y)> curve) =>
        curve.Zip(curve.Skip(1), (a, b) => (b.X - a.X) * (a.Y + b.Y) / 2).Sum();

    [Test]
    public void RocAucIsTheShareOfPositiveNegativePairsRankedRightTiesCountingHalf()
    {
        Assert.That(Roc.Auc(Scores, Labels), Is.EqualTo(13.0 / 16).Within(1e-12), "4 + 4 + 3 + 2 of the 16 pairs");
        Assert.That(PairwiseAuc(Scores, Labels), Is.EqualTo(13.0 / 16).Within(1e-12));
        Assert.That(Roc.Auc([0.5, 0.5], [true, false]), Is.EqualTo(0.5), "a tie counts half");

        var curve = Roc.Curve(Scores, Labels);
        Assert.That(curve[0], Is.EqualTo((0.0, 0.0)));
        Assert.That(curve[^1], Is.EqualTo((1.0, 1.0)));
        Assert.That(curve[3], Is.EqualTo((0.25, 0.5)), "threshold 0.7: TP 2 of 4, FP 1 of 4");
        Assert.That(TrapezoidArea(curve), Is.EqualTo(13.0 / 16).Within(1e-12), "the area under the ROC curve");

        var random = new Random(27);
        for (int trial = 0; trial < 20; trial++)
        {
            var s = Enumerable.Range(0, 60).Select(_ => Math.Round(random.NextDouble() * 10) / 10).ToArray(); // many ties
            var l = Enumerable.Range(0, 60).Select(i => random.NextDouble() < 0.3 + 0.4 * s[i]).ToArray();
            if (l.All(v => v) || !l.Any(v => v)) continue;
            Assert.That(Roc.Auc(s, l), Is.EqualTo(PairwiseAuc(s, l)).Within(1e-12));
            Assert.That(TrapezoidArea(Roc.Curve(s, l)), Is.EqualTo(PairwiseAuc(s, l)).Within(1e-12));
        }
    }

    [Test]
    public void AucMeasuresRankingNotAccuracyAndIgnoresTheClassRatio()
    {
        // Every positive outscores every negative, but every score is below 0.5.
        double[] scores = [0.4, 0.3, 0.2, 0.1];
        bool[] labels = [true, true, false, false];
        Assert.That(Roc.Auc(scores, labels), Is.EqualTo(1));
        Assert.That(BinaryConfusion.Count(scores.Select(s => s >= 0.5).ToArray(), labels).Accuracy, Is.EqualTo(0.5));

        // Ten copies of every negative: the AUC stays, the precision at a threshold falls.
        var manyScores = Scores.Concat(Enumerable.Range(0, 9).SelectMany(_ => Scores.Where((_, i) => !Labels[i]))).ToArray();
        var manyLabels = Labels.Concat(Enumerable.Repeat(false, 9 * 4)).ToArray();
        Assert.That(Roc.Auc(manyScores, manyLabels), Is.EqualTo(Roc.Auc(Scores, Labels)).Within(1e-12));
        double Precision(double[] s, bool[] l) => BinaryConfusion.Count(s.Select(v => v >= 0.6).ToArray(), l).Precision;
        Assert.That(Precision(manyScores, manyLabels), Is.LessThan(Precision(Scores, Labels)));
        Assert.That(() => Roc.Auc([0.1, 0.2], [true, true]), Throws.ArgumentException, "AUC needs both classes");
    }
}
