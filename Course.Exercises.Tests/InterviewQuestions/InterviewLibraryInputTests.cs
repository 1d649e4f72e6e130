using Course.Exercises.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 003: saving and resuming, convolution arithmetic, initialisation, tensors,
// losses (BCE, KL, focal), classification and clustering metrics, k-means, and the optimizers from scratch.
// The index (README.md, "002 and 003") maps every question to its test and records where the notes are wrong.

/// <summary>The Core pieces written for these answers refuse bad input with a clear message.</summary>
public sealed class InterviewLibraryInputTests
{
    [Test]
    public void MetricsLossesAndKMeansRejectInputsThatDoNotFit()
    {
        using var scope = NewDisposeScope();
        Assert.That(() => BinaryConfusion.Count([true], [true, false]), Throws.ArgumentException.With.Message.Contains("1 predictions for 2 labels"));
        Assert.That(() => BinaryConfusion.FromTensors(ones(2), ones(3)), Throws.ArgumentException);
        Assert.That(() => new BinaryConfusion(1, 0, 1, 0).FBeta(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(new BinaryConfusion(0, 0, 5, 0).Precision, Is.Zero, "no predicted positives: 0, not NaN");
        Assert.That(() => Roc.Auc([0.1, double.NaN], [true, false]), Throws.ArgumentException);
        Assert.That(() => FocalLoss.FromLogits(zeros(3), zeros(2)), Throws.ArgumentException);
        Assert.That(() => FocalLoss.FromLogits(zeros(3), zeros(3), gamma: -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => KMeans.Fit(zeros(4, 2), 5), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => KMeans.Fit(zeros(4, 2, dtype: int64), 2), Throws.ArgumentException);
        Assert.That(() => ClusteringMetrics.RandIndex([0], [0]), Throws.ArgumentException);
        Assert.That(() => ClusteringMetrics.Purity([0, 1], [0]), Throws.ArgumentException);

        var identical = KMeans.Fit(ones(5, 2), 2, generator: new Generator(33));
        Assert.That(identical.Converged && identical.Inertia == 0, "k-means copes with points that coincide");
    }
}
