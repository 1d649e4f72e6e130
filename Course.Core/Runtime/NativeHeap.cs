using System.Runtime.InteropServices;

namespace Course.Core.Runtime;

/// <summary>
/// glibc's heap, tuned for libtorch's pattern of tensors of megabytes allocated and freed every step. By default glibc
/// hands such blocks back to the kernel (by <c>munmap</c>, or by trimming the heap's top on free), so each step faults
/// their pages in again, zeroed by the kernel: LeNet's first convolution then takes 2× as long as PyTorch's
/// (scripts/op-profile.sh). With the mmap threshold at its maximum (32 MiB) and the trim threshold at 256 MiB freed
/// blocks wait for the next step instead, as PyTorch users get from jemalloc or tcmalloc. Linux with glibc only.
/// </summary>
public static class NativeHeap
{
    private const int TrimThresholdParameter = -1;
    private const int MmapThresholdParameter = -3;
    private const int MmapThreshold = 32 << 20;
    private const int TrimThreshold = 256 << 20;

    /// <summary>Keeps freed blocks up to 32 MiB in the process's heap; returns whether the C library took the settings.</summary>
    public static bool KeepFreedBlocks()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            return MallOpt(MmapThresholdParameter, MmapThreshold) == 1 && MallOpt(TrimThresholdParameter, TrimThreshold) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // Not glibc (musl has no tunable heap): the defaults stay.
        }
    }

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallOpt(int parameter, int value);
}
