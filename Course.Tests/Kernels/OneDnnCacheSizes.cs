using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Course.Core.Kernels;
using static TorchSharp.torch;

namespace Course.Tests.Kernels;

/// <summary>
/// A test-only way to give a healthy machine the fault of an AMD VM whose CPUID leaf 0x8000001D is empty, and an
/// affected machine the caches of a healthy one: it writes cache sizes into oneDNN's in-process CPU detection object
/// (Xbyak's <c>Cpu</c>, the function-local static <c>dnnl::impl::cpu::x64::cpu()::cpu_</c>) and empties oneDNN's
/// primitive cache, so that the next convolution is planned with them. It works on the pinned linux-x64
/// <c>libtorch_cpu.so</c> of libtorch 2.10.0 only, found by its SHA-256, at the offsets its symbol table gives, and
/// only after checking that the values found there are the ones Xbyak writes; elsewhere <see cref="TryOpen"/> says why
/// not, and the tests that need it are ignored.
/// </summary>
public sealed class OneDnnCacheSizes : IDisposable
{
    /// <summary>SHA-256 of libtorch-cpu-linux-x64 2.10.0's <c>libtorch_cpu.so</c>.</summary>
    private const string PinnedSha256 = "0f4b3e14ed8468219fefe110605e741afc6bfbec27cc777a224301edb9f24c41";

    // Offsets in that file's symbol table (nm): an exported anchor, the detection object and its guard, and oneDNN's
    // primitive cache functions (local symbols).
    private const long GlobalContext = 0x1c784f0, CpuObject = 0x1585b180, CpuGuard = 0x1585b170;
    private const long SetCacheCapacity = 0x1129e7f0, GetCacheCapacity = 0x1129db70;

    // Xbyak 7's Cpu: Type type_ (16 bytes), bool x2APIC_supported_, uint32_t numCores_[2],
    // uint32_t dataCacheSize_[10], uint32_t coresSharignDataCache_[10], uint32_t dataCacheLevels_.
    private const int Sizes = 28, Sharing = 68, Levels = 108, SlotCount = 10;

    private static readonly Lazy<string?> Refusal = new(Check);
    private readonly IntPtr _cpu;
    private readonly int[] _saved;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SetCapacity(int capacity);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int GetCapacity(out int capacity);

    private OneDnnCacheSizes(IntPtr cpu)
    {
        _cpu = cpu;
        _saved = Enumerable.Range(0, Levels / 4 + 1).Select(i => Marshal.ReadInt32(cpu, i * 4)).ToArray();
    }

    /// <summary>
    /// Opens the detection object of this process's libtorch, or returns null and says why it cannot be reached here.
    /// Disposing restores the values found and empties the primitive cache again.
    /// </summary>
    public static OneDnnCacheSizes? TryOpen(out string why)
    {
        why = Refusal.Value ?? "";
        return Refusal.Value is null ? new OneDnnCacheSizes(Address(CpuObject)) : null;
    }

    /// <summary>What an AMD VM with an empty cache leaf yields: three levels of 1 byte, each of one core.</summary>
    public void MakeFaulty() => Write([1, 1, 1], [1, 1, 1]);

    /// <summary>A healthy Zen 5's caches as two cores of a VM see them: 48 KiB, 1 MiB and 32 MiB.</summary>
    public void MakeHealthy() => Write([48 << 10, 1 << 20, 32 << 20], [1, 1, 2]);

    /// <summary>Restores the values found and empties the primitive cache.</summary>
    public void Dispose()
    {
        for (int i = 0; i < _saved.Length; i++) Marshal.WriteInt32(_cpu, i * 4, _saved[i]);
        EmptyPrimitiveCache();
    }

    private void Write(int[] sizes, int[] sharing)
    {
        for (int i = 0; i < SlotCount; i++)
        {
            Marshal.WriteInt32(_cpu, Sizes + i * 4, i < sizes.Length ? sizes[i] : 0);
            Marshal.WriteInt32(_cpu, Sharing + i * 4, i < sharing.Length ? sharing[i] : 0);
        }
        Marshal.WriteInt32(_cpu, Levels, sizes.Length);
        EmptyPrimitiveCache();
    }

    /// <summary>Sets oneDNN's primitive cache capacity to 0 (which empties it) and back.</summary>
    private static void EmptyPrimitiveCache()
    {
        var get = Marshal.GetDelegateForFunctionPointer<GetCapacity>(Address(GetCacheCapacity));
        var set = Marshal.GetDelegateForFunctionPointer<SetCapacity>(Address(SetCacheCapacity));
        if (get(out int capacity) != 0 || set(0) != 0 || set(capacity) != 0)
            throw new InvalidOperationException("oneDNN refused to empty its primitive cache.");
    }

    private static IntPtr Address(long offset) =>
        NativeLibrary.GetExport(LibTorchContext.Library, "_ZN2at13globalContextEv") - (nint)GlobalContext + (nint)offset;

    private static string? Check()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            return "the cache sizes can be written only into the linux-x64 libtorch";
        string? path = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && f[5].EndsWith("/libtorch_cpu.so", StringComparison.Ordinal)).Select(f => f[5]).FirstOrDefault();
        if (path is null) return "libtorch_cpu.so is not mapped into this process";
        using (var file = File.OpenRead(path))
            if (!Convert.ToHexStringLower(SHA256.HashData(file)).Equals(PinnedSha256, StringComparison.Ordinal))
                return $"{path} is not the pinned libtorch 2.10.0 build whose offsets this test knows";
        // Plan one oneDNN convolution, so that the detection object is built, then check it looks like Xbyak's.
        bool oneDnn = LibTorchContext.OneDnnEnabled;
        LibTorchContext.OneDnnEnabled = true;
        using (no_grad())
        using (var x = ones(2, 16, 4, 4))
        using (var w = ones(16, 16, 3, 3))
        using (nn.functional.conv2d(x, w)) { }
        LibTorchContext.OneDnnEnabled = oneDnn;
        var cpu = Address(CpuObject);
        int levels = Marshal.ReadInt32(cpu, Levels);
        bool sizesPlausible = Enumerable.Range(0, Math.Clamp(levels, 0, SlotCount))
            .All(i => Marshal.ReadInt32(cpu, Sizes + i * 4) is 1 or >= 1024 && Marshal.ReadInt32(cpu, Sharing + i * 4) >= 1);
        if (Marshal.ReadInt64(Address(CpuGuard)) == 0 || Marshal.ReadInt64(cpu) == 0 || levels is < 1 or > SlotCount || !sizesPlausible)
            return "oneDNN's CPU detection object does not hold what Xbyak writes there";
        return null;
    }
}
