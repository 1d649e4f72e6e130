using Course.Core.Kernels;
using NUnit.Framework;

namespace Course.Tests.Kernels;

/// <summary>
/// This process as a fresh one would start on a machine with the fault of #19 (<see cref="Faulty"/>) or without it
/// (<see cref="Healthy"/>), whatever this machine is: oneDNN's cache sizes written (<see cref="OneDnnCacheSizes"/>) and
/// oneDNN on. Disposing puts back the sizes found and the switches this process's guard had set. A test that needs
/// it is ignored where the sizes cannot be written.
/// </summary>
internal sealed class InjectedMachine : IDisposable
{
    private readonly bool _oneDnn = LibTorchContext.OneDnnEnabled, _nnpack = LibTorchContext.NnpackEnabled;
    private readonly OneDnnCacheSizes _sizes;

    private InjectedMachine(bool faulty)
    {
        _sizes = OneDnnCacheSizes.TryOpen(out string why) ?? throw new IgnoreException($"The fault cannot be brought to this machine: {why}.");
        if (faulty) _sizes.MakeFaulty();
        else _sizes.MakeHealthy();
        LibTorchContext.OneDnnEnabled = true;
    }

    /// <summary>An AMD VM whose cache leaf is empty: 1-byte caches.</summary>
    public static InjectedMachine Faulty() => new(faulty: true);

    /// <summary>A machine whose caches are reported.</summary>
    public static InjectedMachine Healthy() => new(faulty: false);

    public void Dispose()
    {
        _sizes.Dispose();
        (LibTorchContext.OneDnnEnabled, LibTorchContext.NnpackEnabled) = (_oneDnn, _nnpack);
    }
}
