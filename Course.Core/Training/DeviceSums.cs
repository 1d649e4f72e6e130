using TorchSharp;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// d2l's <c>Accumulator</c> (3.6) kept on the training device: each batch adds its sums without a host
/// synchronisation, and <see cref="Read"/> copies them to the host in one transfer, once per animator point or epoch.
/// That read is the only place a training loop takes values off the device.
/// </summary>
public sealed class DeviceSums : IDisposable
{
    private readonly Tensor _sums;

    /// <summary><paramref name="n"/> sums, in float64, on <paramref name="device"/>.</summary>
    public DeviceSums(int n, Device device) => _sums = zeros(n, dtype: float64, device: device);

    /// <summary>Adds one batch's values (scalar tensors on the device, or host numbers) to the sums, in order.</summary>
    public void Add(params Tensor[] values)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _sums.add_(stack(values.Select(v => v.detach().to(float64).reshape([])).ToArray()));
    }

    /// <summary>The sums on the host: the loop's one synchronisation point.</summary>
    public double[] Read()
    {
        if (_sums.device_type == DeviceType.META) throw new MetaDeviceReadException();
        using var host = _sums.cpu();
        return host.data<double>().ToArray();
    }

    /// <summary>Sets every sum back to zero.</summary>
    public void Reset() => _sums.zero_();

    /// <inheritdoc />
    public void Dispose() => _sums.Dispose();
}

/// <summary>
/// A run on TorchSharp's <c>meta</c> device (shapes, no data) reached the point where a loop reads its metrics: every
/// step before it ran. The tests that train on <c>meta</c> stop here.
/// </summary>
public sealed class MetaDeviceReadException() : InvalidOperationException("The meta device holds shapes, not values: the run stopped at its first read of a metric.");
