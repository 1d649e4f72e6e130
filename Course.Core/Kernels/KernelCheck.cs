using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Core.Kernels;

/// <summary>One probe of <see cref="KernelCheck"/>: its name and its error relative to float64.</summary>
/// <param name="Name">What was computed, e.g. <c>conv2d 3×3, 20 channels</c>.</param>
/// <param name="RelativeError">max |float32 − float64| / max |float64|, or NaN where the result held a NaN.</param>
public sealed record ProbeResult(string Name, double RelativeError)
{
    /// <summary>Whether the error is within <see cref="KernelCheck.Tolerance"/> (a NaN never is).</summary>
    public bool Passed => RelativeError <= KernelCheck.Tolerance;

    /// <summary>The result in words: <c>conv2d 3×3, 20 channels: 21% off</c>.</summary>
    public override string ToString() => double.IsNaN(RelativeError)
        ? $"{Name}: NaN"
        : string.Create(CultureInfo.InvariantCulture, $"{Name}: {(RelativeError >= 1e-2 ? $"{RelativeError * 100:F0}% off" : $"{RelativeError:E1} off")}");
}

/// <summary>
/// Checks the convolution kernels a run is about to use, in milliseconds: each probe computes a convolution in float32
/// on the device, forward and backward, at a shape a wrong kernel gets wrong, and compares it with the same computation
/// in float64 on the CPU (libtorch's own kernels; oneDNN and cuDNN take no float64). The shapes: batch 2, NCHW, 3×3 and
/// 5×5 kernels, input channels that leave a partial block of 16 lanes (AVX-512) and of 8 (AVX2), the channel counts of
/// DenseNet's last block, LeNet's first layer (1 channel to 6), and conv1d, conv_transpose2d and conv3d. It catches any
/// kernel that is wrong at these shapes, whatever the cause.
/// </summary>
public static class KernelCheck
{
    /// <summary>
    /// The largest relative error a probe may have. A right float32 convolution over these sizes (at most 120 × 5 × 5
    /// products per output) stays near 1e-6 (float32's 6e-8 grown by the sum); the faults seen are 1e-2 and more.
    /// </summary>
    public const double Tolerance = 1e-4;

    private const ulong Seed = 20261203, WeightingSeed = 7;

    private delegate Tensor Convolution(Tensor input, Tensor weight);

    private sealed record Probe(string Name, long[] Input, long[] Weight, Convolution Op, bool Backward = false);

    private static readonly Probe[] Probes =
    [
        Conv2d(20, 3, backward: true), Conv2d(20, 5), Conv2d(24, 3), Conv2d(24, 5), Conv2d(12, 3), Conv2d(36, 3), Conv2d(120, 3),
        Conv2d(1, 5, backward: true, outputs: 6),
        new("conv1d 3, 20 channels", [2, 20, 8], [16, 20, 3], (x, w) => nn.functional.conv1d(x, w, padding: 1), Backward: true),
        new("conv_transpose2d 3×3, 20 channels", [2, 20, 6, 6], [20, 16, 3, 3],
            (x, w) => nn.functional.conv_transpose2d(x, w, padding: [1, 1]), Backward: true),
        new("conv3d 3×3×3, 20 channels", [2, 20, 4, 4, 4], [16, 20, 3, 3, 3],
            (x, w) => nn.functional.conv3d(x, w, padding: [1, 1, 1])),
    ];

    /// <summary>A conv2d probe; its backward to the input is a convolution over <paramref name="outputs"/> channels.</summary>
    private static Probe Conv2d(int channels, int kernel, bool backward = false, int outputs = 16) =>
        new($"conv2d {kernel}×{kernel}, {channels} channel{(channels == 1 ? "" : "s")}{(outputs == 16 ? "" : $" to {outputs}")}",
            [2, channels, 6, 6], [outputs, channels, kernel, kernel],
            (x, w) => nn.functional.conv2d(x, w, padding: [kernel / 2, kernel / 2]), backward);

    /// <summary>
    /// Runs every probe on <paramref name="device"/> with libtorch's switches as they are now. Draws its numbers from
    /// a generator of its own, so a run's seeded random state is untouched.
    /// </summary>
    public static IReadOnlyList<ProbeResult> Run(Device device)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(Seed);
        var results = new List<ProbeResult>();
        foreach (var probe in Probes)
        {
            var x = randn(probe.Input, float64, generator: generator);
            var w = randn(probe.Weight, float64, generator: generator) / Math.Sqrt(probe.Weight.Skip(1).Aggregate(1L, (a, b) => a * b));
            var w32 = w.to(float32).to(device);
            if (!probe.Backward)
            {
                using var noGrad = no_grad();
                var y = probe.Op(x.to(float32).to(device), w32);
                results.Add(new(probe.Name, RelativeError(y, Reference(() => probe.Op(x, w)))));
                continue;
            }
            var (y32, dx32, dw32) = Gradients(probe.Op, x.to(float32).to(device), w32);
            var (y64, dx64, dw64) = Reference(() => Gradients(probe.Op, x, w));
            results.Add(new(probe.Name, RelativeError(y32, y64)));
            results.Add(new($"{probe.Name}, backward to the input", RelativeError(dx32, dx64)));
            results.Add(new($"{probe.Name}, backward to the weight", RelativeError(dw32, dw64)));
        }
        return results;
    }

    /// <summary>
    /// Computes a float64 reference with NNPACK off: NNPACK takes no float64, and where it cannot start libtorch tries
    /// it anyway and prints a warning for every convolution.
    /// </summary>
    private static T Reference<T>(Func<T> compute)
    {
        bool nnpack = LibTorchContext.NnpackEnabled;
        LibTorchContext.NnpackEnabled = false;
        try
        {
            return compute();
        }
        finally
        {
            LibTorchContext.NnpackEnabled = nnpack;
        }
    }

    /// <summary>
    /// The same 4-D tensor (a conv2d weight) with its channels stored last, as PyTorch's <c>channels_last</c> memory
    /// format lays it out; libtorch then runs the convolution on oneDNN's channels-last path.
    /// </summary>
    public static Tensor ChannelsLast(Tensor weight) => weight.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    /// <summary>max |actual − reference| / max |reference|, in float64 on the CPU; NaN where either holds a NaN.</summary>
    public static double RelativeError(Tensor actual, Tensor reference)
    {
        using var scope = NewDisposeScope();
        var a = actual.detach().to(float64).cpu();
        var r = reference.detach().to(float64).cpu();
        double scale = r.abs().max().item<double>();
        double error = (a - r).abs().max().item<double>();
        return double.IsFinite(error) && double.IsFinite(scale) ? error / Math.Max(scale, double.Epsilon) : double.NaN;
    }

    /// <summary>The output, and the gradients of the output's sum weighted by a fixed random tensor (the same for both precisions).</summary>
    private static (Tensor Y, Tensor Dx, Tensor Dw) Gradients(Convolution op, Tensor x, Tensor w)
    {
        x = x.detach().requires_grad_();
        w = w.detach().requires_grad_();
        var y = op(x, w);
        using var generator = new Generator(WeightingSeed);
        var weighting = randn(y.shape, float64, generator: generator).to(y.dtype).to(y.device);
        (y * weighting).sum().backward();
        return (y.detach(), x.grad!, w.grad!);
    }
}
