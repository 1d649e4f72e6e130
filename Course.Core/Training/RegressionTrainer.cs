using Course.Core.Data;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// The regression training loop of 3.2, 3.3, 4.4, 4.5, 4.10 and 8.1, and of the full-batch loops of 6.2 and 10.2:
/// minibatch steps on the mean (or sum) of a per-example loss, then a metric over whole data sets after each epoch (by
/// default d2l's <c>evaluate_loss</c>, 4.4, with the training loss), or, given no data sets to evaluate, the loss the
/// epoch's steps back-propagated. A NaN or infinite metric stops training with a clear error.
/// </summary>
public sealed class RegressionTrainer : Trainer<double[]>
{
    /// <summary>The per-epoch metric of a data set; null for the mean training loss (<see cref="Metrics.EvaluateLoss"/>).</summary>
    public Func<nn.Module<Tensor, Tensor>, ArrayLoader, double>? Evaluate { get; init; }

    /// <summary>Back-propagate each batch's summed loss instead of its mean, as d2l's 6.2 and 10.2 do.</summary>
    public bool SumLoss { get; init; }

    /// <summary>Add a point to the animator after the first epoch and every this many epochs (d2l's 4.4 uses 20).</summary>
    public int PointsEvery { get; init; } = 1;

    /// <summary>
    /// Trains <paramref name="net"/> on <paramref name="train"/> with the per-example <paramref name="loss"/> and the
    /// updater <paramref name="updater"/> builds, and returns, per epoch, the metric of each of
    /// <paramref name="evaluateOn"/> (e.g. the training set, or training and test sets), or with none given, the mean
    /// over the epoch's steps of the loss each back-propagated (for a full batch, d2l's loss before the step).
    /// </summary>
    public IReadOnlyList<double[]> Fit(nn.Module<Tensor, Tensor> net, ArrayLoader train, Func<Tensor, Tensor, Tensor> loss,
        UpdaterFactory updater, params ArrayLoader[] evaluateOn)
    {
        var evaluate = Evaluate ?? ((model, data) => Metrics.EvaluateLoss(model, data, loss));
        var run = Begin(net, updater, train);
        foreach (int epoch in run.EpochsLeft)
        {
            net.train();
            using var stepLosses = new DeviceSums(1, Device);
            foreach (var (x, y) in train)
            {
                run.Step([x, y], on =>
                {
                    run.Verify(("the batch's features", on[0]), ("the batch's labels", on[1]));
                    var perExample = loss(net.call(on[0]), on[1]);
                    var objective = SumLoss ? perExample.sum() : perExample.mean();
                    run.Updater.Step(objective);
                    if (evaluateOn.Length == 0) stepLosses.Add(objective);
                });
            }
            double[] metrics = evaluateOn.Length == 0
                ? [stepLosses.Read()[0] / train.BatchCount]
                : evaluateOn.Select(data => evaluate(net, data)).ToArray();
            EnsureFinite(metrics, epoch);
            run.EndEpoch(metrics, train.Count);
        }
        return run.History.Select(e => e.Metrics).ToArray();
    }

    /// <inheritdoc />
    protected override void Record(int epoch, double[] metrics)
    {
        if (epoch == 1 || epoch % PointsEvery == 0) Animator?.Add(epoch, metrics.Select(m => (double?)m).ToArray());
    }
}
