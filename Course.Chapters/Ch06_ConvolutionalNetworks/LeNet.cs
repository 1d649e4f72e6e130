using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch06_ConvolutionalNetworks;

/// <summary>6.6 LeNet-5 as the book builds it: two convolution/sigmoid/average-pool stages and three dense layers.</summary>
public sealed class LeNet : Sequential
{
    /// <summary>Builds LeNet for 1×28×28 inputs and 10 classes.</summary>
    public LeNet() : base(Layers(() => nn.Sigmoid(), () => nn.AvgPool2d(kernel_size: 2, stride: 2)))
    {
    }

    /// <summary>
    /// The book's layers in its order, with the <paramref name="activation"/> and <paramref name="pool"/> given: 6.6's
    /// sigmoid and average pooling, or 11.11's ReLU and max pooling. d2l's model is this <c>nn.Sequential</c>, so the
    /// state_dict keys are d2l's (<c>0.weight</c>, <c>3.weight</c>, …).
    /// </summary>
    public static nn.Module<Tensor, Tensor>[] Layers(Func<nn.Module<Tensor, Tensor>> activation, Func<nn.Module<Tensor, Tensor>> pool)
    {
        return [
            nn.Conv2d(1, 6, kernel_size: 5, padding: 2), activation(),
            pool(),
            nn.Conv2d(6, 16, kernel_size: 5), activation(),
            pool(),
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120), activation(),
            nn.Linear(120, 84), activation(),
            nn.Linear(84, 10)];
    }
}

/// <summary>6.6 LeNet on Fashion-MNIST with <c>train_ch6</c>: batch 256, lr 0.9, 10 epochs.</summary>
[Section("lenet", "6.6", "Convolutional neural networks (LeNet)", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class LeNetSection : ISection<LeNetSection.Settings>
{
    /// <summary>The book's <c>batch_size = 256</c>, <c>lr, num_epochs = 0.9, 10</c>; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 256, double Lr = 0.9, int? Limit = null);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var net = new LeNet();
        ShapeTable.Print(ctx.Out, net, 1, 1, 28, 28);
        var (trainIter, testIter) = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit);
        Train.Ch6(ctx, net, trainIter, testIter, s.Epochs, s.Lr);
    }
}
