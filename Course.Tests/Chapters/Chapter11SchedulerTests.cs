using Course.Chapters.Ch11_OptimizationAlgorithms;
using Course.Core.Events;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>
/// 11.11 Learning rate scheduling: the book's schedulers against their formulas, the rate each training runs at epoch
/// by epoch (the book's two quirks included), the modern LeNet, and a short learning run.
/// </summary>
public sealed class Chapter11SchedulerTests
{
    private const int BookEpochs = 30;

    /// <summary>η_t of the cosine schedule as the book defines it, for t up to max_update (η_T after it).</summary>
    private static double Cosine(int t, int maxUpdate, double baseLr, double finalLr, int warmupSteps) =>
        t < warmupSteps ? 0 + (baseLr - 0) * t / warmupSteps
        : finalLr + (baseLr - finalLr) * (1 + Math.Cos(Math.PI * (Math.Min(t, maxUpdate) - warmupSteps) / (maxUpdate - warmupSteps))) / 2;

    [Test]
    public void SquareRootSchedulerIsLrOverTheRootOfTPlusOne()
    {
        var scheduler = new SquareRootScheduler(lr: 0.1);
        Assert.That(Enumerable.Range(0, BookEpochs).Select(scheduler.Call), Is.EqualTo(Enumerable.Range(0, BookEpochs).Select(t => 0.1 * Math.Pow(t + 1.0, -0.5))));
        Assert.That(scheduler.Call(0), Is.EqualTo(0.1));
        Assert.That(scheduler.Call(3), Is.EqualTo(0.05));
        Assert.That(scheduler.Call(3), Is.EqualTo(0.05), "stateless: the same update gives the same rate");
    }

    [Test]
    public void FactorSchedulerMultipliesEachCallDownToItsFloor()
    {
        var scheduler = new FactorScheduler(factor: 0.9, stopFactorLr: 1e-2, baseLr: 2.0);
        double[] lrs = Enumerable.Range(0, 50).Select(scheduler.Call).ToArray();
        double expected = 2.0;
        for (int t = 0; t < 50; t++)
        {
            expected = Math.Max(1e-2, expected * 0.9);
            Assert.That(lrs[t], Is.EqualTo(expected), $"call {t}");
        }
        Assert.That(lrs[0], Is.EqualTo(1.8));
        Assert.That(lrs[49], Is.EqualTo(2.0 * Math.Pow(0.9, 50)).Within(1e-15), "the book's 50 calls stop just above the floor");
        Assert.That(scheduler.Call(50), Is.EqualTo(1e-2), "2·0.9^51 is below it");
        Assert.That(scheduler.Call(51), Is.EqualTo(1e-2));
    }

    [Test]
    public void CosineSchedulerFollowsTheCosineToItsFinalRate()
    {
        var scheduler = new CosineScheduler(maxUpdate: 20, baseLr: 0.3, finalLr: 0.01);
        double[] lrs = Enumerable.Range(0, BookEpochs).Select(scheduler.Call).ToArray();
        Assert.That(lrs, Is.EqualTo(Enumerable.Range(0, BookEpochs).Select(t => Cosine(t, 20, 0.3, 0.01, 0))));
        Assert.That(lrs[0], Is.EqualTo(0.3));
        Assert.That(lrs[20..], Is.All.EqualTo(0.01));
    }

    [Test]
    public void CosineSchedulerWithWarmupRisesLinearlyFromZeroFirst()
    {
        var scheduler = new CosineScheduler(20, warmupSteps: 5, baseLr: 0.3, finalLr: 0.01);
        double[] lrs = Enumerable.Range(0, BookEpochs).Select(scheduler.Call).ToArray();
        Assert.That(lrs, Is.EqualTo(Enumerable.Range(0, BookEpochs).Select(t => Cosine(t, 20, 0.3, 0.01, 5))));
        Assert.That(lrs[..6], Is.EqualTo(new[] { 0, 0.06, 0.12, 0.18, 0.24, 0.3 }).Within(1e-15));
    }

    [Test]
    public void CosineSchedulerPastMaxUpdateNeedsAnEarlierCall()
    {
        var scheduler = new CosineScheduler(maxUpdate: 20, baseLr: 0.3, finalLr: 0.01);
        Assert.That(() => scheduler.Call(25), Throws.InvalidOperationException, "d2l's raises AttributeError here");
        Assert.That(scheduler.Call(20), Is.EqualTo(0.01));
        Assert.That(scheduler.Call(25), Is.EqualTo(0.01));
    }

    [Test]
    public void MultiStepLrHalvesTheRateAtEachMilestoneAsGetLrPlotsIt()
    {
        using var w = nn.Parameter(zeros(1));
        var trainer = optim.SGD([w], 0.5);
        var scheduler = optim.lr_scheduler.MultiStepLR(trainer, [15, 30], gamma: 0.5);
        double[] plotted = Enumerable.Range(0, BookEpochs).Select(_ => LearningRateSchedulingSection.GetLr(trainer, scheduler)).ToArray();
        Assert.That(plotted, Is.EqualTo(Enumerable.Range(0, BookEpochs).Select(t => 0.5 * Math.Pow(0.5, t >= 15 ? 1 : 0))));
        Assert.That(trainer.ParamGroups.First().LearningRate, Is.EqualTo(0.125), "after the plot the trainer is past both milestones");
    }

    [Test]
    public void ModernLeNetHasTheBooksLayersAndShapes()
    {
        var net = new ModernLeNet();
        Assert.That(net.children().Select(m => m.GetType().Name), Is.EqualTo(new[]
        {
            "Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "ReLU", "Linear", "ReLU", "Linear",
        }));
        Assert.That(net.parameters().Sum(p => p.numel()), Is.EqualTo(156 + 2416 + 48120 + 10164 + 850));
        var shapes = new List<long[]>();
        var x = rand(2, 1, 28, 28);
        foreach (var layer in net.children().Cast<nn.Module<Tensor, Tensor>>())
        {
            x = layer.call(x);
            shapes.Add(x.shape);
        }
        Assert.That(shapes[2], Is.EqualTo(new long[] { 2, 6, 14, 14 }));
        Assert.That(shapes[5], Is.EqualTo(new long[] { 2, 16, 5, 5 }));
        Assert.That(shapes[6], Is.EqualTo(new long[] { 2, 400 }));
        Assert.That(shapes[^1], Is.EqualTo(new long[] { 2, 10 }));
        // PyTorch's default initialisation, not Xavier's: U(±1/√fan_in) weights, 1/√400 = 0.05 for the first dense layer
        // (Xavier's bound there would be √(6/520) = 0.107).
        var dense = net.children().OfType<TorchSharp.Modules.Linear>().First();
        Assert.That(dense.weight.abs().max().item<float>(), Is.LessThanOrEqualTo(0.05f));
    }

    [Test]
    [Category("Slow")]
    public void EachTrainingRunsAtTheBooksRatesEpochByEpochQuirksIncluded()
    {
        using var ctx = TestEnvironment.Context();
        var rates = new Dictionary<string, List<double>>();
        var lines = new List<string>();
        ctx.Events.Listen(e =>
        {
            if (e is EpochEnded { Restored: false } epoch && epoch.Metrics.TryGetValue("lr", out double lr))
                (rates.TryGetValue(epoch.Training, out var list) ? list : rates[epoch.Training] = []).Add(lr);
            if (e is LinePrinted line) lines.Add(line.Text);
        });
        new LearningRateSchedulingSection().Run(ctx, new LearningRateSchedulingSection.Settings(Limit: 256));

        // Epoch 1 trains at the optimizer's rate, epoch e + 1 at scheduler(e - 1): d2l sets the rate after each epoch.
        static double[] AfterEachEpoch(double initial, Func<int, double> scheduler) =>
            [initial, .. Enumerable.Range(0, BookEpochs - 1).Select(scheduler)];
        Assert.That(rates.Keys, Is.EquivalentTo(new[] { "sqrt", "multistep", "cosine", "warmup" }), "the constant training has no scheduler");
        Assert.That(rates["sqrt"], Is.EqualTo(AfterEachEpoch(0.1, t => 0.1 * Math.Pow(t + 1.0, -0.5))));
        Assert.That(rates["multistep"], Is.All.EqualTo(0.125), "the plot stepped the trainer's MultiStepLR past both milestones");
        Assert.That(rates["cosine"], Is.EqualTo(AfterEachEpoch(0.3, t => Cosine(t, 20, 0.3, 0.01, 0))));
        Assert.That(rates["warmup"], Is.EqualTo(AfterEachEpoch(0.3, t => Cosine(t, 20, 0.3, 0.01, 5))));
        Assert.That(rates["warmup"][1], Is.EqualTo(0), "the book's warm-up run spends its second epoch at lr 0");

        Assert.That(lines, Has.One.Contains("MultiStepLR 30 times").And.Contains("lr 0.125"));
        Assert.That(lines, Has.One.Contains("epoch 2 at scheduler(0) = 0.000"));
        Assert.That(lines, Has.One.EqualTo("learning rate is now 0.10"));
        Assert.That(lines.Where(l => l.StartsWith("train loss ", StringComparison.Ordinal)).ToArray(),
            Has.Length.EqualTo(5).And.All.Match(@"^train loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}$"));
    }

    [Test]
    [Category("Slow")]
    public void TheConstantRateLeNetLearnsFashionMnist()
    {
        using var ctx = TestEnvironment.Context();
        // At the book's batch of 256 this LeNet stays near chance (loss 2.30) for its first hundred or so steps; batches
        // of 64 give it 256 steps on 2000 images. Seeds 0-5 gave train loss 0.58-0.86 and test accuracy 0.57-0.75.
        new LearningRateSchedulingSection().Run(ctx, new LearningRateSchedulingSection.Settings(Epochs: 8, BatchSize: 64, Trainings: 1, Limit: 2000));
        Assert.That(ctx.Metrics["constant_train_loss"], Is.LessThan(1.3));
        Assert.That(ctx.Metrics["constant_test_acc"], Is.GreaterThan(0.45));
    }
}
