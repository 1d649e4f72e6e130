using System.Diagnostics;
using Course.Chapters.Ch03_LinearNetworks;
using Course.Chapters.Ch06_ConvolutionalNetworks;
using Course.Core.Data;
using Course.Core.Events;
using Course.Core.Runtime;
using Course.Core.Training;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Tests.Training;

/// <summary>d2l's <c>train_ch3</c> and <c>train_ch6</c> (<see cref="Train.Ch3"/>, <see cref="Train.Ch6"/>): what they record, draw, print and resume.</summary>
public sealed class ClassifierTrainingTests
{
    private static (ArrayLoader Train, ArrayLoader Test) Data(int limit) => FashionMnist.Load(TestEnvironment.Data).Loaders(256, limit: limit, seed: 1);

    private static Func<Tensor, Tensor, Tensor> CrossEntropy()
    {
        var loss = nn.CrossEntropyLoss(reduction: nn.Reduction.None);
        return (yHat, y) => loss.call(yHat, y);
    }

    [Test]
    public void RecordsEveryEpochDrawsTheCurvesAndPrintsTheBooksLines()
    {
        using var ctx = TestEnvironment.Context();
        var events = new List<RunEvent>();
        ctx.Events.Listen(events.Add);
        manual_seed(1);
        var net = SoftmaxRegressionConcise.Net();
        var (train, test) = Data(2048);
        var history = Train.Ch3(ctx, net, train, test, CrossEntropy(), 3, Updaters.Sgd(0.1));
        Assert.That(history.Epochs.Select(e => e.Epoch), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(history.Epochs[2].Metrics["train loss"], Is.LessThan(history.Epochs[0].Metrics["train loss"]));
        Assert.That(history.PerSecond, Is.GreaterThan(0));
        var points = events.OfType<PointAdded>().Where(p => p.Figure == "training").ToArray();
        Assert.That(points.Select(p => p.X), Is.EqualTo(new[] { 1.0, 2.0, 3.0 }));
        Assert.That(points.Select(p => p.Values.Keys), Is.All.EquivalentTo(Train.ClassifierLegend));
        Assert.That(File.Exists(ctx.Output.File("training.png")));
        var lines = events.OfType<LinePrinted>().Select(l => l.Text).ToArray();
        Assert.That(lines[^2], Does.Match(@"^loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}$"));
        Assert.That(lines[^1], Does.Match(@"^\d+\.\d examples/sec on cpu$"));
        Assert.That(ctx.Metrics.Keys, Is.SupersetOf(new[] { "train_loss", "train_acc", "test_acc", "examples_per_sec", "memory_mb_epoch_2" }));
    }

    [Test]
    public void TrainCh6DrawsFivePointsAnEpoch()
    {
        using var ctx = TestEnvironment.Context();
        var points = new List<PointAdded>();
        ctx.Events.Listen(e => { if (e is PointAdded p) points.Add(p); });
        var (train, test) = Data(1280);
        Train.Ch6(ctx, nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), train, test, 1, 0.1);
        Assert.That(points.Select(p => p.X), Is.EqualTo(new[] { 0.2, 0.4, 0.6, 0.8, 1.0 }).Within(1e-9));
        Assert.That(points.Take(4).Select(p => p.Values.ContainsKey("test acc")), Is.All.False, "test accuracy only at the epoch's end");
    }

    [Test]
    public void ResumesFromACheckpoint()
    {
        var options = TestEnvironment.Options() with { CheckpointDir = TestEnvironment.TempFolder() };
        var (train, test) = Data(1024);
        TrainingHistory once, resumed;
        using (var ctx = TestEnvironment.Context(options))
        {
            manual_seed(2);
            once = Train.Ch3(ctx, SoftmaxRegressionConcise.Net(), train, test, CrossEntropy(), 1, Updaters.Sgd(0.1));
        }
        using (var ctx = TestEnvironment.Context(options))
        {
            resumed = Train.Ch3(ctx, SoftmaxRegressionConcise.Net(), train, test, CrossEntropy(), 3, Updaters.Sgd(0.1));
        }
        Assert.That(resumed.Epochs, Has.Count.EqualTo(3));
        Assert.That(resumed.Epochs[0].Metrics, Is.EqualTo(once.Epochs[0].Metrics));
        Assert.That(resumed.Epochs[1].Metrics["train loss"], Is.LessThan(once.Epochs[0].Metrics["train loss"]), "training went on from the saved weights");
    }

    [Test]
    public void NativeMemoryStaysFlatAcrossEpochs()
    {
        // Without per-step dispose scopes every epoch of 60,000 images leaks about 190 MB of batch copies.
        AssertFlat(() => SoftmaxRegressionConcise.Net(), Data(60000), epochs: 6, limitMb: 20);
    }

    [Test]
    [Category("Slow")]
    public void NativeMemoryStaysFlatForAConvolutionalNet()
    {
        // LeNet's activations and gradients are about 10 MB per batch of 256; a leak would add hundreds of MB.
        AssertFlat(() => new LeNet(), Data(5120), epochs: 5, limitMb: 20);
    }

    private static void AssertFlat(Func<nn.Module<Tensor, Tensor>> makeNet, (ArrayLoader Train, ArrayLoader Test) data, int epochs, double limitMb)
    {
        using var ctx = TestEnvironment.Context();
        var rss = new List<long>();
        ctx.Events.Listen(e =>
        {
            if (e is not EpochEnded) return;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            rss.Add(Process.GetCurrentProcess().WorkingSet64);
        });
        manual_seed(3);
        Train.Ch3(ctx, makeNet(), data.Train, data.Test, CrossEntropy(), epochs, Updaters.Sgd(0.1));
        double growthMb = (rss[^1] - rss[1]) / 1e6;
        TestContext.Out.WriteLine($"RSS after each epoch (MB): {string.Join(", ", rss.Select(r => r / 1_000_000))}");
        Assert.That(growthMb, Is.LessThan(limitMb), $"memory grew {growthMb:F1} MB between epoch 2 and {epochs}");
    }
}
