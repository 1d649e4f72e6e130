using System.Runtime.InteropServices;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Chapters.Ch05_DeepLearningComputation;

/// <summary>
/// 5.6 GPUs: device queries, d2l's <c>try_gpu</c> / <c>try_all_gpus</c> (<see cref="Devices"/>), tensors and
/// networks on a device, and what happens when one computation mixes devices. Runs on a CPU-only machine too:
/// every device falls back to the CPU there.
/// </summary>
[Section("use-gpu", "5.6", "GPUs")]
public sealed class UseGpu : ISection
{
    /// <summary>
    /// <c>X + Y</c>; when the two live on different devices libtorch refuses, and this ends in a
    /// <see cref="CourseException"/> that names both devices and what to do.
    /// </summary>
    public static Tensor Add(Tensor X, Tensor Y)
    {
        try
        {
            return X + Y;
        }
        catch (ExternalException e) when (e.Message.Contains("same device", StringComparison.Ordinal))
        {
            throw new CourseException($"X + Y needs both tensors on one device, but X is on {X.device} and Y on {Y.device}; move one first, e.g. Y.to(X.device).", e);
        }
    }

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var o = ctx.Out;
        o.WriteLine($"torch.device('cpu'), torch.device('cuda'), torch.device('cuda:1'): {CPU}, {new Device(DeviceType.CUDA)}, {new Device(DeviceType.CUDA, 1)}");
        int gpus = cuda.is_available() ? cuda.device_count() : 0;
        o.WriteLine($"torch.cuda.is_available() = {cuda.is_available()}, torch.cuda.device_count() = {gpus}");
        ctx.Metric("gpu_count", gpus);
        o.WriteLine($"try_gpu() = {Devices.TryGpu()}, try_gpu(10) = {Devices.TryGpu(10)}, try_all_gpus() = [{string.Join(", ", Devices.TryAllGpus())}]");

        var x = tensor(new long[] { 1, 2, 3 });
        o.WriteLine($"x = torch.tensor([1, 2, 3]); x.device = {x.device}");
        var X = ones(2, 3, device: Devices.TryGpu());
        o.Show($"X = torch.ones(2, 3, device=try_gpu()) on {X.device}", X);
        var Y = rand(2, 3, device: Devices.TryGpu(1));
        o.Show($"Y = torch.rand(2, 3, device=try_gpu(1)) on {Y.device}", Y);

        if (cuda.is_available())
        {
            var onGpu = X.cuda(new Device(DeviceType.CUDA, 0));
            try
            {
                o.Show("X.cuda(0) + Y", Add(onGpu, Y.cpu()));
            }
            catch (CourseException e)
            {
                o.WriteLine($"X.cuda(0) + Y.cpu(): {e.Message}");
            }
        }
        else
        {
            o.WriteLine("No GPU here: on a GPU, X.cuda(0) + Y with Y on the CPU stops with libtorch's \"Expected all tensors to be on the same device\".");
            try
            {
                Add(empty(2, 3, device: new Device("meta")), Y.cpu());
            }
            catch (CourseException e)
            {
                o.WriteLine($"The same check, shown with the meta device (shapes without data): {e.Message}");
            }
        }

        var Z = X.to(Devices.TryGpu(0));
        o.Show($"Z = X.cuda(0) (here on {Z.device}); Y + Z on one device", Add(Y.to(Z.device), Z));
        o.WriteLine($"Z.to(cpu).device = {Z.to(CPU).device}");

        var net = nn.Sequential(nn.Linear(3, 1));
        net.to(Devices.TryGpu());
        o.Show("net = nn.Sequential(nn.Linear(3, 1)).to(try_gpu()); net(X)", net.forward(X));
        o.WriteLine($"net[0].weight.data.device = {Parameters.Layer(net, 0).weight!.device}");
    }
}
