namespace Course.Core.Kernels;

/// <summary>
/// Where a model's convolution layers may run on oneDNN although the process keeps it off (see
/// <see cref="KernelGuard.Accelerate"/>): <see cref="Enter"/> turns oneDNN on until the returned scope is disposed.
/// </summary>
public sealed class KernelScope
{
    private readonly bool _processRoute = LibTorchContext.OneDnnEnabled;
    private readonly Func<bool> _recheck;

    internal KernelScope(Func<bool> recheck)
    {
        _recheck = recheck;
    }

    /// <summary>Checks the model's layers on oneDNN again, as <see cref="KernelGuard.Accelerate"/> did: true where all still pass.</summary>
    public bool LayersStillRight()
    {
        try
        {
            return _recheck();
        }
        finally
        {
            LibTorchContext.OneDnnEnabled = _processRoute;
        }
    }

    /// <summary>Turns oneDNN on for the model's step or evaluation; disposing puts the process's route back.</summary>
    public IDisposable Enter()
    {
        LibTorchContext.OneDnnEnabled = true;
        return new Exit(_processRoute);
    }

    private sealed class Exit(bool processRoute) : IDisposable
    {
        public void Dispose() => LibTorchContext.OneDnnEnabled = processRoute;
    }
}
