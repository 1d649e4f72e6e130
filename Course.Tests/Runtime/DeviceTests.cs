using Course.Core.Runtime;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Tests.Runtime;

public sealed class DeviceTests
{
    [Test]
    public void CpuAndAutoResolve()
    {
        Assert.That(Devices.Resolve("cpu").type, Is.EqualTo(DeviceType.CPU));
        Assert.That(Devices.Resolve("auto").type, Is.EqualTo(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU));
        Assert.That(Devices.Describe(CPU), Is.EqualTo("cpu"));
    }

    [Test]
    public void TryGpuFallsBackToCpu()
    {
        if (cuda.is_available()) Assert.Ignore("This machine has CUDA.");
        Assert.That(Devices.TryGpu().type, Is.EqualTo(DeviceType.CPU));
        Assert.That(Devices.TryGpu(3).type, Is.EqualTo(DeviceType.CPU));
        Assert.That(Devices.TryAllGpus().Select(d => d.type), Is.EqualTo(new[] { DeviceType.CPU }));
    }

    [Test]
    public void AbsentCudaIsAClearError()
    {
        if (cuda.is_available()) Assert.Ignore("This machine has CUDA.");
        var e = Assert.Throws<CourseException>(() => Devices.Resolve("cuda"));
        Assert.That(e!.Message, Does.Contain("CUDA is not available"));
    }

    [TestCase("gpu")]
    [TestCase("cuda:x")]
    public void UnknownDeviceIsAClearError(string name) =>
        Assert.That(() => Devices.Resolve(name), Throws.TypeOf<CourseException>().With.Message.Contains("auto, cpu, cuda or cuda:N"));

    [Test, Category("Cuda")]
    public void ComputesOnCuda()
    {
        if (!cuda.is_available()) Assert.Ignore("CUDA is not available on this machine.");
        using var x = ones(3, device: CUDA);
        Assert.That((x * 2).sum().cpu().item<float>(), Is.EqualTo(6f));
    }
}
