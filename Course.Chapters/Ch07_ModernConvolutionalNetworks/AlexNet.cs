using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch07_ModernConvolutionalNetworks;

/// <summary>
/// 7.1 AlexNet as the book builds it for Fashion-MNIST: five convolutions (96-11/4, 256-5, 384-3, 384-3, 256-3) with
/// three 3/2 max-pools, then 4096→4096→10 dense layers with dropout 0.5.
/// </summary>
/// <remarks>
/// The book's first dense layer is <c>Linear(6400, 4096)</c>: 256 channels of 5×5 for its 224×224 inputs. Here its
/// input size follows from the constructor's <c>inputSize</c> (256 × s × s with s the last pool's output), so that the same
/// network can be tried on smaller images with <c>--resize</c>; at 224 it is exactly the book's network. An adaptive
/// pool in front of the dense layers (torchvision's choice) would change the book's architecture and would not help
/// below 65 pixels, where the third max-pool already gets a window larger than its input.
/// </remarks>
public sealed class AlexNet : Sequential
{
    /// <summary>The smallest input side: the third 3×3 max-pool needs a 3×3 input.</summary>
    public const int MinimumInput = 65;

    /// <summary>Builds AlexNet for single-channel <paramref name="inputSize"/>² images and 10 classes.</summary>
    public AlexNet(int inputSize = 224) : base(Layers(inputSize))
    {
    }

    /// <summary>The book's layers in its order: d2l's model is this <c>nn.Sequential</c>, so the state_dict keys are d2l's (<c>0.weight</c> … <c>16.weight</c>).</summary>
    private static nn.Module<Tensor, Tensor>[] Layers(int inputSize)
    {
        int s = FeatureSize(inputSize);
        if (s < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"AlexNet needs inputs of at least {MinimumInput} pixels.");
        return [
            // A larger 11×11 window to capture objects, stride 4 to shrink the output; many more channels than LeNet.
            nn.Conv2d(1, 96, kernel_size: 11, stride: 4, padding: 1), nn.ReLU(),
            nn.MaxPool2d(kernel_size: 3, stride: 2),
            // A smaller window, padding 2 keeps height and width, more output channels.
            nn.Conv2d(96, 256, kernel_size: 5, padding: 2), nn.ReLU(),
            nn.MaxPool2d(kernel_size: 3, stride: 2),
            // Three consecutive convolutions with smaller windows.
            nn.Conv2d(256, 384, kernel_size: 3, padding: 1), nn.ReLU(),
            nn.Conv2d(384, 384, kernel_size: 3, padding: 1), nn.ReLU(),
            nn.Conv2d(384, 256, kernel_size: 3, padding: 1), nn.ReLU(),
            nn.MaxPool2d(kernel_size: 3, stride: 2),
            nn.Flatten(),
            // Dense layers many times larger than LeNet's, with dropout against overfitting.
            nn.Linear(256 * s * s, 4096), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(4096, 10)];
    }

    /// <summary>The side of the last pool's output for an <paramref name="inputSize"/>² input (5 for 224); below 1 when too small.</summary>
    public static int FeatureSize(int inputSize)
    {
        int n = InputResolution.Output(inputSize, 11, 4, 1);
        for (int pool = 0; pool < 3 && n >= 1; pool++) n = InputResolution.Output(n, 3, 2);
        return n;
    }
}

/// <summary>7.1 AlexNet on Fashion-MNIST resized to 224 with <c>train_ch6</c>: batch 128, lr 0.01, 10 epochs.</summary>
[Section("alexnet", "7.1", "Deep convolutional neural networks (AlexNet)", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class AlexNetSection : ISection<AlexNetSection.Settings>
{
    /// <summary>The book's <c>lr, num_epochs, batch_size = 0.01, 10, 128</c>, on <c>resize=224</c>; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 128, double Lr = 0.01, int Resize = 224, int? Limit = null);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        InputResolution.Check(ctx, "AlexNet", s.Resize, AlexNet.MinimumInput, s.BatchSize);
        var net = new AlexNet(s.Resize);
        ShapeTable.Print(ctx.Out, net, 1, 1, s.Resize, s.Resize);
        var (trainIter, testIter) = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit, s.Resize);
        Train.Ch6(ctx, net, trainIter, testIter, s.Epochs, s.Lr);
    }
}
