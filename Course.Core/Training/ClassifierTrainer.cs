using System.Globalization;
using Course.Core.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// The classification training loop: d2l's <c>train_ch3</c> (3.6), which 4.x reuses, and <c>train_ch6</c> (6.6), which
/// 7.x reuses. It works with a <see cref="nn.Module"/> and any updater (a torch optimizer or the from-scratch SGD), on
/// any device. Per epoch it records train loss, train accuracy and test accuracy, feeds the animator and TensorBoard,
/// and can save a checkpoint and resume from one. The batch sums stay on the device and are read once per animator
/// point; a NaN or infinite loss stops training with a clear error.
/// </summary>
public sealed class ClassifierTrainer : Trainer<EpochMetrics>
{
    /// <summary>Points added to the animator per epoch: 1 as in <c>train_ch3</c>, 5 as in <c>train_ch6</c>.</summary>
    public int PointsPerEpoch { get; init; } = 1;

    /// <summary>TensorBoard writer for per-epoch scalars, or null for none.</summary>
    public SummaryWriter? TensorBoard { get; init; }

    /// <summary>The legend of the animator's three curves, as d2l draws them.</summary>
    public static IReadOnlyList<string> Legend { get; } = ["train loss", "train acc", "test acc"];

    /// <summary>
    /// Trains <paramref name="net"/> with per-example <paramref name="loss"/> (reduction none; its mean is
    /// back-propagated) and the updater <paramref name="updater"/> builds, evaluating test accuracy after each epoch.
    /// </summary>
    public ClassifierHistory Fit(nn.Module<Tensor, Tensor> net, ArrayLoader train, ArrayLoader test,
        Func<Tensor, Tensor, Tensor> loss, UpdaterFactory updater)
    {
        var run = Begin(net, updater, train);
        foreach (int epoch in run.EpochsLeft)
        {
            var (trainLoss, trainAccuracy, examples) = TrainEpoch(run, net, train, loss, epoch);
            double testAccuracy;
            using (run.ModelKernels()) testAccuracy = Metrics.EvaluateAccuracy(net, test);
            run.EndEpoch(new EpochMetrics(epoch, trainLoss, trainAccuracy, testAccuracy), examples);
        }
        return new ClassifierHistory(run.History.Select(e => e.Metrics).ToArray(), run.PerSecond);
    }

    /// <summary>d2l's <c>train_epoch_ch3</c>: one pass over <paramref name="train"/>; returns mean loss, accuracy and examples seen.</summary>
    private (double Loss, double Accuracy, double Examples) TrainEpoch(TrainingRun<EpochMetrics> run, nn.Module<Tensor, Tensor> net,
        ArrayLoader train, Func<Tensor, Tensor, Tensor> loss, int epoch)
    {
        net.train();
        using var sums = new DeviceSums(2, Device);
        int batches = train.BatchCount, every = Math.Max(1, batches / Math.Max(1, PointsPerEpoch)), batch = 0;
        double examples = 0;
        double[] Mean()
        {
            double[] s = sums.Read();
            EnsureFinite(s, epoch, batch);
            return [s[0] / examples, s[1] / examples];
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        foreach (var (x, y) in train)
        {
            examples += y.shape[0];
            run.Step([x, y], on =>
            {
                var (X, Y) = (on[0], on[1]);
                run.Verify(("the batch's features", X), ("the batch's labels", Y));
                var yHat = net.call(X);
                var l = loss(yHat, Y);
                run.Updater.Step(l.mean());
                sums.Add(l.sum(), Metrics.Correct(yHat, Y));
            });
            batch++;
            if (PointsPerEpoch > 1 && batch % every == 0 && batch != batches)
            {
                var mean = Mean();
                Animator?.Add(epoch - 1 + (double)batch / batches, mean[0], mean[1], null);
            }
            if (Progress is { IsDue: true })
            {
                Progress.Report(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {epoch}/{Epochs}  batch {batch}/{batches}  loss {Mean()[0]:F3}  {examples / started.Elapsed.TotalSeconds:F0} examples/sec"));
            }
        }
        var final = Mean();
        return (final[0], final[1], examples);
    }

    /// <inheritdoc />
    protected override void Record(int epoch, EpochMetrics m)
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
