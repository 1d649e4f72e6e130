using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch03_LinearNetworks;

/// <summary>3.7 Concise softmax regression: <c>Flatten</c> + <c>Linear(784, 10)</c>, <c>CrossEntropyLoss</c> and <c>optim.SGD</c>.</summary>
[Section("softmax-concise", "3.7", "Concise implementation of softmax regression", Dataset = "Fashion-MNIST", Options = OptionSets.FashionMnistClassifier)]
public sealed class SoftmaxRegressionConcise : ISection
{
    /// <summary>The book's net with <c>init_weights</c>: Linear weights from N(0, 0.01).</summary>
    public static Sequential Net() => FashionMnistClassification.InitNormal(nn.Sequential(nn.Flatten(), nn.Linear(784, 10)));

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
