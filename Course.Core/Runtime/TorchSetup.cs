using TorchSharp;

namespace Course.Core.Runtime;

/// <summary>Seeds and intra-op threads: what every run and test sets before it touches a tensor.</summary>
public static class TorchSetup
{
    /// <summary>
    /// Sets libtorch's intra-op threads. libtorch's OpenMP threads spin, so on a shared 2-core machine one thread
    /// is often faster than two; runs take <c>--threads</c>, tests use one.
    /// </summary>
    public static void SetThreads(int threads)
    {
        if (threads < 1) throw new CourseException($"--threads must be at least 1, not {threads}.");
        torch.set_num_threads(threads);
    }

    /// <summary>Seeds torch (CPU and CUDA) and returns a .NET <see cref="Random"/> seeded the same way.</summary>
    public static Random Seed(long seed)
    {
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
        return new Random(unchecked((int)seed));
    }
}
