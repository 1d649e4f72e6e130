using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Core.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Tests.Kernels;

/// <summary>
/// Right numbers on every machine (#19). The guard's route is checked in this process as it is (what users get: the
/// test set-up ensures the CPU as a run does), and then, where <see cref="OneDnnCacheSizes"/> can write oneDNN's
/// cache sizes, on the fault brought to this machine and on a healthy machine's caches, whatever this machine is.
/// </summary>
[NonParallelizable]
public sealed class KernelGuardTests
{
    /// <summary>The reproduction: oneDNN's NCHW conv2d, batch 2, 20 input channels, a 3×3 kernel.</summary>
    private static double ReproductionError()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        manual_seed(0);
        var x = randn(2, 20, 6, 6);
        var w = randn(16, 20, 3, 3) / 13;
        long[] one = [1, 1];
        var y32 = nn.functional.conv2d(x, w, null, one, one);
        var y64 = nn.functional.conv2d(x.to(float64), w.to(float64), null, one, one);
        return KernelCheck.RelativeError(y32, y64);
    }

    [Test]
    public void TheReproductionAgreesWithFloat64InThisProcess()
    {
        var verdict = KernelGuard.Ensure(CPU);
        TestContext.Out.WriteLine($"route {verdict.Describe()}; {CpuInfo.Current.Vendor} family {CpuInfo.Current.Family}, caches {CpuInfo.Current.CachesText}");
        Assert.That(ReproductionError(), Is.LessThanOrEqualTo(1e-5));
    }

    [Test]
    public void EveryProbePassesOnTheRouteThisProcessTook()
    {
        KernelGuard.Ensure(CPU);
        Assert.That(KernelCheck.Run(CPU).Where(p => !p.Passed).Select(p => p.ToString()), Is.Empty);
    }

    [Test]
    public void TheFaultIsCaughtRoutedAroundAndNamedInTheNote()
    {
        using var machine = InjectedMachine.Faulty();
        // Without the route the fault is there: the check fails, and so does the reproduction.
        var failed = KernelCheck.Run(CPU).Where(p => !p.Passed).ToArray();
        Assert.That(failed.Select(p => p.Name), Does.Contain("conv2d 3×3, 20 channels").And.Contain("conv2d 3×3, 120 channels"));
        Assert.That(ReproductionError(), Is.GreaterThan(1e-2).Or.NaN);

        var verdict = KernelGuard.Choose(CPU);
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Route, Is.EqualTo(KernelRoute.LibraryOff));
            Assert.That(verdict.Describe(), Is.EqualTo("oneDNN off"));
            Assert.That(LibTorchContext.OneDnnEnabled, Is.False);
            Assert.That(verdict.Note, Does.StartWith("note: oneDNN's convolutions on cpu compute wrongly").And.Contain("turned oneDNN off"));
            Assert.That(ReproductionError(), Is.LessThanOrEqualTo(1e-5));
            Assert.That(KernelCheck.Run(CPU).Where(p => !p.Passed), Is.Empty);
        });
    }

    [Test]
    public void AHealthyMachineKeepsItsDefaultKernelsAndPrintsNothing()
    {
        using var machine = InjectedMachine.Healthy();
        var verdict = KernelGuard.Choose(CPU);
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Route, Is.EqualTo(KernelRoute.Default));
            Assert.That(verdict.Note, Is.Null);
            Assert.That(LibTorchContext.OneDnnEnabled, Is.True);
            Assert.That(ReproductionError(), Is.LessThanOrEqualTo(1e-5));
        });
    }

    [Test]
    public void ANanFromAWrongKernelIsTheMachinesFaultNotTheLearningRates()
    {
        using var machine = InjectedMachine.Faulty();
        Assert.That(Divergence.Of(CPU, "the loss became NaN in epoch 1 (by batch 12)").Message,
            Does.StartWith("Training stopped: the loss became NaN in epoch 1 (by batch 12), and this machine's convolution kernels on cpu now compute wrongly (conv2d")
                .And.EndWith("this is a fault of the machine, not of the learning rate: run `course doctor`."));
        KernelGuard.Choose(CPU);
        Assert.That(Divergence.Of(CPU, "the loss became NaN in epoch 1").Message,
            Is.EqualTo("Training diverged: the loss became NaN in epoch 1; try a smaller learning rate (--lr)."));
    }

    [Test]
    public void DenseNetIsThreePercentOffWithoutTheRouteAndRightWithIt()
    {
        using var machine = InjectedMachine.Faulty();
        manual_seed(1);
        using var net = new DenseNet();
        using var x = rand(2, 1, 96, 96);
        var unrouted = ModelCheck.Compare(net, Call, [x], CPU);
        KernelGuard.Choose(CPU);
        var routed = ModelCheck.Compare(net, Call, [x], CPU);
        TestContext.Out.WriteLine($"DenseNet against float64: {unrouted} without the route, {routed} with it");
        Assert.That(unrouted.Forward, Is.GreaterThan(1e-3).Or.NaN);
        Assert.That(routed.Passed, routed.ToString());
    }

    [Test]
    public void OnTheRouteAModelKeepsOneDnnOnlyWhereEachOfItsLayersPassesTheCheck()
    {
        using var machine = InjectedMachine.Faulty();
        var verdict = KernelGuard.Choose(CPU);
        // A convolution Course cannot lay out keeps the process's route.
        using var functional = new FunctionalConvolution();
        Assert.That(KernelGuard.Accelerate(functional, CPU, verdict), Is.Null);
        // LeNet's first layer (1 channel to 6) computes its input gradient wrongly on oneDNN in either layout.
        using var lenet = new Course.Chapters.Ch06_ConvolutionalNetworks.LeNet();
        Assert.That(KernelGuard.Accelerate(lenet, CPU, verdict), Is.Null);
        // GoogLeNet's layers all pass with their weights channels-last.
        using var googlenet = new GoogLeNet();
        Assert.That(KernelGuard.Accelerate(googlenet, CPU, verdict), Is.Not.Null);
        // (A 1×1 or 1-channel weight reads as contiguous in either layout.)
        var spatial = googlenet.modules().OfType<TorchSharp.Modules.Conv2d>().Select(c => c.weight!)
            .Where(w => w.shape[1] > 1 && w.shape[2] > 1).ToArray();
        Assert.That(spatial.Where(w => w.is_contiguous()).Select(w => string.Join("×", w.shape)), Is.Empty, "every 3×3 and 5×5 weight channels-last");
    }

    [Test]
    public void OnTheRouteALayerHandsItsOutputOnInNchwSoThatAViewStillWorks()
    {
        using var machine = InjectedMachine.Faulty();
        var verdict = KernelGuard.Choose(CPU);
        using var scope = NewDisposeScope();
        var conv = nn.Conv2d(20, 24, 3, padding: 1);
        var kernels = KernelGuard.Accelerate(conv, CPU, verdict);
        Assert.That(kernels, Is.Not.Null);
        Assert.That(conv.weight!.is_contiguous(), Is.False, "the weight is laid out channels-last");
        var x = randn(2, 20, 6, 6);
        using (kernels!.Enter())
        {
            var y = conv.call(x);
            Assert.That(y.is_contiguous(), Is.True);
            Assert.That(y.view(2, -1).shape, Is.EqualTo(new long[] { 2, 24 * 36 }));
        }
        Assert.That(LibTorchContext.OneDnnEnabled, Is.False, "the scope puts the process's route back");
    }

    [Test]
    public void ANanFromAModelsOwnWrongLayerIsTheMachinesFaultToo()
    {
        using var machine = InjectedMachine.Faulty();
        var verdict = KernelGuard.Choose(CPU);
        using var conv = nn.Conv2d(20, 24, 3, padding: 1);
        var kernels = KernelGuard.Accelerate(conv, CPU, verdict);
        Assert.That(Divergence.Of(CPU, "the loss became NaN in epoch 1", kernels).Message, Does.StartWith("Training diverged"));
        // The layer's weight back in NCHW: on oneDNN that layout is wrong here, and the recheck says so.
        using (no_grad())
        using (var nchw = conv.weight!.contiguous())
            conv.weight!.set_(nchw);
        Assert.That(Divergence.Of(CPU, "the loss became NaN in epoch 1", kernels).Message,
            Does.StartWith("Training stopped: the loss became NaN in epoch 1, and this machine's convolution kernels on cpu now compute wrongly (a convolution layer of the model on oneDNN)"));
        Assert.That(LibTorchContext.OneDnnEnabled, Is.False);
    }

    [Test]
    public void AChannelsLastWeightIsSavedInItsLogicalOrder()
    {
        using var scope = NewDisposeScope();
        var weight = KernelCheck.ChannelsLast(arange(2 * 3 * 2 * 2, dtype: float32).reshape(2, 3, 2, 2));
        string file = Path.Combine(TestEnvironment.TempFolder(), "w.bin");
        Course.Core.Runtime.TensorFiles.Save(weight, file);
        Assert.That(Course.Core.Runtime.TensorFiles.Load(file).equal(weight).all().item<bool>(), Is.True);
    }

    /// <summary>A model that convolves with a raw parameter, as d2l's from-scratch code could.</summary>
    private sealed class FunctionalConvolution : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter _kernel = new(randn(4, 20, 3, 3));

        public FunctionalConvolution() : base(nameof(FunctionalConvolution)) => RegisterComponents();

        public override Tensor forward(Tensor input) => nn.functional.conv2d(input, _kernel);
    }

    [Test]
    public void TheCpuIsDescribed()
    {
        var cpu = CpuInfo.Current;
        Assert.That(cpu.Vendor, Is.Not.Empty);
        if (cpu.KnownFault is not null)
            Assert.That((cpu.Vendor, cpu.Caches.Count, cpu.CachesText), Is.EqualTo(("AuthenticAMD", 0, "none reported (CPUID leaf 0x8000001D is empty)")));
        else
            Assert.That(cpu.CacheLeafEmpty, Is.False);
    }

    private static Tensor[] Call(nn.Module net, Tensor[] x) => [((nn.Module<Tensor, Tensor>)net).call(x[0])];
}
