using System.Runtime.InteropServices;
using Course.Core.Runtime;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Runtime;

/// <summary>The heap settings that spare libtorch's per-step tensors their page faults (<see cref="NativeHeap"/>).</summary>
public sealed class NativeHeapTests
{
    [Test]
    public void AFreedTensorUnder32MiBStaysInTheHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.That(NativeHeap.KeepFreedBlocks(), Is.False, "nothing to tune off Linux");
            return;
        }
        Assert.That(NativeHeap.KeepFreedBlocks(), Is.True, "glibc takes both settings");
        // glibc's default serves a block this size by mmap (its threshold starts at 128 KiB and grows only to the
        // largest mmapped block freed so far), and its pages are faulted in afresh each time.
        long before = Mapped();
        using (var block = empty(30L << 18)) // 30 MiB of float32
        {
            Assert.That(Mapped() - before, Is.LessThan(30L << 20), "the 30 MiB block comes from the heap, not from mmap");
        }
    }

    /// <summary>The bytes glibc holds in mmapped blocks (<c>mallinfo2().hblkhd</c>).</summary>
    private static long Mapped() => (long)MallInfo2().MappedBytes;

    [StructLayout(LayoutKind.Sequential)]
    private struct MallocInfo
    {
        public nuint Arena, OrdinaryBlocks, SmallBlocks, MappedBlocks, MappedBytes, UsedSmallBlocks, FreeSmallBlocks,
            Allocated, Free, KeepCost;
    }

    [DllImport("libc.so.6", EntryPoint = "mallinfo2")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern MallocInfo MallInfo2();
}
