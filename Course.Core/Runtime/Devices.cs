using TorchSharp;
using static TorchSharp.torch;

namespace Course.Core.Runtime;

/// <summary>Device selection: d2l's <c>try_gpu</c> and <c>try_all_gpus</c> (5.6) and the <c>--device</c> option.</summary>
public static class Devices
{
    /// <summary>Resolves <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>; asking for CUDA where there is none is an error.</summary>
    public static Device Resolve(string name)
    {
        string value = name.Trim().ToLowerInvariant();
        if (value == "auto") return TryGpu();
        if (value == "cpu") return CPU;
        if (value == "cuda" || value.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (value.Length > 4 && !int.TryParse(value.AsSpan(5), out index))
                throw new CourseException($"Device '{name}' is not valid; use auto, cpu, cuda or cuda:N.");
            if (!cuda.is_available())
                throw new CourseException($"Device '{name}' was asked for, but CUDA is not available on this machine; use --device cpu or auto (a CUDA build needs -p:TorchDevice=cuda).");
            if (index >= cuda.device_count())
                throw new CourseException($"Device '{name}' was asked for, but this machine has {cuda.device_count()} CUDA device(s).");
            return new Device(DeviceType.CUDA, index);
        }
        throw new CourseException($"Device '{name}' is not valid; use auto, cpu, cuda or cuda:N.");
    }

    /// <summary>Whether <paramref name="name"/> is one <see cref="Resolve"/> understands: auto, cpu, cuda or cuda:N.</summary>
    public static bool IsValidName(string name)
    {
        string value = name.Trim().ToLowerInvariant();
        return value is "auto" or "cpu" or "cuda" || (value.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(value.AsSpan(5), out int i) && i >= 0);
    }

    /// <summary>d2l's <c>try_gpu(i)</c>: the i-th GPU if it exists, else the CPU.</summary>
    public static Device TryGpu(int i = 0) =>
        cuda.is_available() && cuda.device_count() > i ? new Device(DeviceType.CUDA, i) : CPU;

    /// <summary>d2l's <c>try_all_gpus()</c>: every GPU, or the CPU alone when there is none.</summary>
    public static IReadOnlyList<Device> TryAllGpus()
    {
        int count = cuda.is_available() ? cuda.device_count() : 0;
        return count == 0 ? [CPU] : Enumerable.Range(0, count).Select(i => new Device(DeviceType.CUDA, i)).ToArray();
    }

    /// <summary>The name d2l prints after "examples/sec on": <c>cpu</c> or <c>cuda:0</c>.</summary>
    public static string Describe(Device device) =>
        device.type == DeviceType.CUDA ? $"cuda:{Math.Max(0, (int)device.index)}" : device.type.ToString().ToLowerInvariant();
}
