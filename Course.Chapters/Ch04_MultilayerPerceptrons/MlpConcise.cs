using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch04_MultilayerPerceptrons;

/// <summary>4.3 Concise MLP: Flatten, Linear(784, 256), ReLU, Linear(256, 10), weights from N(0, 0.01).</summary>
[Section("mlp-concise", "4.3", "Concise implementation of multilayer perceptrons", Dataset = "Fashion-MNIST", Options = OptionSets.FashionMnistClassifier, PerCoreThreads = true)]
public sealed class MlpConcise : ISection
{
    /// <summary>The book's net with <c>init_weights</c> applied.</summary>
    public static Sequential Net() => FashionMnistClassification.InitNormal(
        nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)));

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        int epochs = ctx.Epochs(10), batchSize = ctx.BatchSize(256);
        double lr = ctx.LearningRate(0.1);
        var data = FashionMnistClassification.Load(ctx, batchSize);
        var net = Net();
        FashionMnistClassification.Train(ctx, net, data, FashionMnistClassification.CrossEntropy(),
            Updaters.Sgd(lr), epochs, ylim: (0.3, 0.9));
    }
}
