using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// The regression training loop of 3.2, 3.3 and 4.4: minibatch steps with an <see cref="IUpdater"/>, then the mean
/// loss over whole data sets after each epoch (d2l's <c>evaluate_loss</c>, <see cref="Metrics.EvaluateLoss"/>). Every step runs in its own dispose scope;
/// a NaN or infinite loss stops training with a clear error.
/// </summary>
public sealed class RegressionTrainer
{
    /// <summary>Number of epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>Where the model and batches live.</summary>
    public Device Device { get; init; } = CPU;

    /// <summary>Live curves of the evaluated losses, one series per evaluation set, or null for none.</summary>
    public Animator? Animator { get; init; }

    /// <summary>
    /// Trains <paramref name="net"/> on <paramref name="train"/> and returns, per epoch, the mean loss over each of
    /// <paramref name="evaluateOn"/> (e.g. the training set, or training and test sets).
    /// </summary>
    public IReadOnlyList<double[]> Fit(nn.Module<Tensor, Tensor> net, ArrayLoader train, Func<Tensor, Tensor, Tensor> loss,
        IUpdater updater, params ArrayLoader[] evaluateOn)
    {
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
            double[] losses = evaluateOn.Select(data => Metrics.EvaluateLoss(net, data, loss)).ToArray();
            if (losses.Any(l => !double.IsFinite(l)))
                throw new CourseException($"Training diverged: the loss became {losses.First(l => !double.IsFinite(l))} after epoch {epoch}; try a smaller learning rate (--lr).");
            history.Add(losses);
            Animator?.Add(epoch, losses.Select(l => (double?)l).ToArray());
        }
        return history;
    }
}
