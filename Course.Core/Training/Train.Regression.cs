using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Core.Training;

public static partial class Train
{
    /// <summary>
    /// The regression loop of 3.2, 3.3, 4.4, 4.5, 4.10 and 8.1, and the full-batch loops of 6.2 and 10.2: minibatch steps
    /// on the mean (or, with <paramref name="sumLoss"/>, the sum, as 6.2 and 10.2 do) of the per-example
    /// <paramref name="loss"/>; after each epoch, the metric of each named data set of <paramref name="evaluateOn"/>
    /// (by default d2l's <c>evaluate_loss</c>, 4.4, with <paramref name="loss"/>), or with none, the mean over the
    /// epoch's steps of the loss each back-propagated (for a full batch, d2l's loss before the step). The
    /// <paramref name="animator"/>, if any, gets the metrics after the first epoch and every
    /// <paramref name="pointsEvery"/> epochs.
    /// </summary>
    public static TrainingHistory Regression(RunContext ctx, nn.Module<Tensor, Tensor> net, ArrayLoader trainIter,
        Func<Tensor, Tensor, Tensor> loss, UpdaterFactory updater, int numEpochs, (string Name, ArrayLoader Data)[]? evaluateOn = null,
        Func<nn.Module<Tensor, Tensor>, ArrayLoader, double>? evaluate = null, bool sumLoss = false,
        Animator? animator = null, int pointsEvery = 1, string name = "model")
    {
        evaluateOn ??= [];
        evaluate ??= (model, data) => Metrics.EvaluateLoss(model, data, loss);
        var run = TrainingRun.Begin(ctx, net, updater, numEpochs, trainIter, name);
        void Show(EpochRecord e)
        {
            if (e.Epoch == 1 || e.Epoch % pointsEvery == 0) animator?.Add(e.Epoch, e.Metrics.Values.Select(v => (double?)v).ToArray());
        }
        foreach (var restored in run.History.Epochs) Show(restored);

        foreach (int epoch in run.EpochsLeft)
        {
            net.train();
            using var stepLosses = new DeviceSums(1, run.Device);
            foreach (var (x, y) in trainIter)
            {
                using var step = run.Step(x, y);
                var l = loss(net.call(step.X), step.Y);
                var objective = sumLoss ? l.sum() : l.mean();
                run.Updater.Step(objective);
                if (evaluateOn.Length == 0) stepLosses.Add(objective);
            }
            var metrics = evaluateOn.Length == 0
                ? new Dictionary<string, double> { ["loss"] = stepLosses.Read()[0] / trainIter.BatchCount }
                : evaluateOn.ToDictionary(e => e.Name, e => evaluate(net, e.Data));
            Show(run.EndEpoch(metrics, trainIter.Count));
        }
        return run.History;
    }
}
