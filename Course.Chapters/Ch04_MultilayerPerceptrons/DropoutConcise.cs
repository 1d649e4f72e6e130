using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch04_MultilayerPerceptrons;

/// <summary>4.6 Concise dropout: <c>nn.Dropout</c> layers in a Sequential MLP (784-256-256-10, p 0.2 and 0.5).</summary>
[Section("dropout-concise", "4.6", "Concise implementation of dropout", Dataset = "Fashion-MNIST", Options = OptionSets.FashionMnistClassifier, PerCoreThreads = true)]
public sealed class DropoutConcise : ISection
{
    /// <summary>The book's net with <c>init_weights</c> applied.</summary>
    public static Sequential Net(double dropout1 = 0.2, double dropout2 = 0.5) => FashionMnistClassification.InitNormal(nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 256), nn.ReLU(), nn.Dropout(dropout1),
        nn.Linear(256, 256), nn.ReLU(), nn.Dropout(dropout2),
        nn.Linear(256, 10)));

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        int epochs = ctx.Epochs(10), batchSize = ctx.BatchSize(256);
        double lr = ctx.LearningRate(0.5);
        var data = FashionMnistClassification.Load(ctx, batchSize);
        var net = Net(ctx.Hyper("dropout1", 0.2), ctx.Hyper("dropout2", 0.5));
        FashionMnistClassification.Train(ctx, net, data, FashionMnistClassification.CrossEntropy(),
            Updaters.Sgd(lr), epochs, ylim: (0.3, 0.9));
    }
}
