using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch06_ConvolutionalNetworks;

/// <summary>6.3 Padding and stride: how they change the output shape of a convolution.</summary>
[Section("padding-and-strides", "6.3", "Padding and stride")]
public sealed class PaddingAndStrides : ISection
{
    /// <summary>d2l's <c>comp_conv2d</c>: the (height, width) of <paramref name="conv"/> applied to a single-channel image.</summary>
    public static long[] CompConv2d(Conv2d conv, Tensor X)
    {
        using var scope = NewDisposeScope();
        return conv.call(X.reshape(1, 1, X.shape[0], X.shape[1])).shape[2..];
    }

    /// <summary>The book's four layers, with what each does to an 8×8 input.</summary>
    public static IReadOnlyList<(string Layer, Conv2d Conv)> Examples() =>
    [
        ("Conv2d(1, 1, kernel_size=3, padding=1)", nn.Conv2d(1, 1, 3, padding: 1)),
        ("Conv2d(1, 1, kernel_size=(5, 3), padding=(2, 1))", nn.Conv2d(1, 1, (5, 3), padding: (2, 1))),
        ("Conv2d(1, 1, kernel_size=3, padding=1, stride=2)", nn.Conv2d(1, 1, 3, stride: 2, padding: 1)),
        ("Conv2d(1, 1, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4))", nn.Conv2d(1, 1, (3, 5), stride: (3, 4), padding: (0, 1))),
    ];

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var X = rand(8, 8);
        foreach (var (layer, conv) in Examples())
            ctx.Out.WriteLine($"{layer,-66} on (8, 8): ({string.Join(", ", CompConv2d(conv, X))})");
    }
}
