using Course.Core.Kernels;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Tests.Kernels;

/// <summary>
/// Convolutions at the shapes a wrong oneDNN kernel gets wrong (#19), on the path every run takes (the test set-up
/// ensures the CPU's kernels as a run does): batch 2, NCHW, 3×3 and 5×5 kernels, input channels 9 to 40 (partial
/// blocks of 8 and 16 lanes, and GoogLeNet's 24) and DenseNet's last block, 120 to 216. Forward and backward against
/// float64.
/// </summary>
public sealed class ConvolutionShapeTests
{
    private static IEnumerable<TestCaseData> Shapes() =>
        from channels in Enumerable.Range(9, 32).Concat([120, 152, 184, 216])
        from kernel in new[] { 3, 5 }
        select new TestCaseData(channels, kernel).SetName($"Conv2d{kernel}x{kernel}With{channels}InputChannelsAgreesWithFloat64");

    [TestCaseSource(nameof(Shapes))]
    public void Conv2dAgreesWithFloat64(int channels, int kernel)
    {
        manual_seed(channels * 10 + kernel);
        using var conv = nn.Conv2d(channels, 32, kernel, padding: kernel / 2);
        using var x = randn(2, channels, 8, 8);
        var error = ModelCheck.Compare(conv, (net, inputs) => [((nn.Module<Tensor, Tensor>)net).call(inputs[0])], [x], CPU);
        Assert.That(error.Forward <= KernelCheck.Tolerance && error.Backward <= KernelCheck.Tolerance, error.ToString());
    }
}
