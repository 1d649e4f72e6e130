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

public sealed class RunOptionTests
{
    [TestCase(0, null, null, "--epochs")]
    [TestCase(null, -1, null, "--batch-size")]
    [TestCase(null, null, double.NaN, "--lr")]
    [TestCase(null, null, -0.1, "--lr")]
    public void InvalidHyperparametersAreRejected(int? epochs, int? batch, double? lr, string option)
    {
        var options = new RunOptions { Epochs = epochs, BatchSize = batch, LearningRate = lr };
        Assert.That(options.Validate, Throws.TypeOf<CourseException>().With.Message.StartsWith(option));
    }

    [Test]
    public void MissingDataDirIsRejected() =>
        Assert.That(new RunOptions { DataDir = "/no/such/folder" }.Validate, Throws.TypeOf<CourseException>().With.Message.Contains("does not exist"));

    [Test]
    public void GivenNamesTheSectionOptionsThatHaveAValue() =>
        Assert.That(new RunOptions { LearningRate = 0.1, Resize = 32, CheckpointDir = "ckpt", Seed = 7 }.Given(),
            Is.EqualTo(SectionOptions.LearningRate | SectionOptions.Resize | SectionOptions.Checkpoint));

    [Test]
    public void ARunContextLetsItsSectionReadOnlyTheOptionsItDeclares()
    {
        var options = TestEnvironment.Options(epochs: 3, limit: 100) with { Resize = 32, CheckpointDir = "ckpt" };
        using var ctx = new RunContext(options, "declared", TextWriter.Null, declared: SectionOptions.Epochs | SectionOptions.Resize);
        Assert.That(ctx.Epochs(10), Is.EqualTo(3));
        Assert.That(ctx.Options.Resize, Is.EqualTo(32));
        Assert.That(ctx.Options.Seed, Is.EqualTo(42));
        Assert.That(() => ctx.BatchSize(256), Throws.InvalidOperationException.With.Message.Contains("BatchSize"));
        Assert.That(() => ctx.LearningRate(0.1), Throws.InvalidOperationException.With.Message.Contains("LearningRate"));
        Assert.That(() => ctx.Limit, Throws.InvalidOperationException.With.Message.Contains("Limit"));
        Assert.That(() => ctx.Options.Limit, Throws.InvalidOperationException);
        Assert.That(() => ctx.Options.CheckpointDir, Throws.InvalidOperationException.With.Message.Contains("Checkpoint"));
    }
}

public sealed class RunDirectoryTests
{
    [Test]
    public void CommitRenamesThePartialFolder()
    {
        string root = TestEnvironment.TempFolder();
        using var run = new RunDirectory(root, "demo");
        Assert.That(Path.GetFileName(run.Path), Does.StartWith(".").And.EndWith(".partial"));
        File.WriteAllText(run.File("a.txt"), "x");
        string final = run.Commit();
        Assert.That(File.ReadAllText(Path.Combine(final, "a.txt")), Is.EqualTo("x"));
        Assert.That(Directory.GetDirectories(Path.Combine(root, "demo")), Is.EqualTo(new[] { final }));
    }

    [Test]
    public void AnUncommittedRunLeavesNothing()
    {
        string root = TestEnvironment.TempFolder();
        using (var run = new RunDirectory(root, "demo")) File.WriteAllText(run.File("half.png"), "x");
        Assert.That(Directory.GetFileSystemEntries(root), Is.Empty, "neither the partial folder nor the emptied section folder is left");
    }
}
