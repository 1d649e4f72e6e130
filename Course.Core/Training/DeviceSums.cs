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
    private readonly Tensor[] _sums;

    /// <summary><paramref name="n"/> sums, in float64, on <paramref name="device"/>.</summary>
    public DeviceSums(int n, Device device) =>
        _sums = Enumerable.Range(0, n).Select(_ => zeros([], dtype: float64, device: device)).ToArray();

    /// <summary>Adds one batch's values (scalar tensors on the device) to the sums, in order: one in-place add each.</summary>
    public void Add(params Tensor[] values)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < values.Length; i++) _sums[i].add_(values[i]);
    }

    /// <summary>The sums on the host: the loop's one synchronisation point.</summary>
    public double[] Read()
    {
        using var scope = NewDisposeScope();
        return stack(_sums).cpu().data<double>().ToArray();
    }

    /// <summary>Sets every sum back to zero.</summary>
    public void Reset()
    {
        foreach (var sum in _sums) sum.zero_();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var sum in _sums) sum.Dispose();
    }
}

