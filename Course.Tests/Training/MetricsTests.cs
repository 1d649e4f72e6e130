using Course.Core.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Training;

public sealed class MetricsTests
{
    [Test]
    public void AccuracyCountsArgmaxMatches()
    {
        // The book's example: predictions [2, 2] against labels [0, 2].
        using var yHat = tensor(new[] { 0.1f, 0.3f, 0.6f, 0.3f, 0.2f, 0.5f }, [2, 3]);
        using var y = tensor(new long[] { 0, 2 });
        Assert.That(Metrics.Accuracy(yHat, y) / 2, Is.EqualTo(0.5));
    }

    [Test]
    public void EvaluateAccuracyRestoresTrainingMode()
    {
        var net = nn.Sequential(nn.Identity());
        net.train();
        var data = new Course.Core.Data.ArrayLoader(tensor(new[] { 1f, 0f, 0f, 1f, 1f, 0f }, [3, 2]), tensor(new long[] { 0, 1, 1 }), 2, shuffle: false);
        Assert.That(Metrics.EvaluateAccuracy(net, data), Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(net.training);
    }
}
