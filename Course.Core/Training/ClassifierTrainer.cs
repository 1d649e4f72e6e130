using TorchSharp;
using System.Globalization;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// The classification training loop: d2l's <c>train_ch3</c> (3.6), which 4.x reuses, and <c>train_ch6</c> (6.6), which
/// 7.x reuses. It works with a <see cref="nn.Module"/> and any <see cref="IUpdater"/> (a torch optimizer or the
/// from-scratch SGD), on any device. Every step runs in its own dispose scope. Per epoch it records train loss,
/// train accuracy and test accuracy, feeds the <see cref="Animator"/> and TensorBoard, and can save a checkpoint and
/// resume from one. A NaN or infinite loss stops training with a clear error.
/// </summary>
public sealed class ClassifierTrainer
{
    /// <summary>Number of epochs to train for (counting epochs restored from a checkpoint).</summary>
    public required int Epochs { get; init; }

    /// <summary>Where the model and batches live.</summary>
    public Device Device { get; init; } = CPU;

    /// <summary>Live curves of train loss, train accuracy and test accuracy, or null for none.</summary>
    public Animator? Animator { get; init; }

    /// <summary>Points added to the animator per epoch: 1 as in <c>train_ch3</c>, 5 as in <c>train_ch6</c>.</summary>
    public int PointsPerEpoch { get; init; } = 1;

    /// <summary>TensorBoard writer for per-epoch scalars, or null for none.</summary>
    public SummaryWriter? TensorBoard { get; init; }

    /// <summary>Live progress and per-epoch lines, or null to stay silent.</summary>
    public ProgressLine? Progress { get; init; }

    /// <summary>Saves a checkpoint here after every epoch and resumes from it when one is there, or null for none.</summary>
    public Checkpoint? Checkpoint { get; init; }

    /// <summary>Called after each epoch (e.g. to watch memory).</summary>
    public Action<EpochMetrics>? EpochEnded { get; init; }

    /// <summary>The legend of the animator's three curves, as d2l draws them.</summary>
    public static IReadOnlyList<string> Legend { get; } = ["train loss", "train acc", "test acc"];

    /// <summary>
    /// Trains <paramref name="net"/> with per-example <paramref name="loss"/> (reduction none) and
    /// <paramref name="updater"/>, evaluating test accuracy after each epoch.
    /// </summary>
    public ClassifierHistory Fit(nn.Module<Tensor, Tensor> net, ArrayLoader train, ArrayLoader test,
        Func<Tensor, Tensor, Tensor> loss, IUpdater updater)
    {
        net.to(Device);
        var epochs = new List<EpochMetrics>();
        if (Checkpoint is { Exists: true })
        {
            epochs.AddRange(Checkpoint.Restore(net, updater));
            Progress?.Line($"resumed from {Checkpoint.Folder} after epoch {epochs.Count}");
            foreach (var done in epochs) Animator?.Add(done.Epoch, done.TrainLoss, done.TrainAccuracy, done.TestAccuracy);
        }

        var timer = new Timer();
        long examples = 0;
        for (int epoch = epochs.Count + 1; epoch <= Epochs; epoch++)
        {
            var (trainLoss, trainAccuracy, seen) = TrainEpoch(net, train, loss, updater, epoch, timer);
            examples += seen;
            double testAccuracy = Metrics.EvaluateAccuracy(net, test);
            // The epoch's tensor wrappers are garbage whose native memory the dispose scopes already freed; collecting
            // them here keeps the managed heap from growing its budget over the first epochs (scripts/benchmark.sh).
            GC.Collect(0);
            var metrics = new EpochMetrics(epoch, trainLoss, trainAccuracy, testAccuracy);
            epochs.Add(metrics);
            Record(metrics);
            Checkpoint?.Save(net, updater, epochs);
            EpochEnded?.Invoke(metrics);
        }
        if (epochs.Count == 0) throw new CourseException($"Nothing to train: the checkpoint already holds {Epochs} epoch(s); raise --epochs or delete the checkpoint.");
        return new ClassifierHistory(epochs, timer.Sum > 0 ? examples / timer.Sum : 0);
    }

    /// <summary>d2l's <c>train_epoch_ch3</c>: one pass over <paramref name="train"/>; returns mean loss, accuracy and examples seen.</summary>
    private (double Loss, double Accuracy, long Examples) TrainEpoch(nn.Module<Tensor, Tensor> net, ArrayLoader train,
        Func<Tensor, Tensor, Tensor> loss, IUpdater updater, int epoch, Timer timer)
    {
        net.train();
        var metric = new Accumulator(3);
        int batches = train.BatchCount, every = Math.Max(1, batches / Math.Max(1, PointsPerEpoch)), batch = 0;
        double seconds = 0;
        foreach (var (x, y) in train)
        {
            timer.Start();
            using (var step = NewDisposeScope())
            {
                step.Attach(x);
                step.Attach(y);
                var yHat = net.call(x);
                var l = loss(yHat, y);
                updater.Step(l);
                double lossSum = l.detach().sum().item<float>();
                if (!double.IsFinite(lossSum))
                    throw new CourseException($"Training diverged: the loss became {lossSum} in epoch {epoch}, batch {batch + 1}; try a smaller learning rate (--lr).");
                metric.Add(lossSum, Metrics.Accuracy(yHat, y), y.numel());
            }
            seconds += timer.Stop();
            batch++;
            if (Progress is { IsDue: true })
                Progress.Report(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {epoch}/{Epochs}  batch {batch}/{batches}  loss {metric[0] / metric[2]:F3}  {metric[2] / seconds:F0} examples/sec"));
            if (PointsPerEpoch > 1 && batch % every == 0 && batch != batches)
                Animator?.Add(epoch - 1 + (double)batch / batches, metric[0] / metric[2], metric[1] / metric[2], null);
        }
        return (metric[0] / metric[2], metric[1] / metric[2], (long)metric[2]);
    }

    private void Record(EpochMetrics m)
    {
        Animator?.Add(m.Epoch, m.TrainLoss, m.TrainAccuracy, m.TestAccuracy);
        if (TensorBoard is { } board)
        {
            board.add_scalar("loss/train", (float)m.TrainLoss, m.Epoch);
            board.add_scalar("accuracy/train", (float)m.TrainAccuracy, m.Epoch);
            board.add_scalar("accuracy/test", (float)m.TestAccuracy, m.Epoch);
        }
        Progress?.Line(string.Create(CultureInfo.InvariantCulture,
            $"epoch {m.Epoch}: loss {m.TrainLoss:F3}, train acc {m.TrainAccuracy:F3}, test acc {m.TestAccuracy:F3}"));
    }
}
