using System.Diagnostics;
using System.Globalization;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Core.Training;

public static partial class Train
{
    /// <summary>The names of a classifier's epoch metrics, and the legend of its animator, as d2l draws them.</summary>
    public static IReadOnlyList<string> ClassifierLegend { get; } = ["train loss", "train acc", "test acc"];

    /// <summary>
    /// d2l's <c>train_ch3(net, train_iter, test_iter, loss, num_epochs, updater)</c> (3.6), which 4.x reuses:
    /// <paramref name="loss"/> is per example (its mean is back-propagated); one animator point per epoch, y from 0.3 to 0.9.
    /// </summary>
    public static TrainingHistory Ch3(RunContext ctx, nn.Module<Tensor, Tensor> net, ArrayLoader trainIter, ArrayLoader testIter,
        Func<Tensor, Tensor, Tensor> loss, int numEpochs, UpdaterFactory updater) =>
        Classifier(ctx, net, trainIter, testIter, loss, numEpochs, updater, new ClassifierCurves(
            new AxesStyle { XLabel = "epoch", XLim = (1, numEpochs), YLim = (0.3, 0.9) }, (_, _) => null, TrainAtEpochEnd: true));

    /// <summary>
    /// d2l's <c>train_ch6(net, train_iter, test_iter, num_epochs, lr, device)</c> (6.6), which chapter 7 reuses: Xavier
    /// weights, SGD, cross-entropy, five animator points per epoch.
    /// </summary>
    public static TrainingHistory Ch6(RunContext ctx, nn.Module<Tensor, Tensor> net, ArrayLoader trainIter, ArrayLoader testIter,
        int numEpochs, double lr)
    {
        XavierInit(net);
        var crossEntropy = nn.CrossEntropyLoss(reduction: nn.Reduction.None);
        return Classifier(ctx, net, trainIter, testIter, (yHat, y) => crossEntropy.call(yHat, y), numEpochs, Updaters.Sgd(lr), new ClassifierCurves(
            new AxesStyle { XLabel = "epoch", XLim = (1, numEpochs) }, (i, n) => i % Math.Max(1, n / 5) == 0 && i != n ? (double)i / n : null, TrainAtEpochEnd: true));
    }

    /// <summary>
    /// d2l's <c>train(net, train_iter, test_iter, num_epochs, loss, trainer, device, scheduler=None)</c> (11.11):
    /// <c>train_ch6</c> without the Xavier initialisation or the timer, with the <paramref name="trainer"/> given and a
    /// <paramref name="scheduler"/> stepped after each epoch (<see cref="EpochScheduler"/>; each epoch's rate is recorded
    /// as its metric <c>lr</c>). It draws the running train loss and accuracy every 50 batches at
    /// <c>epoch + i / len(train_iter)</c> (i from 0) and the test accuracy at each epoch's end, prints
    /// <c>train loss …, train acc …, test acc …</c>, and records them as <c>&lt;name&gt;_train_loss</c>,
    /// <c>&lt;name&gt;_train_acc</c>, <c>&lt;name&gt;_test_acc</c>; <paramref name="name"/> tells apart the trainings of one section.
    /// </summary>
    public static TrainingHistory Scheduled(RunContext ctx, nn.Module<Tensor, Tensor> net, ArrayLoader trainIter, ArrayLoader testIter,
        int numEpochs, Func<Tensor, Tensor, Tensor> loss, UpdaterFactory trainer, EpochScheduler? scheduler, string name) =>
        Classifier(ctx, net, trainIter, testIter, loss, numEpochs, trainer, new ClassifierCurves(
            new AxesStyle { XLabel = "epoch", XLim = (0, numEpochs) }, (i, n) => i % 50 == 0 ? (i - 1.0) / n : null, TrainAtEpochEnd: false, name),
            scheduler);

    /// <summary>
    /// What d2l's classifier loops draw and where they differ: the axes; the x of a point of the running train loss and
    /// accuracy after batch i of n (from 1), or null for none; whether the epoch's end adds the train metrics to the
    /// test accuracy; and the training's name (null for a section's only training: figure <c>training</c>, d2l's
    /// closing lines, unprefixed metrics).
    /// </summary>
    private sealed record ClassifierCurves(AxesStyle Axes, Func<int, int, double?> PointAfterBatch, bool TrainAtEpochEnd, string? Name = null);

    /// <summary>
    /// The loop of all three: per epoch, train loss and accuracy summed on the device (d2l's <c>Accumulator</c>) and test
    /// accuracy; then d2l's closing lines, and the metrics <c>train_loss</c>, <c>train_acc</c>, <c>test_acc</c>,
    /// <c>examples_per_sec</c> (prefixed with a named training's name) and the process memory after epoch 2 and the last.
    /// </summary>
    private static TrainingHistory Classifier(RunContext ctx, nn.Module<Tensor, Tensor> net, ArrayLoader trainIter, ArrayLoader testIter,
        Func<Tensor, Tensor, Tensor> loss, int numEpochs, UpdaterFactory updater, ClassifierCurves curves, EpochScheduler? scheduler = null)
    {
        var animator = ctx.Animator(curves.Name is { } named ? $"training-{named}" : "training", ClassifierLegend, curves.Axes);
        var run = TrainingRun.Begin(ctx, net, updater, numEpochs, trainIter, curves.Name ?? "model", scheduler);
        void Show(EpochRecord e)
        {
            var (trainL, trainAcc, testAcc) = (e.Metrics["train loss"], e.Metrics["train acc"], e.Metrics["test acc"]);
            if (curves.TrainAtEpochEnd) animator.Add(e.Epoch, trainL, trainAcc, testAcc);
            else animator.Add(e.Epoch, null, null, testAcc);
            string lr = e.Metrics.TryGetValue("lr", out double rate) ? string.Create(CultureInfo.InvariantCulture, $"lr {rate:F3}, ") : "";
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {e.Epoch}: {lr}loss {trainL:F3}, train acc {trainAcc:F3}, test acc {testAcc:F3}"));
            double megabytes = Environment.WorkingSet / 1e6;
            if (e.Epoch == 2) ctx.Metric("memory_mb_epoch_2", megabytes);
            ctx.Metric("memory_mb_last_epoch", megabytes);
        }
        foreach (var restored in run.History.Epochs) Show(restored);

        int numBatches = trainIter.BatchCount;
        foreach (int epoch in run.EpochsLeft)
        {
            net.train();
            using var metric = new DeviceSums(2, run.Device); // sum of training loss, number of correct predictions
            double examples = 0;
            int i = 0;
            var timer = Stopwatch.StartNew();
            double[] Mean()
            {
                double[] sums = metric.Read();
                run.EnsureFinite(sums, epoch, i);
                return [sums[0] / examples, sums[1] / examples];
            }
            foreach (var (x, y) in trainIter)
            {
                examples += y.shape[0];
                using (var step = run.Step(x, y))
                {
                    var yHat = net.call(step.X);
                    var l = loss(yHat, step.Y);
                    run.Updater.Step(l.mean());
                    metric.Add(l.sum(), Metrics.Correct(yHat, step.Y));
                }
                i++;
                if (curves.PointAfterBatch(i, numBatches) is { } at)
                {
                    var mean = Mean();
                    animator.Add(epoch - 1 + at, mean[0], mean[1], null);
                }
                run.Progress(epoch, i, numBatches, examples, timer.Elapsed.TotalSeconds);
            }
            var train = Mean();
            double testAcc;
            using (run.ModelKernels()) testAcc = Metrics.EvaluateAccuracy(net, testIter);
            Show(run.EndEpoch(new Dictionary<string, double> { ["train loss"] = train[0], ["train acc"] = train[1], ["test acc"] = testAcc }, examples));
        }

        var history = run.History;
        var final = history.Final;
        if (curves.Name is null)
        {
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"loss {final["train loss"]:F3}, train acc {final["train acc"]:F3}, test acc {final["test acc"]:F3}"));
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{history.PerSecond:F1} examples/sec on {Devices.Describe(run.Device)}"));
        }
        else
        {
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train loss {final["train loss"]:F3}, train acc {final["train acc"]:F3}, test acc {final["test acc"]:F3}"));
        }
        string prefix = curves.Name is { } training ? training + "_" : "";
        ctx.Metric(prefix + "train_loss", final["train loss"]);
        ctx.Metric(prefix + "train_acc", final["train acc"]);
        ctx.Metric(prefix + "test_acc", final["test acc"]);
        ctx.Metric(prefix + "examples_per_sec", history.PerSecond);
        return history;
    }
}
