using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch03_LinearNetworks;

/// <summary>3.7 Concise softmax regression: <c>Flatten</c> + <c>Linear(784, 10)</c>, <c>CrossEntropyLoss</c> and <c>optim.SGD</c>.</summary>
[Section("softmax-concise", "3.7", "Concise implementation of softmax regression", Dataset = "Fashion-MNIST")]
public sealed class SoftmaxRegressionConcise : ISection<SoftmaxRegressionConcise.Settings>
{
    /// <summary>The book's <c>batch_size = 256</c>, <c>lr = 0.1</c>, <c>num_epochs = 10</c>; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 256, double Lr = 0.1, int? Limit = null);

    /// <summary>The book's net with <c>init_weights</c>: Linear weights from N(0, 0.01).</summary>
    public static Sequential Net() => FashionMnistClassification.InitNormal(nn.Sequential(nn.Flatten(), nn.Linear(784, 10)));

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var data = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit);
        Train.Ch3(ctx, Net(), data.Train, data.Test, FashionMnistClassification.CrossEntropy(), s.Epochs, Updaters.Sgd(s.Lr));
    }
}
