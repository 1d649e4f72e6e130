using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// The training core's device contract, checked on the first step of every run: every parameter and buffer of the
/// model, every parameter the updater holds (which must be the model's current <c>Parameter</c> objects: TorchSharp's
/// <c>Module.to</c> replaces them on a device change), every batch and every initial state is on the run's device.
/// A breach is one sentence naming the first offender, instead of a GPU user's crash deep inside libtorch.
/// </summary>
public static class DeviceContract
{
    /// <summary>Checks the model and the updater against <paramref name="device"/>.</summary>
    public static void CheckModel(Device device, nn.Module model, IUpdater updater)
    {
        var parameters = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (name, parameter) in model.named_parameters())
        {
            parameters.Add(parameter);
            Expect(device, parameter, $"the model's parameter '{name}'");
        }
        foreach (var (name, buffer) in model.named_buffers()) Expect(device, buffer, $"the model's buffer '{name}'");
        int index = 0;
        foreach (var held in updater.Parameters)
        {
            if (!parameters.Contains(held))
                throw new CourseException($"The updater's parameter {index} is not one of the model's current parameters " +
                    "(was the updater built before the model moved to its device?); build it with an UpdaterFactory so the training core creates it after the move.");
            index++;
        }
    }

    /// <summary>Checks the tensors a step feeds the model (batches, initial states), each with the words that name it.</summary>
    public static void CheckInputs(Device device, params (string What, Tensor? Value)[] inputs)
    {
        foreach (var (what, value) in inputs)
            if (value is not null) Expect(device, value, what);
    }

    /// <summary>Whether <paramref name="tensor"/> lives on <paramref name="device"/> (<c>cuda</c> is <c>cuda:0</c>).</summary>
    public static bool IsOn(Tensor tensor, Device device) =>
        tensor.device_type == device.type && Math.Max(0, tensor.device_index) == Math.Max(0, (int)device.index);

    private static void Expect(Device device, Tensor tensor, string what)
    {
        if (!IsOn(tensor, device))
            throw new CourseException($"Device contract broken: {what} is on {tensor.device}, but the run trains on {device}; " +
                "the training core moves the model, then builds the updater, then moves every batch and state, so nothing else may move them.");
    }
}
