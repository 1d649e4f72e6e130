using System.Diagnostics;
using System.Globalization;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// What a chapter-11 training returns, d2l's <c>(timer.cumsum(), animator.Y[0])</c>: the loss at each evaluation
/// point and the training seconds up to it.
/// </summary>
public sealed record LossOverTime(IReadOnlyList<double> Seconds, IReadOnlyList<double> Losses);

public static partial class Train
{
    /// <summary>d2l evaluates the loss each time this many more examples have been trained on (11.5).</summary>
    public const int Ch11EvaluateEvery = 200;

    /// <summary>
    /// d2l's <c>train_ch11(trainer_fn, states, hyperparams, data_iter, feature_dim, num_epochs=2)</c> (11.5): linear
    /// regression (<c>linreg</c>, w ~ N(0, 0.01), b = 0) on the mean of <c>squared_loss</c>, updated by the from-scratch
    /// <paramref name="trainerFn"/> with its <paramref name="states"/> and <paramref name="hyperparams"/>.
    /// </summary>
    public static LossOverTime Ch11(RunContext ctx, ScratchOptimizer trainerFn, IReadOnlyList<Tensor[]> states,
        IReadOnlyDictionary<string, double> hyperparams, ArrayLoader dataIter, int featureDim, int numEpochs = 2, string name = "model")
    {
        var net = new LinearRegressionModel(featureDim);
        return Ch11Loop(ctx, net, model => new ScratchUpdater(model.parameters(), trainerFn, states, hyperparams),
            LinearRegressionModel.SquaredLoss, evaluationScale: 1, dataIter, numEpochs, name);
    }

    /// <summary>
    /// d2l's <c>train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs=4)</c> (11.5): <c>nn.Linear(5, 1)</c>
    /// with weights drawn from N(0, 0.01) (the bias keeps its default initialisation), the optimizer that
    /// <paramref name="trainerFn"/> builds over its parameters, and the mean of <c>nn.MSELoss</c>. MSE has no ½, so the
    /// loss is halved where it is shown to compare with <see cref="Ch11"/>'s; its gradients are twice as large.
    /// </summary>
    public static LossOverTime ConciseCh11(RunContext ctx, Func<IEnumerable<Parameter>, OptimizerHelper> trainerFn, ArrayLoader dataIter,
        int numEpochs = 4, string name = "model")
    {
        var linear = nn.Linear(Airfoil.FeatureDim, 1);
        var net = nn.Sequential(linear);
        using (no_grad()) nn.init.normal_(linear.weight!, std: 0.01);
        var mse = nn.MSELoss(reduction: nn.Reduction.None);
        return Ch11Loop(ctx, net, model => new OptimizerUpdater(trainerFn(model.parameters())),
            (yHat, y) => mse.call(yHat, y.reshape(yHat.shape)), evaluationScale: 0.5, dataIter, numEpochs, name);
    }

    /// <summary>
    /// The loop of both: a step per minibatch on the mean loss; every <see cref="Ch11EvaluateEvery"/> examples the
    /// timer stops, the loss over the whole data set (times <paramref name="evaluationScale"/>) is drawn at the epochs
    /// trained so far, and the timer goes on. Prints the training's name (unless it is the only one), then d2l's
    /// <c>loss: 0.243, 0.013 sec/epoch</c>, where the seconds are, as in d2l, the mean time between evaluation points;
    /// records the last loss as the metric <c>loss</c> (or <c>&lt;name&gt;_loss</c>).
    /// </summary>
    private static LossOverTime Ch11Loop(RunContext ctx, nn.Module<Tensor, Tensor> net, UpdaterFactory updater,
        Func<Tensor, Tensor, Tensor> loss, double evaluationScale, ArrayLoader dataIter, int numEpochs, string name)
    {
        if (name != "model") ctx.Out.WriteLine($"{name}:");
        var animator = ctx.Animator(name, ["loss"], new AxesStyle { XLabel = "epoch", YLabel = "loss", XLim = (0, numEpochs), YLim = (0.22, 0.35) });
        var run = TrainingRun.Begin(ctx, net, updater, numEpochs, dataIter, name);
        var everything = dataIter.InOrder();
        double EvaluateLoss()
        {
            using (run.ModelKernels()) return Metrics.EvaluateLoss(net, everything, loss) * evaluationScale;
        }
        List<double> seconds = [], losses = [], intervals = [];
        void Show(double epochs, double value, double elapsed)
        {
            animator.Add(epochs, value);
            losses.Add(value);
            seconds.Add((seconds.Count > 0 ? seconds[^1] : 0) + elapsed);
        }
        // A resumed run shows each restored epoch's closing loss; its steps' times are all the checkpoint kept.
        foreach (var restored in run.History.Epochs) Show(restored.Epoch, restored.Metrics["loss"], restored.Seconds);

        long n = (long)run.History.Epochs.Count * dataIter.Count;
        var timer = new Stopwatch();
        foreach (int epoch in run.EpochsLeft)
        {
            int i = 0;
            double? lossNow = null;
            var sinceEpoch = Stopwatch.StartNew();
            timer.Start();
            foreach (var (x, y) in dataIter)
            {
                long batch = y.shape[0];
                using (var step = run.Step(x, y))
                    run.Updater.Step(loss(net.call(step.X), step.Y).mean());
                n += batch;
                i++;
                lossNow = null;
                if (n % Ch11EvaluateEvery == 0)
                {
                    timer.Stop();
                    intervals.Add(timer.Elapsed.TotalSeconds);
                    lossNow = EvaluateLoss();
                    run.EnsureFinite([lossNow.Value], epoch, i);
                    Show((double)n / dataIter.Count, lossNow.Value, timer.Elapsed.TotalSeconds);
                    timer.Restart();
                }
                run.Progress(epoch, i, dataIter.BatchCount, (double)i * dataIter.BatchSize, sinceEpoch.Elapsed.TotalSeconds);
            }
            timer.Stop();
            run.EndEpoch(new Dictionary<string, double> { ["loss"] = lossNow ?? EvaluateLoss() }, dataIter.Count);
        }

        double last = losses.Count > 0 ? losses[^1] : run.History.Final["loss"];
        // Without an evaluation point (fewer than 200 examples seen, or a run restored whole) the steps' time per epoch.
        double secondsPerEpoch = intervals.Count > 0 ? intervals.Average() : run.History.Epochs.Average(e => e.Seconds);
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loss: {last:F3}, {secondsPerEpoch:F3} sec/epoch"));
        ctx.Metric(name == "model" ? "loss" : $"{name}_loss", last);
        return new LossOverTime(seconds, losses);
    }
}
