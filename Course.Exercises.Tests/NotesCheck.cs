using Course.Core.Runtime;
using Course.Tests;
using static TorchSharp.torch;

namespace Course.Exercises.Tests;

/// <summary>Helpers shared by the exercise answers: tensors read back as arrays, a run context, least squares.</summary>
internal static class NotesCheck
{
    public static float[] Floats(Tensor t) => t.detach().cpu().to(float32).reshape(-1).data<float>().ToArray();

    public static double[] Doubles(Tensor t) => t.detach().cpu().to(float64).reshape(-1).data<double>().ToArray();

    public static long[] Longs(Tensor t) => t.detach().cpu().to(int64).reshape(-1).data<long>().ToArray();

    public static RunContext Context() => new(TestEnvironment.Options(), "exercises", TextWriter.Null);

    /// <summary>The population standard deviation of a series.</summary>
    public static double Std(IReadOnlyCollection<double> values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }

    /// <summary>Least squares on the first <paramref name="columns"/> columns: the solution and the training MSE.</summary>
    public static (Tensor Solution, double TrainMse) LeastSquares(Tensor X, Tensor y, int columns)
    {
        var A = X.narrow(1, 0, columns);
        var solution = linalg.lstsq(A, y).Solution;
        return (solution, (A.mm(solution) - y).square().mean().item<double>());
    }
}
