using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Core.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Tests.Kernels;

/// <summary>
/// #19's criterion for GoogLeNet and DenseNet: short training runs (batch 4, 96 pixels, SGD at the book's 0.1), with
/// the model's layers on the kernels the training core gives them (<see cref="KernelGuard.Accelerate"/>), have finite
/// losses over three steps, the first two equal to 1e-5 relative to the same runs with oneDNN off: on this process's
/// route, and on the fault brought to this machine with the guard's route. Later steps are not compared: training at
/// this rate amplifies rounding, so that even two right kernels drift apart (measured on healthy caches, DenseNet with
/// oneDNN against oneDNN off: 1e-7, 1e-6 and 3e-4 relative at steps 2, 3 and 4; at batch 16, 2e-5 already at step 2).
/// </summary>
[NonParallelizable, Category("Slow")]
public sealed class ShortTrainingTests
{
    private static readonly Func<nn.Module<Tensor, Tensor>>[] Models = [() => new GoogLeNet(), () => new DenseNet()];

    private static double[] Losses(Func<nn.Module<Tensor, Tensor>> build, KernelVerdict? verdict = null, bool accelerated = false)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var net = build();
        var kernels = verdict is null ? null : KernelGuard.Accelerate(net, CPU, verdict);
        if (accelerated) Assert.That(kernels, Is.Not.Null, "the model's layers run on oneDNN's channels-last path");
        var x = rand(4, 1, 96, 96);
        var y = tensor(new long[] { 1, 7, 3, 9 });
        using var sgd = optim.SGD(net.parameters(), 0.1);
        var losses = new double[3];
        for (int step = 0; step < losses.Length; step++)
        {
            using (kernels?.Enter())
            {
                sgd.zero_grad();
                var loss = nn.functional.cross_entropy(net.call(x), y);
                loss.backward();
                sgd.step();
                losses[step] = loss.item<float>();
            }
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
        for (int i = 0; i < 2; i++)
            Assert.That(Math.Abs(actual[i] - oneDnnOff[i]) / Math.Abs(oneDnnOff[i]), Is.LessThanOrEqualTo(1e-5), $"step {i + 1}");
    }

    [TestCase(0, TestName = "GoogLeNetTrainsAsWithOneDnnOffOnThisProcesssRoute")]
    [TestCase(1, TestName = "DenseNetTrainsAsWithOneDnnOffOnThisProcesssRoute")]
    public void OnThisProcesssRoute(int model)
    {
        var verdict = KernelGuard.Ensure(CPU);
        AssertEqual(Losses(Models[model], verdict), WithOneDnnOff(Models[model]));
    }

    [TestCase(0, TestName = "GoogLeNetTrainsAsWithOneDnnOffOnTheFaultWithTheGuard")]
    [TestCase(1, TestName = "DenseNetTrainsAsWithOneDnnOffOnTheFaultWithTheGuard")]
    public void OnTheFaultWithTheGuard(int model)
    {
        using var machine = InjectedMachine.Faulty();
        var verdict = KernelGuard.Choose(CPU);
        AssertEqual(Losses(Models[model], verdict, accelerated: true), WithOneDnnOff(Models[model]));
    }
}
