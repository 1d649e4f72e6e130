using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch07_ModernConvolutionalNetworks;

/// <summary>
/// 7.7 The dense block: <c>num_convs</c> convolution blocks, each one's input concatenated with its output on the
/// channel dimension, so <c>num_convs</c> × <c>num_channels</c> channels (the growth rate) are added.
/// </summary>
public sealed class DenseBlock : nn.Module<Tensor, Tensor>
{
    /// <summary>The convolution blocks.</summary>
    public readonly Sequential net;

    /// <summary><c>DenseBlock(num_convs, input_channels, num_channels)</c>.</summary>
    public DenseBlock(int numConvs, int inputChannels, int numChannels) : base(nameof(DenseBlock))
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        for (int i = 0; i < numConvs; i++) layers.Add(DenseNet.ConvBlock(numChannels * i + inputChannels, numChannels));
        net = nn.Sequential(layers);
        OutChannels = inputChannels + numConvs * numChannels;
        RegisterComponents();
    }

    /// <summary>The number of output channels: <c>input_channels + num_convs * num_channels</c>.</summary>
    public int OutChannels { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor X)
    {
        foreach (var blk in net.children().Cast<nn.Module<Tensor, Tensor>>())
        {
            var Y = blk.call(X);
            // Concatenate each block's input and output on the channel dimension.
            X = cat([X, Y], dim: 1);
        }
        return X;
    }
}

/// <summary>
/// 7.7 DenseNet as the book builds it for Fashion-MNIST: ResNet's <c>b1</c>, four dense blocks of four convolutions
/// (growth rate 32) with transition blocks halving channels, height and width between them, then batch normalization,
/// ReLU, global average pooling and a dense layer.
/// </summary>
/// <remarks>
/// The three transition blocks' 2/2 average pools halve the 1/4-size feature maps three times: inputs need at least
/// 29 pixels (Fashion-MNIST's own 28 gives 7, 3, 1 and then nothing); the book's 96 ends with 3×3.
/// </remarks>
public sealed class DenseNet : Sequential
{
    /// <summary>The smallest input side: the last transition block's 2×2 average pool needs a 2×2 input.</summary>
    public const int MinimumInput = 29;

    /// <summary>Builds the book's DenseNet: 64 channels, growth rate 32, dense blocks of [4, 4, 4, 4] convolutions.</summary>
    public DenseNet() : base(Layers())
    {
    }

    /// <summary>The book's layers in its order: d2l's model is this <c>nn.Sequential</c>, so the state_dict keys are d2l's (<c>0.0.weight</c>, <c>1.net.0.0.weight</c>, …).</summary>
    private static nn.Module<Tensor, Tensor>[] Layers()
    {
        var b1 = nn.Sequential(
            nn.Conv2d(1, 64, kernel_size: 7, stride: 2, padding: 3),
            nn.BatchNorm2d(64), nn.ReLU(),
            nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1));
        // num_channels is the current number of channels.
        int numChannels = 64, growthRate = 32;
        int[] numConvsInDenseBlocks = [4, 4, 4, 4];
        var blks = new List<nn.Module<Tensor, Tensor>> { b1 };
        for (int i = 0; i < numConvsInDenseBlocks.Length; i++)
        {
            int numConvs = numConvsInDenseBlocks[i];
            blks.Add(new DenseBlock(numConvs, numChannels, growthRate));
            // The number of output channels of the previous dense block.
            numChannels += numConvs * growthRate;
            // A transition layer that halves the number of channels between the dense blocks.
            if (i != numConvsInDenseBlocks.Length - 1)
            {
                blks.Add(TransitionBlock(numChannels, numChannels / 2));
                numChannels /= 2;
            }
        }
        blks.AddRange([
            nn.BatchNorm2d(numChannels), nn.ReLU(),
            nn.AdaptiveAvgPool2d((1, 1)),
            nn.Flatten(),
            nn.Linear(numChannels, 10)]);
        return [.. blks];
    }

    /// <summary><c>conv_block(input_channels, num_channels)</c>: ResNet's "batch normalization, activation, convolution" order.</summary>
    public static Sequential ConvBlock(int inputChannels, int numChannels) => nn.Sequential(
        nn.BatchNorm2d(inputChannels), nn.ReLU(),
        nn.Conv2d(inputChannels, numChannels, kernel_size: 3, padding: 1));

    /// <summary><c>transition_block(input_channels, num_channels)</c>: a 1×1 convolution to <paramref name="numChannels"/> channels and a 2/2 average pool.</summary>
    public static Sequential TransitionBlock(int inputChannels, int numChannels) => nn.Sequential(
        nn.BatchNorm2d(inputChannels), nn.ReLU(),
        nn.Conv2d(inputChannels, numChannels, kernel_size: 1),
        nn.AvgPool2d(kernel_size: 2, stride: 2));
}

/// <summary>7.7 DenseNet on Fashion-MNIST resized to 96 with <c>train_ch6</c>: batch 256, lr 0.1, 10 epochs.</summary>
[Section("densenet", "7.7", "Densely connected networks (DenseNet)", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class DenseNetSection : ISection<DenseNetSection.Settings>
{
    /// <summary>The book's <c>lr, num_epochs, batch_size = 0.1, 10, 256</c>, on <c>resize=96</c>; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 256, double Lr = 0.1, int Resize = 96, int? Limit = null);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        InputResolution.Check(ctx, "DenseNet", s.Resize, DenseNet.MinimumInput, s.BatchSize);
        var net = new DenseNet();
        ShapeTable.Print(ctx.Out, net, 1, 1, s.Resize, s.Resize);
        var (trainIter, testIter) = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit, s.Resize);
        Train.Ch6(ctx, net, trainIter, testIter, s.Epochs, s.Lr);
    }
}
