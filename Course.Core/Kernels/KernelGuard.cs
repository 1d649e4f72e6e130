using System.Collections.Concurrent;
using Course.Core.Runtime;
using TorchSharp;
using TorchSharp.Modules;
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
    public static IReadOnlyList<ProbeResult> Recheck(Device device) => device.type == DeviceType.META ? [] : Failures(device);

    private static ProbeResult[] Failures(Device device) => KernelCheck.Run(device).Where(p => !p.Passed).ToArray();

    /// <summary>
    /// Checks <paramref name="device"/>'s kernels now, as libtorch's switches are, and routes around wrong ones (see
    /// <see cref="Ensure"/>, which does this once per device and remembers the verdict).
    /// </summary>
    public static KernelVerdict Choose(Device device)
    {
        string name = Devices.Describe(device);
        if (device.type == DeviceType.META) return new KernelVerdict("meta", KernelRoute.Unchecked, [], null);
        var failed = Failures(device);
        if (failed.Length == 0) return new KernelVerdict(name, KernelRoute.Default, [], null);

        bool cpu = device.type == DeviceType.CPU;
        string library = cpu ? "oneDNN" : "cuDNN";
        string cause = cpu && CpuInfo.Current.KnownFault is { } known ? $" ({known})" : "";
        string found = $"{library}'s convolutions on {name} compute wrongly{cause}: {Describe(failed)}";
        SetLibrary(cpu, enabled: false);
        var stillFailed = Failures(device);
        if (stillFailed.Length > 0)
        {
            SetLibrary(cpu, enabled: true);
            throw new CourseException($"{found}, and with {library} off libtorch's own kernels are wrong too ({Describe(stillFailed)}); Course will not compute on wrong numbers: run `course doctor` and report its table.");
        }
        string cost = cpu
            ? "a model Course trains keeps oneDNN where each of its convolution layers, its weights laid out channels-last, passes the same check; elsewhere convolutions take about 2-3.5x as long (README, \"Right numbers on every machine\")"
            : "convolutions are slower";
        return new KernelVerdict(name, KernelRoute.LibraryOff, failed,
            $"note: {found}; Course turned {library} off for this process, and libtorch's own kernels pass the same check; {cost}.");
    }

    /// <summary>
    /// Where this process's route is <see cref="KernelRoute.LibraryOff"/> on the CPU, lays out the conv2d weights of
    /// <paramref name="net"/> channels-last (the oneDNN path that is right where the NCHW one is not), checks each of
    /// its conv2d layers on oneDNN against libtorch's own kernels (forward and backward, batch 2; a layer that fails is
    /// laid out NCHW and checked again), and returns the scope in which the model may use oneDNN; null where the route
    /// is not this one, the model has no conv2d layer, a 3-D or larger parameter is not a conv2d weight (a convolution
    /// Course cannot lay out), or a layer fails in both layouts. Each layer hands its output on in NCHW, as without the
    /// route. Call it after the model moved to its device. <paramref name="verdict"/> defaults to <see cref="Ensure"/>'s.
    /// </summary>
    public static KernelScope? Accelerate(nn.Module net, Device device, KernelVerdict? verdict = null)
    {
        verdict ??= Ensure(device);
        if (verdict.Route != KernelRoute.LibraryOff || device.type != DeviceType.CPU) return null;
        var layers = net.modules().Prepend(net).OfType<Conv2d>().Distinct().ToArray(); // modules() leaves out the model itself
        var conv2dWeights = layers.Select(c => c.weight).OfType<Tensor>().ToHashSet(ReferenceEqualityComparer.Instance);
        if (layers.Length == 0 || net.parameters().Any(p => p.dim() >= 3 && !conv2dWeights.Contains(p))) return null;
        foreach (var layer in layers)
        {
            // Channels-last first (the path that is right where the NCHW one is not); where oneDNN gets even that
            // wrong for this layer (seen: the input gradient of a 1-channel layer), the NCHW layout, checked the same.
            Lay(layer, KernelCheck.ChannelsLast);
            if (LayerIsRight(layer)) continue;
            Lay(layer, w => w.contiguous());
            if (!LayerIsRight(layer)) return null;
        }
        // A channels-last weight makes the layer's output channels-last too; the rest of the model (a view, a
        // flatten) sees NCHW as it would without the route.
        foreach (var layer in layers) layer.register_forward_hook((_, _, output) => output.contiguous());
        return new KernelScope(() => layers.All(LayerIsRight));
    }

    private static void Lay(Conv2d layer, Func<Tensor, Tensor> layout)
    {
        using var noGrad = no_grad();
        using var laid = layout(layer.weight!);
        layer.weight!.set_(laid);
    }

    /// <summary>One conv2d layer, as it is, on oneDNN against libtorch's own kernels: output and both gradients.</summary>
    private static bool LayerIsRight(Conv2d layer)
    {
        using var scope = NewDisposeScope();
        var weight = layer.weight!;
        long side = Math.Max(weight.shape[2], weight.shape[3]) + 4;
        using var generator = new Generator(5);
        var x = randn([2, weight.shape[1] * layer.groups, side, side], generator: generator).to(weight.device);
        Tensor[] Run(bool oneDnn)
        {
            LibTorchContext.OneDnnEnabled = oneDnn;
            var input = x.detach().requires_grad_();
            foreach (var p in layer.parameters()) p.grad = null;
            var y = layer.call(input);
            y.sum().backward();
            return [y.detach(), input.grad!, weight.grad!.clone()];
        }
        try
        {
            var fast = Run(true);
            var own = Run(false);
            return fast.Zip(own, KernelCheck.RelativeError).All(e => e <= KernelCheck.Tolerance);
        }
        finally
        {
            LibTorchContext.OneDnnEnabled = false;
            foreach (var p in layer.parameters()) p.grad = null;
        }
    }

    private static void SetLibrary(bool cpu, bool enabled)
    {
        if (cpu) LibTorchContext.OneDnnEnabled = LibTorchContext.NnpackEnabled = enabled;
        else LibTorchContext.CuDnnEnabled = enabled;
    }

    private static string Describe(ProbeResult[] failed) =>
        failed.Length <= 2 ? string.Join("; ", failed.AsEnumerable()) : $"{string.Join("; ", failed.Take(2))} and {failed.Length - 2} more of {failed.Length} probes";
}
