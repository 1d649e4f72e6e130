using System.Globalization;

namespace Course.Core.Training;

/// <summary>The metrics of one epoch of classifier training.</summary>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TrainAccuracy, double TestAccuracy);

/// <summary>What <see cref="ClassifierTrainer"/> measured: one row per epoch and the training speed.</summary>
public sealed record ClassifierHistory(IReadOnlyList<EpochMetrics> Epochs, double ExamplesPerSecond)
{
    /// <summary>The last epoch's metrics.</summary>
    public EpochMetrics Final => Epochs[^1];

    /// <summary>d2l's closing lines: <c>loss 0.469, train acc 0.823, test acc 0.779</c> and <c>55296.6 examples/sec on cpu</c>.</summary>
    public IEnumerable<string> SummaryLines(string device)
    {
        yield return string.Create(CultureInfo.InvariantCulture,
            $"loss {Final.TrainLoss:F3}, train acc {Final.TrainAccuracy:F3}, test acc {Final.TestAccuracy:F3}");
        yield return string.Create(CultureInfo.InvariantCulture, $"{ExamplesPerSecond:F1} examples/sec on {device}");
    }
}
