namespace Course.Exercises.Training;

/// <summary>External measures of a clustering against known classes: purity and the Rand index.</summary>
public static class ClusteringMetrics
{
    /// <summary>
    /// Purity: every cluster is labelled with its most frequent class, and purity is the share of examples that carry
    /// their cluster's label, Σ_clusters max_class |cluster ∩ class| / n. It is 1 for a perfect clustering, and also for
    /// one cluster per example, so it cannot compare clusterings of different sizes.
    /// </summary>
    public static double Purity(IReadOnlyList<int> clusters, IReadOnlyList<int> classes)
    {
        Check(clusters, classes);
        long majority = Enumerable.Range(0, clusters.Count)
            .GroupBy(i => clusters[i])
            .Sum(cluster => cluster.GroupBy(i => classes[i]).Max(c => (long)c.Count()));
        return (double)majority / clusters.Count;
    }

    /// <summary>
    /// The Rand index: the share of the n(n − 1)/2 <em>pairs</em> of examples on which the clustering and the classes
    /// agree — a pair together in both (TP) or apart in both (TN): (TP + TN) / (TP + FP + FN + TN). It is the accuracy
    /// of the "same group?" decision over pairs. Computed from the contingency table in O(n).
    /// </summary>
    public static double RandIndex(IReadOnlyList<int> clusters, IReadOnlyList<int> classes)
    {
        Check(clusters, classes);
        long n = clusters.Count;
        if (n < 2) throw new ArgumentException("The Rand index needs at least two examples (one pair).", nameof(clusters));
        static double Pairs(long m) => m * (m - 1) / 2.0;
        var indices = Enumerable.Range(0, clusters.Count).ToArray();
        double together = indices.GroupBy(i => (clusters[i], classes[i])).Sum(g => Pairs(g.Count()));
        double sameCluster = indices.GroupBy(i => clusters[i]).Sum(g => Pairs(g.Count()));
        double sameClass = indices.GroupBy(i => classes[i]).Sum(g => Pairs(g.Count()));
        double all = Pairs(n);
        double truePositives = together;
        double trueNegatives = all - sameCluster - sameClass + together;
        return (truePositives + trueNegatives) / all;
    }

    private static void Check(IReadOnlyList<int> clusters, IReadOnlyList<int> classes)
    {
        if (clusters.Count != classes.Count)
            throw new ArgumentException($"{clusters.Count} cluster labels for {classes.Count} classes; pass one of each per example.", nameof(clusters));
        if (clusters.Count == 0)
            throw new ArgumentException("There are no examples to score.", nameof(clusters));
    }
}
