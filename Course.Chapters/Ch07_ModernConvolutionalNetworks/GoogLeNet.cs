using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Course.Chapters.Ch07_ModernConvolutionalNetworks;

/// <summary>
/// 7.4 The Inception block: four parallel paths (1×1; 1×1 then 3×3; 1×1 then 5×5; 3×3 max-pool then 1×1), each
/// keeping height and width, concatenated on the channel dimension: <c>c1 + c2[1] + c3[1] + c4</c> channels out.
/// </summary>
public sealed class Inception : nn.Module<Tensor, Tensor>
{
    // Path 1: a single 1×1 convolution.
    private readonly Conv2d p1_1;
    // Path 2: a 1×1 convolution followed by a 3×3 convolution.
    private readonly Conv2d p2_1, p2_2;
    // Path 3: a 1×1 convolution followed by a 5×5 convolution.
    private readonly Conv2d p3_1, p3_2;
    // Path 4: a 3×3 max-pool followed by a 1×1 convolution.
    private readonly MaxPool2d p4_1;
    private readonly Conv2d p4_2;

    /// <summary><c>Inception(in_channels, c1, c2, c3, c4)</c>: c1 to c4 are the output channels of the four paths.</summary>
    public Inception(int inChannels, int c1, (int, int) c2, (int, int) c3, int c4) : base(nameof(Inception))
    {
        p1_1 = nn.Conv2d(inChannels, c1, kernel_size: 1);
        p2_1 = nn.Conv2d(inChannels, c2.Item1, kernel_size: 1);
        p2_2 = nn.Conv2d(c2.Item1, c2.Item2, kernel_size: 3, padding: 1);
        p3_1 = nn.Conv2d(inChannels, c3.Item1, kernel_size: 1);
        p3_2 = nn.Conv2d(c3.Item1, c3.Item2, kernel_size: 5, padding: 2);
        p4_1 = nn.MaxPool2d(kernel_size: 3, stride: 1, padding: 1);
        p4_2 = nn.Conv2d(inChannels, c4, kernel_size: 1);
        OutChannels = c1 + c2.Item2 + c3.Item2 + c4;
        RegisterComponents();
    }

    /// <summary>The number of output channels, <c>c1 + c2[1] + c3[1] + c4</c>.</summary>
    public int OutChannels { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        var p1 = F.relu(p1_1.call(x));
        var p2 = F.relu(p2_2.call(F.relu(p2_1.call(x))));
        var p3 = F.relu(p3_2.call(F.relu(p3_1.call(x))));
        var p4 = F.relu(p4_2.call(p4_1.call(x)));
        // Concatenate the outputs on the channel dimension.
        return cat([p1, p2, p3, p4], dim: 1);
    }
}

/// <summary>
/// 7.4 GoogLeNet: five stages <c>b1</c>…<c>b5</c> (a 7×7 convolution; 1×1 and 3×3 convolutions; 2, 5 and 2 Inception
/// blocks, each stage ending in a 3/2 max-pool, the last in global average pooling), then <c>Linear(1024, 10)</c>.
/// </summary>
/// <remarks>Every pool is padded or adaptive, so any input size works; Fashion-MNIST's 28 ends with 1×1 feature maps in <c>b4</c>.</remarks>
public sealed class GoogLeNet : Sequential
{
    /// <summary>Builds the book's GoogLeNet for single-channel images and 10 classes.</summary>
    public GoogLeNet() : base(Layers())
    {
    }

    /// <summary>The book's layers in its order: d2l's model is this <c>nn.Sequential</c>, so the state_dict keys are d2l's (<c>0.0.weight</c>, <c>2.0.b1_1.weight</c>, …).</summary>
    private static nn.Module<Tensor, Tensor>[] Layers()
    {
        var b1 = nn.Sequential(
            nn.Conv2d(1, 64, kernel_size: 7, stride: 2, padding: 3), nn.ReLU(),
            nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1));
        var b2 = nn.Sequential(
            nn.Conv2d(64, 64, kernel_size: 1), nn.ReLU(),
            nn.Conv2d(64, 192, kernel_size: 3, padding: 1), nn.ReLU(),
            nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1));
        var b3 = nn.Sequential(
            new Inception(192, 64, (96, 128), (16, 32), 32),
            new Inception(256, 128, (128, 192), (32, 96), 64),
            nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1));
        var b4 = nn.Sequential(
            new Inception(480, 192, (96, 208), (16, 48), 64),
            new Inception(512, 160, (112, 224), (24, 64), 64),
            new Inception(512, 128, (128, 256), (24, 64), 64),
            new Inception(512, 112, (144, 288), (32, 64), 64),
            new Inception(528, 256, (160, 320), (32, 128), 128),
            nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1));
        var b5 = nn.Sequential(
            new Inception(832, 256, (160, 320), (32, 128), 128),
            new Inception(832, 384, (192, 384), (48, 128), 128),
            nn.AdaptiveAvgPool2d((1, 1)),
            nn.Flatten());
        return [b1, b2, b3, b4, b5, nn.Linear(1024, 10)];
    }
}

/// <summary>7.4 GoogLeNet on Fashion-MNIST resized to 96 with <c>train_ch6</c>: batch 128, lr 0.1, 10 epochs.</summary>
[Section("googlenet", "7.4", "Networks with parallel concatenations (GoogLeNet)", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class GoogLeNetSection : ISection<GoogLeNetSection.Settings>
{
    /// <summary>The book's <c>lr, num_epochs, batch_size = 0.1, 10, 128</c>, on <c>resize=96</c>; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 128, double Lr = 0.1, int Resize = 96, int? Limit = null);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        InputResolution.Check(ctx, "GoogLeNet", s.Resize, 1, s.BatchSize);
        var net = new GoogLeNet();
        ShapeTable.Print(ctx.Out, net, 1, 1, s.Resize, s.Resize);
        var (trainIter, testIter) = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit, s.Resize);
        Train.Ch6(ctx, net, trainIter, testIter, s.Epochs, s.Lr);
    }
}
