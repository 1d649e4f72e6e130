using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Chapters.Infrastructure;

/// <summary>
/// What every Fashion-MNIST classifier section shares (3.6, 3.7, 4.2, 4.3, 4.6, 6.6, 7.x): loading the data at the
/// run's batch size, resize and limit, training with the shared loop, printing the book's summary lines and recording
/// the metrics.
/// </summary>
public static class FashionMnistClassification
{
    /// <summary><c>nn.CrossEntropyLoss(reduction='none')</c> as a per-example loss function.</summary>
    public static Func<Tensor, Tensor, Tensor> CrossEntropy()
    {
        var loss = nn.CrossEntropyLoss(reduction: nn.Reduction.None);
        return (yHat, y) => loss.call(yHat, y);
    }

    /// <summary>The book's <c>init_weights</c> (3.7, 4.3, 4.6): every Linear weight drawn from N(0, 0.01); returns <paramref name="net"/>.</summary>
    public static T InitNormal<T>(T net) where T : nn.Module
    {
        using (no_grad())
        {
            foreach (var linear in net.modules().OfType<TorchSharp.Modules.Linear>()) nn.init.normal_(linear.weight, 0, 0.01);
        }
        return net;
    }

    /// <summary>
    /// d2l's <c>load_data_fashion_mnist(batch_size, resize)</c> for this run: seeded shuffling, <c>--limit</c>, and each
    /// batch resized to <paramref name="resize"/> when given (chapter 7 resolves it from <c>--resize</c> and the book's).
    /// </summary>
    public static (ArrayLoader Train, ArrayLoader Test) Load(RunContext ctx, int batchSize, int? resize = null)
    {
        if (resize is { } size) ctx.Hyper("resize", size);
        if (ctx.Limit is { } limit) ctx.Hyper("limit", limit);
        return FashionMnist.Load(ctx.Data).Loaders(batchSize, resize, ctx.Limit, ctx.Options.Seed);
    }

    /// <summary>
    /// d2l's <c>train_ch6</c> (6.6), which chapter 7 reuses: Xavier-uniform weights on every Linear and Conv2d,
    /// SGD with <paramref name="lr"/>, cross-entropy, five animator points per epoch.
    /// </summary>
    public static ClassifierHistory TrainCh6(RunContext ctx, nn.Module<Tensor, Tensor> net, (ArrayLoader Train, ArrayLoader Test) data, double lr, int epochs)
    {
        using (no_grad())
        {
            foreach (var module in net.modules())
            {
                if (module is TorchSharp.Modules.Linear linear) nn.init.xavier_uniform_(linear.weight);
                else if (module is TorchSharp.Modules.Conv2d conv) nn.init.xavier_uniform_(conv.weight);
            }
        }
        return Train(ctx, net, data, CrossEntropy(), Updaters.Sgd(lr), epochs, pointsPerEpoch: 5);
    }

    /// <summary>
    /// d2l's <c>train_ch3</c> (<paramref name="pointsPerEpoch"/> = 1, y limits 0.3–0.9) or <c>train_ch6</c> (5 points per
    /// epoch): trains, writes <c>training.png</c> and TensorBoard events, prints the summary lines and records
    /// train_loss, train_acc, test_acc, examples_per_sec and the process memory after epoch 2 and the last epoch.
    /// </summary>
    public static ClassifierHistory Train(RunContext ctx, nn.Module<Tensor, Tensor> net, (ArrayLoader Train, ArrayLoader Test) data,
        Func<Tensor, Tensor, Tensor> loss, UpdaterFactory updater, int epochs, int pointsPerEpoch = 1, (double, double)? ylim = null)
    {
        var trainer = new ClassifierTrainer
        {
            Epochs = epochs,
            Device = ctx.Device,
            PointsPerEpoch = pointsPerEpoch,
            Animator = new Animator(ctx.Figure("training"), ClassifierTrainer.Legend,
                new AxesStyle { XLabel = "epoch", XLim = (1, epochs), YLim = ylim }),
            TensorBoard = ctx.TensorBoard,
            Progress = ctx.Progress,
            Checkpoint = ctx.Checkpoint(),
            Weights = ctx.Weights(),
            EpochEnded = (epoch, _) =>
            {
                double megabytes = Environment.WorkingSet / 1e6;
                if (epoch == 2) ctx.Metric("memory_mb_epoch_2", megabytes);
                ctx.Metric("memory_mb_last_epoch", megabytes);
            },
        };
        var history = trainer.Fit(net, data.Train, data.Test, loss, updater);
        foreach (string line in history.SummaryLines(Devices.Describe(ctx.Device))) ctx.Out.WriteLine(line);
        ctx.Metric("train_loss", history.Final.TrainLoss);
        ctx.Metric("train_acc", history.Final.TrainAccuracy);
        ctx.Metric("test_acc", history.Final.TestAccuracy);
        ctx.Metric("examples_per_sec", history.ExamplesPerSecond);
        return history;
    }
}
