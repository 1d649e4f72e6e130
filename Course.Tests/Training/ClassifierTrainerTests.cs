using System.Diagnostics;
using Course.Chapters.Ch03_LinearNetworks;
using Course.Chapters.Ch06_ConvolutionalNetworks;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Training;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Tests.Training;

public sealed class ClassifierTrainerTests
{
    private static (ArrayLoader Train, ArrayLoader Test) Data(int limit) => FashionMnist.Load(TestEnvironment.Data).Loaders(256, limit: limit, seed: 1);

    private static Func<Tensor, Tensor, Tensor> CrossEntropy()
    {
        var loss = nn.CrossEntropyLoss(reduction: nn.Reduction.None);
        return (yHat, y) => loss.call(yHat, y);
    }

    [Test]
    public void RecordsEveryEpochAndDrawsTheCurves()
    {
        manual_seed(1);
        var net = SoftmaxRegressionConcise.Net();
        var (train, test) = Data(2048);
        string figure = Path.Combine(TestEnvironment.TempFolder(), "training.png");
        var animator = new Animator(figure, ClassifierTrainer.Legend);
        var history = new ClassifierTrainer { Epochs = 3, Animator = animator }
            .Fit(net, train, test, CrossEntropy(), Updaters.Sgd(0.1));
        Assert.That(history.Epochs.Select(e => e.Epoch), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(history.Epochs[2].TrainLoss, Is.LessThan(history.Epochs[0].TrainLoss));
        Assert.That(history.ExamplesPerSecond, Is.GreaterThan(0));
        Assert.That(animator.Series, Has.Count.EqualTo(3));
        Assert.That(animator.Series[2].Y, Has.Count.EqualTo(3));
        Assert.That(File.Exists(figure));
        Assert.That(history.SummaryLines("cpu").First(), Does.Match(@"^loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}$"));
    }

    [Test]
    public void ResumesFromACheckpoint()
    {
        string folder = TestEnvironment.TempFolder();
        var (train, test) = Data(1024);
        manual_seed(2);
        var first = SoftmaxRegressionConcise.Net();
        var once = new ClassifierTrainer { Epochs = 1, Checkpoint = new Checkpoint(folder) }
            .Fit(first, train, test, CrossEntropy(), Updaters.Sgd(0.1));

        var second = SoftmaxRegressionConcise.Net();
        var resumed = new ClassifierTrainer { Epochs = 3, Checkpoint = new Checkpoint(folder) }
            .Fit(second, train, test, CrossEntropy(), Updaters.Sgd(0.1));
        Assert.That(resumed.Epochs, Has.Count.EqualTo(3));
        Assert.That(resumed.Epochs[0], Is.EqualTo(once.Epochs[0]));
        Assert.That(resumed.Epochs[1].TrainLoss, Is.LessThan(once.Epochs[0].TrainLoss), "training went on from the saved weights");
    }

    [Test]
    public void NativeMemoryStaysFlatAcrossEpochs()
    {
        // Without per-step dispose scopes every epoch of 60,000 images leaks about 190 MB of batch copies.
        manual_seed(3);
        AssertFlat(SoftmaxRegressionConcise.Net(), Data(60000), epochs: 6, limitMb: 20);
    }

    [Test]
    [Category("Slow")]
    public void NativeMemoryStaysFlatForAConvolutionalNet()
    {
        // LeNet's activations and gradients are about 10 MB per batch of 256; a leak would add hundreds of MB.
        manual_seed(3);
        AssertFlat(new LeNet(), Data(5120), epochs: 5, limitMb: 20);
    }

    private static void AssertFlat(nn.Module<Tensor, Tensor> net, (ArrayLoader Train, ArrayLoader Test) data, int epochs, double limitMb)
    {
        var rss = new List<long>();
        new ClassifierTrainer
        {
            Epochs = epochs,
            EpochEnded = (_, _) =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                rss.Add(Process.GetCurrentProcess().WorkingSet64);
            },
        }.Fit(net, data.Train, data.Test, CrossEntropy(), Updaters.Sgd(0.1));
        double growthMb = (rss[^1] - rss[1]) / 1e6;
        TestContext.Out.WriteLine($"RSS after each epoch (MB): {string.Join(", ", rss.Select(r => r / 1_000_000))}");
        Assert.That(growthMb, Is.LessThan(limitMb), $"memory grew {growthMb:F1} MB between epoch 2 and {epochs}");
    }
}
