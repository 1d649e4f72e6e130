using Course.Exercises.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 003: saving and resuming, convolution arithmetic, initialisation, tensors,
// losses (BCE, KL, focal), classification and clustering metrics, k-means, and the optimizers from scratch.
// The index (README.md, "002 and 003") maps every question to its test and records where the notes are wrong.

/// <summary>Q13 and Q20: k-means, purity and the Rand index.</summary>
public sealed class InterviewClusteringTests
{
    [Test]
    public void KMeansFindsThreeSeparableClusters()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(28);
        var centres = tensor(new float[,] { { 0, 0 }, { 10, 0 }, { 0, 10 } });
        var classes = arange(3).repeat_interleave(50);
        var points = centres[classes] + 0.5 * randn([150, 2], generator: generator);
        var result = KMeans.Fit(points, 3, generator: new Generator(29));

        Assert.That(result.Converged, "stops when no assignment changes");
        Assert.That(result.Iterations, Is.LessThan(10));
        var clusters = result.Labels.data<long>().Select(l => (int)l).ToArray();
        var truth = classes.data<long>().Select(l => (int)l).ToArray();
        Assert.That(ClusteringMetrics.Purity(clusters, truth), Is.EqualTo(1));
        Assert.That(ClusteringMetrics.RandIndex(clusters, truth), Is.EqualTo(1));
        foreach (var c in Enumerable.Range(0, 3))
        {
            double nearest = (result.Centroids - centres[c]).norm(1).min().item<float>();
            Assert.That(nearest, Is.LessThan(0.3), $"a centroid near centre {c}");
        }
        var ownMeans = stack(Enumerable.Range(0, 3).Select(c => points[result.Labels.eq(c)].mean([0])).ToArray());
        Assert.That(result.Centroids.allclose(ownMeans, atol: 1e-5), "every centroid is the mean of its points");
        Assert.That(result.Inertia, Is.EqualTo((points - result.Centroids[result.Labels]).square().sum().item<float>()).Within(1e-3));
    }

    // Manning, Raghavan and Schütze, Introduction to Information Retrieval, §16.3: three clusters of x, o and ◇.
    private static readonly int[] BookClusters = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2];
    private static readonly int[] BookClasses = [0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 2, 0, 0, 2, 2, 2];

    [Test]
    public void PurityAndTheRandIndexOnTheTextbookExample()
    {
        Assert.That(ClusteringMetrics.Purity(BookClusters, BookClasses), Is.EqualTo(12.0 / 17).Within(1e-12), "(5 + 4 + 3) / 17");
        Assert.That(ClusteringMetrics.RandIndex(BookClusters, BookClasses), Is.EqualTo((20.0 + 72) / 136).Within(1e-12), "(TP 20 + TN 72) / 136 pairs");
        Assert.That(ClusteringMetrics.Purity(Enumerable.Range(0, 17).ToArray(), BookClasses), Is.EqualTo(1), "one cluster per example is perfectly pure");
    }

    [Test]
    public void TheRandIndexIsTheAccuracyOfTheSameGroupDecisionOverPairs()
    {
        var random = new Random(30);
        for (int trial = 0; trial < 10; trial++)
        {
            var clusters = Enumerable.Range(0, 40).Select(_ => random.Next(4)).ToArray();
            var classes = Enumerable.Range(0, 40).Select(_ => random.Next(3)).ToArray();
            long agree = 0, pairs = 0;
            for (int i = 0; i < 40; i++)
                for (int j = i + 1; j < 40; j++, pairs++)
                    if ((clusters[i] == clusters[j]) == (classes[i] == classes[j])) agree++;
            Assert.That(ClusteringMetrics.RandIndex(clusters, classes), Is.EqualTo((double)agree / pairs).Within(1e-12));
        }
    }
}
