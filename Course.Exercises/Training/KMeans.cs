using TorchSharp;
using static TorchSharp.torch;

namespace Course.Exercises.Training;

/// <summary>
/// k-means clustering (Lloyd's algorithm): assign every point to its nearest centroid, move every centroid to the
/// mean of its points, and stop when no assignment changes (or after a number of iterations).
/// </summary>
/// <remarks>
/// The first centroids are chosen by k-means++ (Arthur and Vassilvitskii, 2007): the first a random point, each next
/// one a point drawn with probability proportional to its squared distance from the nearest centroid chosen so far.
/// Choosing k random points, the plain rule, often puts two centroids in one cluster and stops in a poor local
/// optimum. A cluster that loses all its points keeps its centroid.
/// </remarks>
public static class KMeans
{
    /// <summary>Clusters the rows of <paramref name="points"/> ([n, d], floating point) into <paramref name="k"/> groups.</summary>
    /// <param name="points">The data, one point per row.</param>
    /// <param name="k">The number of clusters, 1 to n.</param>
    /// <param name="maxIterations">The most assignment–update rounds.</param>
    /// <param name="generator">The random generator for the initial centroids; null uses torch's global one.</param>
    public static KMeansResult Fit(Tensor points, int k, int maxIterations = 100, Generator? generator = null)
    {
        if (points.dim() != 2 || !points.is_floating_point())
            throw new ArgumentException($"k-means needs a floating-point [n, d] tensor, got {points.dtype} of shape [{string.Join(", ", points.shape)}].", nameof(points));
        long n = points.shape[0];
        if (k < 1 || k > n) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and the number of points ({n}).");
        if (maxIterations < 1) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "At least one iteration is needed.");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = points.detach();
        var centroids = InitialCentroids(x, k, generator);
        Tensor? labels = null;
        bool converged = false;
        int iterations = 0;
        while (iterations < maxIterations)
        {
            iterations++;
            var next = SquaredDistances(x, centroids).argmin(1);
            if (labels is not null && next.equal(labels).all().item<bool>())
            {
                converged = true;
                break;
            }
            labels = next;
            var sums = zeros_like(centroids).index_add_(0, labels, x, 1);
            var counts = zeros(k, dtype: x.dtype, device: x.device).index_add_(0, labels, ones(n, dtype: x.dtype, device: x.device), 1);
            var empty = counts.eq(0).unsqueeze(1);
            centroids = where(empty, centroids, sums / counts.clamp_min(1).unsqueeze(1));
        }
        var distances = SquaredDistances(x, centroids);
        labels = distances.argmin(1);
        double inertia = distances.min(1).values.sum().ToDouble();
        return new KMeansResult(centroids.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(), iterations, converged, inertia);
    }

    private static Tensor InitialCentroids(Tensor x, int k, Generator? generator)
    {
        long n = x.shape[0];
        var chosen = new List<long> { randint(n, [1], generator: generator, device: x.device).item<long>() };
        var nearest = SquaredDistances(x, x[chosen[0]].unsqueeze(0)).squeeze(1);
        while (chosen.Count < k)
        {
            long next = nearest.sum().ToDouble() > 0
                ? multinomial(nearest.to(float64), 1, generator: generator).item<long>()
                : Enumerable.Range(0, (int)n).Select(i => (long)i).First(i => !chosen.Contains(i));
            chosen.Add(next);
            nearest = minimum(nearest, SquaredDistances(x, x[next].unsqueeze(0)).squeeze(1));
        }
        return x.index_select(0, tensor(chosen.ToArray(), device: x.device)).clone();
    }

    private static Tensor SquaredDistances(Tensor x, Tensor centroids) =>
        (x.unsqueeze(1) - centroids.unsqueeze(0)).square().sum(dim: 2);
}

/// <summary>The outcome of <see cref="KMeans.Fit"/>; the caller owns (and disposes) the tensors.</summary>
/// <param name="Centroids">The k centroids, [k, d].</param>
/// <param name="Labels">Each point's cluster, [n] (int64), the index of its nearest centroid.</param>
/// <param name="Iterations">The assignment rounds run.</param>
/// <param name="Converged">Whether the last round changed no assignment.</param>
/// <param name="Inertia">The sum of the squared distances of the points to their centroids.</param>
public sealed record KMeansResult(Tensor Centroids, Tensor Labels, int Iterations, bool Converged, double Inertia);
