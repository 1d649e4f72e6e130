using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Course.Chapters.Ch07_ModernConvolutionalNetworks;

/// <summary>
/// 7.6 The residual block: two 3×3 convolutions with batch normalization (ReLU between), added to the input (through
/// a 1×1 convolution when <c>use_1x1conv</c>, to match channels and stride), then ReLU.
/// </summary>
public sealed class Residual : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1, conv2;
    private readonly Conv2d? conv3;
    private readonly BatchNorm2d bn1, bn2;

    /// <summary><c>Residual(input_channels, num_channels, use_1x1conv=False, strides=1)</c>.</summary>
    public Residual(int inputChannels, int numChannels, bool use1x1Conv = false, int strides = 1) : base(nameof(Residual))
    {
        conv1 = nn.Conv2d(inputChannels, numChannels, kernel_size: 3, padding: 1, stride: strides);
        conv2 = nn.Conv2d(numChannels, numChannels, kernel_size: 3, padding: 1);
        conv3 = use1x1Conv ? nn.Conv2d(inputChannels, numChannels, kernel_size: 1, stride: strides) : null;
        bn1 = nn.BatchNorm2d(numChannels);
        bn2 = nn.BatchNorm2d(numChannels);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor X)
    {
        var Y = F.relu(bn1.call(conv1.call(X)));
        Y = bn2.call(conv2.call(Y));
        if (conv3 is not null) X = conv3.call(X);
        Y += X;
        return F.relu(Y);
    }
}

/// <summary>
/// 7.6 ResNet-18 as the book builds it for Fashion-MNIST: <c>b1</c> (7×7 convolution, batch normalization, ReLU,
/// 3/2 max-pool), four stages of two residual blocks (64, 128, 256, 512 channels; every stage but the first halves
/// height and width), global average pooling and <c>Linear(512, 10)</c> (other input channels and classes on request).
/// </summary>
/// <remarks>Every pool is padded or adaptive, so any input size works (Fashion-MNIST's 28 reaches 1×1 in <c>b5</c>).</remarks>
public sealed class ResNet : Sequential
{
    /// <summary>
    /// Builds the book's ResNet: by default for single-channel images and 10 classes (Fashion-MNIST); 3 channels and
    /// 1000 classes give torchvision's <c>resnet18()</c> stage and channel plan (ImageNet), as the PyTorch basics
    /// exercises use it, but not its parameters: here every convolution has a bias and the 1×1 shortcut has no batch
    /// norm (11,184,650 parameters at 3 channels and 10 classes against torchvision's 11,181,642).
    /// </summary>
    public ResNet(int inputChannels = 1, int numClasses = 10) : base(Layers(inputChannels, numClasses))
    {
    }

    /// <summary>The book's layers in its order: d2l's model is this <c>nn.Sequential</c>, so the state_dict keys are d2l's (<c>0.0.weight</c>, <c>1.0.conv1.weight</c>, …).</summary>
    private static nn.Module<Tensor, Tensor>[] Layers(int inputChannels, int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        var b1 = nn.Sequential(
            nn.Conv2d(inputChannels, 64, kernel_size: 7, stride: 2, padding: 3),
            nn.BatchNorm2d(64), nn.ReLU(),
            nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1));
        var b2 = nn.Sequential(ResNetBlock(64, 64, 2, firstBlock: true));
        var b3 = nn.Sequential(ResNetBlock(64, 128, 2));
        var b4 = nn.Sequential(ResNetBlock(128, 256, 2));
        var b5 = nn.Sequential(ResNetBlock(256, 512, 2));
        return [b1, b2, b3, b4, b5,
            nn.AdaptiveAvgPool2d((1, 1)),
            nn.Flatten(), nn.Linear(512, numClasses)];
    }

    /// <summary>
    /// <c>resnet_block(input_channels, num_channels, num_residuals, first_block=False)</c>: the first residual block
    /// halves height and width and changes the channels through a 1×1 convolution, unless it is the first stage (whose
    /// input the max-pool has already halved).
    /// </summary>
    public static List<nn.Module<Tensor, Tensor>> ResNetBlock(int inputChannels, int numChannels, int numResiduals, bool firstBlock = false)
    {
        var blk = new List<nn.Module<Tensor, Tensor>>();
        for (int i = 0; i < numResiduals; i++)
        {
            blk.Add(i == 0 && !firstBlock
                ? new Residual(inputChannels, numChannels, use1x1Conv: true, strides: 2)
                : new Residual(numChannels, numChannels));
        }
        return blk;
    }
}

/// <summary>
/// 7.6 ResNet on Fashion-MNIST resized to 96 with <c>train_ch6</c>: batch 256, lr 0.05, 10 epochs. The shape table is
/// printed for 224×224, as the book does.
/// </summary>
[Section("resnet", "7.6", "Residual networks (ResNet)", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class ResNetSection : ISection<ResNetSection.Settings>
{
    /// <summary>The book's <c>lr, num_epochs, batch_size = 0.05, 10, 256</c>, on <c>resize=96</c>; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 256, double Lr = 0.05, int Resize = 96, int? Limit = null);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        InputResolution.Check(ctx, "ResNet", s.Resize, 1, s.BatchSize);
        var net = new ResNet();
        ShapeTable.Print(ctx.Out, net, 1, 1, 224, 224);
        var (trainIter, testIter) = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit, s.Resize);
        Train.Ch6(ctx, net, trainIter, testIter, s.Epochs, s.Lr);
    }
}
