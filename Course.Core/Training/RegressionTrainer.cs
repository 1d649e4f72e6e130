using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// The regression training loop of 3.2, 3.3, 4.4, 4.5 and 4.10: minibatch steps with an <see cref="IUpdater"/>, then
/// a metric over whole data sets after each epoch (by default d2l's <c>evaluate_loss</c>, 4.4, with the training
/// loss). Every step runs in its own dispose scope; a NaN or infinite metric stops training with a clear error.
/// </summary>
public sealed class RegressionTrainer
{
    /// <summary>Number of epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>Where the model and batches live.</summary>
    public Device Device { get; init; } = CPU;

    /// <summary>The per-epoch metric of a data set; null for the mean training loss (<see cref="Metrics.EvaluateLoss"/>).</summary>
    public Func<nn.Module<Tensor, Tensor>, ArrayLoader, double>? Evaluate { get; init; }

    /// <summary>Live curves of the per-epoch metrics, one series per evaluation set, or null for none.</summary>
    public Animator? Animator { get; init; }

    /// <summary>Add a point to the animator after the first epoch and every this many epochs (d2l's 4.4 uses 20).</summary>
    public int PointsEvery { get; init; } = 1;

    /// <summary>
    /// Trains <paramref name="net"/> on <paramref name="train"/> with the per-example <paramref name="loss"/> and returns,
    /// per epoch, the metric of each of <paramref name="evaluateOn"/> (e.g. the training set, or training and test sets).
    /// </summary>
    public IReadOnlyList<double[]> Fit(nn.Module<Tensor, Tensor> net, ArrayLoader train, Func<Tensor, Tensor, Tensor> loss,
        IUpdater updater, params ArrayLoader[] evaluateOn)
    {
        var evaluate = Evaluate ?? ((model, data) => Metrics.EvaluateLoss(model, data, loss));
        net.to(Device);
        var history = new List<double[]>();
        for (int epoch = 1; epoch <= Epochs; epoch++)
        {
            net.train();
            foreach (var (x, y) in train)
            {
                using var step = NewDisposeScope();
                step.Attach(x);
                step.Attach(y);
                updater.Step(loss(net.call(x), y));
            }
            double[] metrics = evaluateOn.Select(data => evaluate(net, data)).ToArray();
            if (metrics.Any(m => !double.IsFinite(m)))
                throw new CourseException($"Training diverged: the loss became {metrics.First(m => !double.IsFinite(m))} after epoch {epoch}; try a smaller learning rate (--lr).");
            history.Add(metrics);
            if (epoch == 1 || epoch % PointsEvery == 0) Animator?.Add(epoch, metrics.Select(m => (double?)m).ToArray());
        }
        return history;
    }
}
