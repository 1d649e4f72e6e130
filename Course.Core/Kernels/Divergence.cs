using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Core.Kernels;

/// <summary>
/// The sentence for a loss or metric that is no longer finite. It blames the learning rate only after the device's
/// kernels pass <see cref="KernelCheck"/> again: a NaN that a wrong kernel made is the machine's fault, and says so.
/// </summary>
public static class Divergence
{
    /// <summary>
    /// The exception to stop a run with; <paramref name="what"/> says what happened, e.g. <c>the loss became NaN in epoch
    /// 1</c>. <paramref name="model"/> is the run's model's own layers on oneDNN, where the route gave it them.
    /// </summary>
    public static CourseException Of(Device device, string what, KernelScope? model = null)
    {
        string machine = $"Training stopped: {what}, and this machine's convolution kernels on {Devices.Describe(device)} now compute wrongly";
        const string Fault = "this is a fault of the machine, not of the learning rate: run `course doctor`.";
        var failed = KernelGuard.Recheck(device);
        if (failed.Count > 0) return new CourseException($"{machine} ({failed[0]}); {Fault}");
        if (model is not null && !model.LayersStillRight()) return new CourseException($"{machine} (a convolution layer of the model on oneDNN); {Fault}");
        return new CourseException($"Training diverged: {what}; try a smaller learning rate (--lr).");
    }
}
