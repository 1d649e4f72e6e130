using Course.Core.Data;
using Course.Core.Events;
using Course.Core.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Training;

/// <summary>
/// d2l's 11.11 <c>train</c> (<see cref="Train.Scheduled"/>) and its <see cref="EpochScheduler"/>: the rate of each epoch,
/// what it draws, the model's own initialisation, and a resume that steps a stateful scheduler as a straight run does.
/// </summary>
[NonParallelizable]
public sealed class ScheduledTrainingTests
{
    private static (ArrayLoader Train, ArrayLoader Test) Data(int limit, int batchSize = 256) =>
        FashionMnist.Load(TestEnvironment.Data).Loaders(batchSize, limit: limit, seed: 1);

    private static Func<Tensor, Tensor, Tensor> CrossEntropy()
    {
        var loss = nn.CrossEntropyLoss(reduction: nn.Reduction.None);
        return (yHat, y) => loss.call(yHat, y);
    }

    private static nn.Module<Tensor, Tensor> Net()
    {
        manual_seed(3);
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 10));
    }

    private static double[] Rates(TrainingHistory history) => history.Epochs.Select(e => e.Metrics["lr"]).ToArray();

    [Test]
    public void DrawsEvery50BatchesAndTheTestAccuracyAtEachEpochsEnd()
    {
        using var ctx = TestEnvironment.Context();
        var points = new List<PointAdded>();
        ctx.Events.Listen(e => { if (e is PointAdded p) points.Add(p); });
        var (train, test) = Data(1000, batchSize: 10);
        Train.Scheduled(ctx, Net(), train, test, 2, CrossEntropy(), Updaters.Sgd(0.1), null, "plain");
        // d2l: if (i + 1) % 50 == 0, a point at epoch + i / len(train_iter), i from 0; then the test accuracy at epoch + 1.
        Assert.That(points.Select(p => p.X), Is.EqualTo(new[] { 0.49, 0.99, 1.0, 1.49, 1.99, 2.0 }).Within(1e-9));
        Assert.That(points.Select(p => p.Values.Keys.Order().ToArray()), Is.EqualTo(new[]
        {
            new[] { "train acc", "train loss" }, ["train acc", "train loss"], ["test acc"],
            ["train acc", "train loss"], ["train acc", "train loss"], ["test acc"],
        }));
        Assert.That(points.Select(p => p.Figure), Is.All.EqualTo("training-plain"));
        Assert.That(ctx.Metrics.Keys, Is.SupersetOf(new[] { "plain_train_loss", "plain_train_acc", "plain_test_acc" }));
    }

    [Test]
    public void KeepsTheModelsOwnInitialisation()
    {
        using var ctx = TestEnvironment.Context();
        var net = Net();
        var before = net.parameters().Select(p => p.detach().clone()).ToArray();
        var (train, test) = Data(512);
        Train.Scheduled(ctx, net, train, test, 1, CrossEntropy(), Updaters.Sgd(0), null, "frozen");
        Assert.That(net.parameters().Zip(before).All(pair => pair.First.eq(pair.Second).all().item<bool>()), "no Xavier initialisation, and lr 0 changes nothing");
    }

    [Test]
    public void EpochOneRunsAtTheOptimizersRateAndEpochEPlusOneAtSchedulerOfE()
    {
        using var ctx = TestEnvironment.Context();
        var (train, test) = Data(512);
        var custom = Train.Scheduled(ctx, Net(), train, test, 4, CrossEntropy(), Updaters.Sgd(0.5), EpochScheduler.Custom(epoch => 1.0 / (epoch + 10)), "custom");
        Assert.That(Rates(custom), Is.EqualTo(new[] { 0.5, 1.0 / 10, 1.0 / 11, 1.0 / 12 }));
        var builtIn = Train.Scheduled(ctx, Net(), train, test, 4, CrossEntropy(), Updaters.Sgd(0.5),
            EpochScheduler.BuiltIn(trainer => optim.lr_scheduler.MultiStepLR(trainer, [1, 3], gamma: 0.1)), "builtin");
        Assert.That(Rates(builtIn), Is.EqualTo(new[] { 0.5, 0.5 * 0.1, 0.5 * 0.1, 0.5 * 0.1 * 0.1 }));
    }

    [Test]
    public void ASchedulerNeedsATorchOptimizer()
    {
        using var ctx = TestEnvironment.Context();
        var (train, test) = Data(256);
        Assert.That(() => Train.Scheduled(ctx, Net(), train, test, 1, CrossEntropy(), Updaters.ScratchSgd(0.1), EpochScheduler.Custom(_ => 0.1), "scratch"),
            Throws.ArgumentException.With.Message.Contains("needs a torch optimizer"));
    }

    /// <summary>
    /// Stopped after epoch 2 and resumed, a stateful scheduler is where a straight run left it: a MultiStepLR whose next
    /// milestone a fresh one would reach a step late, and a custom scheduler that, like d2l's FactorScheduler, counts its
    /// calls. (Both fail without the replay of the restored epochs' steps.)
    /// </summary>
    [TestCase("builtin")]
    [TestCase("factor")]
    public void AResumedRunTrainsEachEpochAtTheStraightRunsRate(string kind)
    {
        EpochScheduler Scheduler()
        {
            double lr = 0.5;
            return kind == "builtin"
                ? EpochScheduler.BuiltIn(trainer => optim.lr_scheduler.MultiStepLR(trainer, [2, 3], gamma: 0.1))
                : EpochScheduler.Custom(_ => lr *= 0.5);
        }
        TrainingHistory Run(int epochs, string? checkpoint)
        {
            var (train, test) = Data(512); // a fresh loader: a resumed run replays its shuffles from the seed
            using var ctx = TestEnvironment.Context(TestEnvironment.Options() with { CheckpointDir = checkpoint });
            return Train.Scheduled(ctx, Net(), train, test, epochs, CrossEntropy(), Updaters.Sgd(0.5), Scheduler(), kind);
        }
        var straight = Run(4, null);
        string folder = TestEnvironment.TempFolder();
        Run(2, folder);
        var resumed = Run(4, folder);
        Assert.That(Rates(straight), Is.EqualTo(kind == "builtin" ? new[] { 0.5, 0.5, 0.05, 0.005 } : [0.5, 0.25, 0.125, 0.0625]).Within(1e-15));
        Assert.That(Rates(resumed), Is.EqualTo(Rates(straight)));
        Assert.That(resumed.Epochs.Select(e => e.Metrics), Is.EqualTo(straight.Epochs.Select(e => e.Metrics)), "number for number");
    }
}
