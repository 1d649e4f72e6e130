using System.ComponentModel.DataAnnotations;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch04_MultilayerPerceptrons;

/// <summary>4.6 Concise dropout: <c>nn.Dropout</c> layers in a Sequential MLP (784-256-256-10, p 0.2 and 0.5).</summary>
[Section("dropout-concise", "4.6", "Concise implementation of dropout", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class DropoutConcise : ISection<DropoutConcise.Settings>
{
    /// <summary>The book's <c>dropout1, dropout2 = 0.2, 0.5</c>, <c>num_epochs, lr, batch_size = 10, 0.5, 256</c>; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 256, double Lr = 0.5,
        [Range(0.0, 1.0, MaximumIsExclusive = true)] double Dropout1 = 0.2,
        [Range(0.0, 1.0, MaximumIsExclusive = true)] double Dropout2 = 0.5, int? Limit = null);

    /// <summary>The book's net with <c>init_weights</c> applied.</summary>
    public static Sequential Net(double dropout1 = 0.2, double dropout2 = 0.5) => FashionMnistClassification.InitNormal(nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 256), nn.ReLU(), nn.Dropout(dropout1),
        nn.Linear(256, 256), nn.ReLU(), nn.Dropout(dropout2),
        nn.Linear(256, 10)));

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var data = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit);
        Train.Ch3(ctx, Net(s.Dropout1, s.Dropout2), data.Train, data.Test, FashionMnistClassification.CrossEntropy(), s.Epochs, Updaters.Sgd(s.Lr));
    }
}
