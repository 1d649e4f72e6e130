using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch07_ModernConvolutionalNetworks;

/// <summary>
/// 7.2 VGG: <c>vgg(conv_arch)</c>, a stack of VGG blocks (3×3 convolutions with padding 1 and ReLU, then a 2/2
/// max-pool) and AlexNet's dense head (4096→4096→10 with dropout 0.5).
/// </summary>
/// <remarks>
/// The book's first dense layer is <c>Linear(out_channels * 7 * 7, 4096)</c>: five halvings of 224. Here the 7 is
/// ⌊the constructor's <c>inputSize</c> / 32⌋, so that <c>--resize</c> can try the network on smaller images (32 at least);
/// at 224 it is exactly the book's network. An adaptive pool would change the book's architecture instead.
/// </remarks>
public sealed class Vgg : Sequential
{
    /// <summary>The smallest input side: five 2×2 max-pools.</summary>
    public const int MinimumInput = 32;

    /// <summary>VGG-11's <c>conv_arch</c>: (number of convolutions, output channels) of each block.</summary>
    public static readonly IReadOnlyList<(int NumConvs, int OutChannels)> ConvArch = [(1, 64), (1, 128), (2, 256), (2, 512), (2, 512)];

    /// <summary>Builds <c>vgg(conv_arch)</c> for single-channel <paramref name="inputSize"/>² images and 10 classes.</summary>
    public Vgg(IReadOnlyList<(int NumConvs, int OutChannels)> convArch, int inputSize = 224) : base(Layers(convArch, inputSize))
    {
    }

    /// <summary>The book's layers in its order: d2l's model is this <c>nn.Sequential</c>, so the state_dict keys are d2l's (<c>0.0.weight</c>, …, <c>7.weight</c>).</summary>
    private static nn.Module<Tensor, Tensor>[] Layers(IReadOnlyList<(int NumConvs, int OutChannels)> convArch, int inputSize)
    {
        int s = inputSize / 32;
        if (s < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"VGG needs inputs of at least {MinimumInput} pixels.");
        var blocks = new List<nn.Module<Tensor, Tensor>>();
        int inChannels = 1, outChannels = inChannels;
        foreach (var (numConvs, channels) in convArch)
        {
            outChannels = channels;
            blocks.Add(VggBlock(numConvs, inChannels, outChannels));
            inChannels = outChannels;
        }
        return [.. blocks.Concat([
            nn.Flatten(),
            // The fully connected part.
            nn.Linear(outChannels * s * s, 4096), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(4096, 10)])];
    }

    /// <summary><c>vgg_block(num_convs, in_channels, out_channels)</c>: 3×3 convolutions (padding 1) with ReLU, then a 2/2 max-pool.</summary>
    public static Sequential VggBlock(int numConvs, int inChannels, int outChannels)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        for (int i = 0; i < numConvs; i++)
        {
            layers.Add(nn.Conv2d(inChannels, outChannels, kernel_size: 3, padding: 1));
            layers.Add(nn.ReLU());
            inChannels = outChannels;
        }
        layers.Add(nn.MaxPool2d(kernel_size: 2, stride: 2));
        return nn.Sequential(layers);
    }

    /// <summary><c>small_conv_arch</c>: every block's channels divided by <paramref name="ratio"/> (the book's run uses 4).</summary>
    public static IReadOnlyList<(int NumConvs, int OutChannels)> Small(int ratio) =>
        [.. ConvArch.Select(pair => (pair.NumConvs, pair.OutChannels / ratio))];
}

/// <summary>
/// 7.2 VGG on Fashion-MNIST resized to 224: prints the shapes of VGG-11 (<c>conv_arch</c>), then trains the network
/// with a quarter of the channels (<c>small_conv_arch</c>, ratio 4) with <c>train_ch6</c>: batch 128, lr 0.05, 10 epochs.
/// </summary>
[Section("vgg", "7.2", "Networks using blocks (VGG)", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class VggSection : ISection<VggSection.Settings>
{
    /// <summary>The book's <c>lr, num_epochs, batch_size = 0.05, 10, 128</c>, on <c>resize=224</c>; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 128, double Lr = 0.05, int Resize = 224, int? Limit = null);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        InputResolution.Check(ctx, "VGG", s.Resize, Vgg.MinimumInput, s.BatchSize);
        using (var full = new Vgg(Vgg.ConvArch, s.Resize)) ShapeTable.Print(ctx.Out, full, 1, 1, s.Resize, s.Resize);
        var net = new Vgg(Vgg.Small(ratio: 4), s.Resize);
        var (trainIter, testIter) = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit, s.Resize);
        Train.Ch6(ctx, net, trainIter, testIter, s.Epochs, s.Lr);
    }
}
