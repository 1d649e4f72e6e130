using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch04_MultilayerPerceptrons;

/// <summary>4.3 Concise MLP: Flatten, Linear(784, 256), ReLU, Linear(256, 10), weights from N(0, 0.01).</summary>
[Section("mlp-concise", "4.3", "Concise implementation of multilayer perceptrons", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class MlpConcise : ISection<MlpConcise.Settings>
{
    /// <summary>The book's <c>batch_size, lr, num_epochs = 256, 0.1, 10</c>; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 256, double Lr = 0.1, int? Limit = null);

    /// <summary>The book's net with <c>init_weights</c> applied.</summary>
    public static Sequential Net() => FashionMnistClassification.InitNormal(
        nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)));

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var data = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit);
        Train.Ch3(ctx, Net(), data.Train, data.Test, FashionMnistClassification.CrossEntropy(), s.Epochs, Updaters.Sgd(s.Lr));
    }
}
