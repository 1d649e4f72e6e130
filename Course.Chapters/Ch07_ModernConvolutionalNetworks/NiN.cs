using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch07_ModernConvolutionalNetworks;

/// <summary>
/// 7.3 Network in network: NiN blocks (a convolution and two 1×1 convolutions, each with ReLU) and max-pools, the last
/// block with one channel per class, then global average pooling instead of dense layers.
/// </summary>
/// <remarks>
/// The global average pool takes any resolution, but the three 3/2 max-pools after an 11/4 convolution need inputs of
/// at least 67 pixels: Fashion-MNIST's own 28 is too small.
/// </remarks>
public sealed class NiN : Sequential
{
    /// <summary>The smallest input side: the third 3×3 max-pool needs a 3×3 input.</summary>
    public const int MinimumInput = 67;

    /// <summary>Builds the book's NiN for single-channel images and 10 classes.</summary>
    public NiN() : base(Layers())
    {
    }

    /// <summary>The book's layers in its order: d2l's model is this <c>nn.Sequential</c>, so the state_dict keys are d2l's (<c>0.0.weight</c>, <c>0.2.weight</c>, …).</summary>
    private static nn.Module<Tensor, Tensor>[] Layers()
    {
        return [
            NinBlock(1, 96, kernelSize: 11, strides: 4, padding: 0),
            nn.MaxPool2d(3, stride: 2),
            NinBlock(96, 256, kernelSize: 5, strides: 1, padding: 2),
            nn.MaxPool2d(3, stride: 2),
            NinBlock(256, 384, kernelSize: 3, strides: 1, padding: 1),
            nn.MaxPool2d(3, stride: 2),
            nn.Dropout(0.5),
            // 10 label classes.
            NinBlock(384, 10, kernelSize: 3, strides: 1, padding: 1),
            nn.AdaptiveAvgPool2d((1, 1)),
            // Turns the 4-D output into 2-D output of shape (batch size, 10).
            nn.Flatten()];
    }

    /// <summary><c>nin_block(in_channels, out_channels, kernel_size, strides, padding)</c>: a convolution, then two 1×1 convolutions, each followed by ReLU.</summary>
    public static Sequential NinBlock(int inChannels, int outChannels, int kernelSize, int strides, int padding) => nn.Sequential(
        nn.Conv2d(inChannels, outChannels, kernelSize, stride: strides, padding: padding), nn.ReLU(),
        nn.Conv2d(outChannels, outChannels, kernel_size: 1), nn.ReLU(),
        nn.Conv2d(outChannels, outChannels, kernel_size: 1), nn.ReLU());
}

/// <summary>7.3 NiN on Fashion-MNIST resized to 224 with <c>train_ch6</c>: batch 128, lr 0.1, 10 epochs.</summary>
[Section("nin", "7.3", "Network in network (NiN)", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class NiNSection : ISection<NiNSection.Settings>
{
    /// <summary>The book's <c>lr, num_epochs, batch_size = 0.1, 10, 128</c>, on <c>resize=224</c>; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 128, double Lr = 0.1, int Resize = 224, int? Limit = null);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        InputResolution.Check(ctx, "NiN", s.Resize, NiN.MinimumInput, s.BatchSize);
        var net = new NiN();
        ShapeTable.Print(ctx.Out, net, 1, 1, s.Resize, s.Resize);
        var (trainIter, testIter) = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit, s.Resize);
        Train.Ch6(ctx, net, trainIter, testIter, s.Epochs, s.Lr);
    }
}
