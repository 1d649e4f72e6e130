using System.Collections.Concurrent;
using Course.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Core.Kernels;

/// <summary>How this process computes convolutions on a device, after <see cref="KernelGuard"/> checked them.</summary>
public enum KernelRoute
{
    /// <summary>Not checked: TorchSharp's <c>meta</c> device computes no numbers.</summary>
    Unchecked,

    /// <summary>The default kernels passed the check (oneDNN on the CPU, cuDNN on CUDA).</summary>
    Default,

    /// <summary>
    /// The default kernels failed the check and libtorch's own kernels passed it: oneDNN (CPU) or cuDNN (CUDA) is
    /// turned off for the rest of the process. Right, and slower (README, "Right numbers on every machine").
    /// </summary>
    LibraryOff,
}

/// <summary>The check's verdict for one device: the route taken, the probes that failed on the way, and the note to print.</summary>
/// <param name="Device">The device checked, as d2l names it (<c>cpu</c>, <c>cuda:0</c>).</param>
/// <param name="Route">How convolutions are computed from now on.</param>
/// <param name="Failed">The probes the default kernels failed; empty on a healthy machine.</param>
/// <param name="Note">The one line a run prints about it, or null where nothing was changed.</param>
public sealed record KernelVerdict(string Device, KernelRoute Route, IReadOnlyList<ProbeResult> Failed, string? Note)
{
    /// <summary>The route in words, as <c>metrics.json</c> records it: <c>default</c>, <c>oneDNN off</c>, <c>cuDNN off</c> or <c>unchecked</c>.</summary>
    public string Describe() => Route switch
    {
        KernelRoute.LibraryOff => Device == "cpu" ? "oneDNN off" : "cuDNN off",
        KernelRoute.Default => "default",
        _ => "unchecked",
    };
}

/// <summary>
/// Right numbers or a refusal (README, "Right numbers on every machine"): before a run's first convolution, checks
/// the device's convolution kernels (<see cref="KernelCheck"/>), routes around wrong ones by turning the library
/// that computes them off, checks again, and refuses to go on when no route is right. Once per device and process;
/// a note says what was changed, and why.
/// </summary>
public static class KernelGuard
{
    private static readonly ConcurrentDictionary<string, KernelVerdict> Verdicts = new();
    private static readonly Lock Gate = new();

    /// <summary>
    /// The verdict for <paramref name="device"/>, checking (and routing) on the first call. Throws a
    /// <see cref="CourseException"/> when the kernels are wrong and no route makes them right.
    /// </summary>
    public static KernelVerdict Ensure(Device device)
    {
        string name = Devices.Describe(device);
        if (device.type == DeviceType.META) return new KernelVerdict("meta", KernelRoute.Unchecked, [], null);
        lock (Gate)
        {
            if (Verdicts.TryGetValue(name, out var known)) return known;
            var verdict = Choose(device);
            Verdicts[name] = verdict;
            return verdict;
        }
    }

    /// <summary>
    /// Whether a loss that became NaN or infinite on <paramref name="device"/> may be the machine's fault: the
    /// kernels are checked again, as they are routed now, and the probes that fail are returned (none: the loss is
    /// the model's own).
    /// </summary>
    public static IReadOnlyList<ProbeResult> Recheck(Device device) =>
        device.type == DeviceType.META ? [] : KernelCheck.Run(device).Where(p => !p.Passed).ToArray();

    /// <summary>
    /// Checks <paramref name="device"/>'s kernels now, as libtorch's switches are, and routes around wrong ones (see
    /// <see cref="Ensure"/>, which does this once per device and remembers the verdict).
    /// </summary>
    public static KernelVerdict Choose(Device device)
    {
        string name = Devices.Describe(device);
        if (device.type == DeviceType.META) return new KernelVerdict("meta", KernelRoute.Unchecked, [], null);
        var failed = KernelCheck.Run(device).Where(p => !p.Passed).ToArray();
        if (failed.Length == 0) return new KernelVerdict(name, KernelRoute.Default, [], null);

        bool cpu = device.type == DeviceType.CPU;
        string library = cpu ? "oneDNN" : "cuDNN";
        string cause = cpu && CpuInfo.Current.KnownFault is { } known ? $" ({known})" : "";
        string found = $"{library}'s convolutions on {name} compute wrongly{cause}: {Describe(failed)}";
        SetLibrary(cpu, enabled: false);
        var stillFailed = KernelCheck.Run(device).Where(p => !p.Passed).ToArray();
        if (stillFailed.Length > 0)
        {
            SetLibrary(cpu, enabled: true);
            throw new CourseException($"{found}, and with {library} off libtorch's own kernels are wrong too ({Describe(stillFailed)}); Course will not compute on wrong numbers: run `course doctor` and report its table.");
        }
        string cost = cpu
            ? "convolution steps take about 1.5-3x as long (README, \"Right numbers on every machine\")"
            : "convolution steps are slower";
        return new KernelVerdict(name, KernelRoute.LibraryOff, failed,
            $"note: {found}; Course turned {library} off for this process, and libtorch's own kernels pass the same check; {cost}.");
    }

    private static void SetLibrary(bool cpu, bool enabled)
    {
        if (cpu) LibTorchContext.OneDnnEnabled = LibTorchContext.NnpackEnabled = enabled;
        else LibTorchContext.CuDnnEnabled = enabled;
    }

    private static string Describe(ProbeResult[] failed) =>
        failed.Length <= 2 ? string.Join("; ", failed.AsEnumerable()) : $"{string.Join("; ", failed.Take(2))} and {failed.Length - 2} more of {failed.Length} probes";
}
