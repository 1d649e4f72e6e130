using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Course.Core.Kernels;

/// <summary>One data or unified cache as CPUID reports it.</summary>
/// <param name="Level">1, 2 or 3.</param>
/// <param name="Bytes">Its size in bytes.</param>
public sealed record CacheLevel(int Level, long Bytes);

/// <summary>
/// What the processor says about itself through CPUID: its vendor, the instruction sets libtorch's kernels choose
/// between, and its data caches (leaf 4 on Intel, leaf 0x8000001D on AMD), which oneDNN sizes its blocking by.
/// </summary>
/// <param name="Vendor">CPUID's vendor string (<c>GenuineIntel</c>, <c>AuthenticAMD</c>), or the architecture off x86.</param>
/// <param name="Family">The display family (AMD's Zen 5 is 26), or 0 off x86.</param>
/// <param name="InstructionSets">The vector instruction sets .NET sees, widest last.</param>
/// <param name="Caches">The data caches CPUID describes; empty where it describes none.</param>
/// <param name="CacheLeafEmpty">True on an AMD processor whose extended leaves reach 0x8000001D (its caches) and leave it all zero.</param>
public sealed record CpuInfo(string Vendor, int Family, IReadOnlyList<string> InstructionSets, IReadOnlyList<CacheLevel> Caches, bool CacheLeafEmpty)
{
    private const int AmdCacheLeaf = unchecked((int)0x8000001D);

    /// <summary>This machine's processor.</summary>
    public static CpuInfo Current { get; } = Read();

    /// <summary>The caches as one phrase: <c>L1 48 KiB, L2 1 MiB, L3 32 MiB</c>, or why there are none.</summary>
    public string CachesText => Caches.Count > 0
        ? string.Join(", ", Caches.Select(c => $"L{c.Level} {Size(c.Bytes)}"))
        : CacheLeafEmpty ? "none reported (CPUID leaf 0x8000001D is empty)" : "none reported";

    /// <summary>
    /// The known cause of wrong oneDNN convolutions, by name, where this machine has it: an AMD processor whose cache
    /// leaf is empty, so that oneDNN's CPU detection (Xbyak) computes 1-byte caches.
    /// </summary>
    public string? KnownFault => CacheLeafEmpty
        ? "this AMD processor's CPUID leaf 0x8000001D (its caches) is empty, as some hypervisors leave it, so oneDNN sizes its blocks for 1-byte caches"
        : null;

    private static CpuInfo Read()
    {
        if (!X86Base.IsSupported)
            return new CpuInfo(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(), 0, [], [], false);
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        string vendor = Encoding.ASCII.GetString([.. BitConverter.GetBytes(ebx), .. BitConverter.GetBytes(edx), .. BitConverter.GetBytes(ecx)]);
        int signature = X86Base.CpuId(1, 0).Eax;
        int family = (signature >> 8) & 0xF;
        if (family == 0xF) family += (signature >> 20) & 0xFF;
        bool amd = vendor == "AuthenticAMD";
        var caches = new List<CacheLevel>();
        bool leafEmpty = false;
        if (amd)
        {
            // oneDNN's detection reads this leaf on every AMD processor whose extended leaves reach it, whether or not
            // the processor announces topology extensions, so the check does too.
            int maxExtended = X86Base.CpuId(unchecked((int)0x80000000), 0).Eax;
            if ((uint)maxExtended >= 0x8000001D)
            {
                ReadCacheLeaf(AmdCacheLeaf, caches);
                var first = X86Base.CpuId(AmdCacheLeaf, 0);
                leafEmpty = first.Eax == 0 && first.Ebx == 0 && first.Ecx == 0 && first.Edx == 0;
            }
        }
        else if (X86Base.CpuId(0, 0).Eax >= 4)
        {
            ReadCacheLeaf(4, caches);
        }
        return new CpuInfo(vendor, family, InstructionSetsOf(), caches, leafEmpty);
    }

    /// <summary>Leaves 4 (Intel) and 0x8000001D (AMD) share a layout: one sub-leaf per cache, until a type of 0.</summary>
    private static void ReadCacheLeaf(int leaf, List<CacheLevel> caches)
    {
        for (int sub = 0; sub < 16; sub++)
        {
            var (eax, ebx, ecx, _) = X86Base.CpuId(leaf, sub);
            int type = eax & 0x1F;
            if (type == 0) break;
            if (type == 2) continue; // an instruction cache
            long ways = ((ebx >> 22) & 0x3FF) + 1, partitions = ((ebx >> 12) & 0x3FF) + 1, line = (ebx & 0xFFF) + 1;
            caches.Add(new CacheLevel((eax >> 5) & 0x7, ways * partitions * line * ((long)(uint)ecx + 1)));
        }
    }

    private static string[] InstructionSetsOf()
    {
        var sets = new List<string>();
        if (Sse42.IsSupported) sets.Add("SSE4.2");
        if (Avx2.IsSupported) sets.Add("AVX2");
        if (Fma.IsSupported) sets.Add("FMA");
        if (AvxVnni.IsSupported) sets.Add("AVX-VNNI");
        if (Avx512F.IsSupported) sets.Add("AVX-512F");
        if (Avx512BW.IsSupported) sets.Add("AVX-512BW");
        if (Avx512Vbmi.IsSupported) sets.Add("AVX-512VBMI");
        if (Avx10v1.IsSupported) sets.Add("AVX10.1");
        return [.. sets];
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1 << 20 when bytes % (1 << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1 << 10 when bytes % (1 << 10) == 0 => $"{bytes >> 10} KiB",
        _ => $"{bytes} B",
    };
}
