using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Core.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Tests.Kernels;

/// <summary>
/// #19's criterion for GoogLeNet and DenseNet: short training runs (batch 4, 96 pixels, SGD at the book's 0.1) have
/// finite losses equal, to 1e-5 relative over the first three steps, to the same runs with oneDNN off: on this
/// process's route, and on the fault brought to this machine with the guard's route.
/// </summary>
[NonParallelizable, Category("Slow")]
public sealed class ShortTrainingTests
{
    private static readonly Func<nn.Module<Tensor, Tensor>>[] Models = [() => new GoogLeNet(), () => new DenseNet()];

    private static double[] Losses(Func<nn.Module<Tensor, Tensor>> build)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var net = build();
        var x = rand(4, 1, 96, 96);
        var y = tensor(new long[] { 1, 7, 3, 9 });
        using var sgd = optim.SGD(net.parameters(), 0.1);
        var losses = new double[3];
        for (int step = 0; step < losses.Length; step++)
        {
            sgd.zero_grad();
            var loss = nn.functional.cross_entropy(net.call(x), y);
            loss.backward();
            sgd.step();
            losses[step] = loss.item<float>();
        }
        return losses;
    }

    private static double[] WithOneDnnOff(Func<nn.Module<Tensor, Tensor>> build)
    {
        bool oneDnn = LibTorchContext.OneDnnEnabled;
        LibTorchContext.OneDnnEnabled = false;
        try
        {
            return Losses(build);
        }
        finally
        {
            LibTorchContext.OneDnnEnabled = oneDnn;
        }
    }

    private static void AssertEqual(double[] actual, double[] oneDnnOff)
    {
        TestContext.Out.WriteLine($"losses {string.Join(", ", actual)}; with oneDNN off {string.Join(", ", oneDnnOff)}");
        Assert.That(actual.All(double.IsFinite), Is.True);
        for (int i = 0; i < actual.Length; i++)
            Assert.That(Math.Abs(actual[i] - oneDnnOff[i]) / Math.Abs(oneDnnOff[i]), Is.LessThanOrEqualTo(1e-5), $"step {i + 1}");
    }

    [TestCase(0, TestName = "GoogLeNetTrainsAsWithOneDnnOffOnThisProcesssRoute")]
    [TestCase(1, TestName = "DenseNetTrainsAsWithOneDnnOffOnThisProcesssRoute")]
    public void OnThisProcesssRoute(int model)
    {
        KernelGuard.Ensure(CPU);
        AssertEqual(Losses(Models[model]), WithOneDnnOff(Models[model]));
    }

    [TestCase(0, TestName = "GoogLeNetTrainsAsWithOneDnnOffOnTheFaultWithTheGuard")]
    [TestCase(1, TestName = "DenseNetTrainsAsWithOneDnnOffOnTheFaultWithTheGuard")]
    public void OnTheFaultWithTheGuard(int model)
    {
        bool oneDnn = LibTorchContext.OneDnnEnabled;
        using var sizes = OneDnnCacheSizes.TryOpen(out string why) ?? throw new IgnoreException($"The fault cannot be brought to this machine: {why}.");
        try
        {
            sizes.MakeFaulty();
            LibTorchContext.OneDnnEnabled = true;
            KernelGuard.Choose(CPU);
            AssertEqual(Losses(Models[model]), WithOneDnnOff(Models[model]));
        }
        finally
        {
            LibTorchContext.OneDnnEnabled = oneDnn;
        }
    }
}
