using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// Classification metrics: d2l's <c>accuracy</c> and <c>evaluate_accuracy</c> (3.6) / <c>evaluate_accuracy_gpu</c> (6.6),
/// and the precision and recall of a binary decision.
/// </summary>
public static class Metrics
{
    /// <summary>The number of correct predictions: the arg-max of each row of <paramref name="yHat"/> against <paramref name="y"/>.</summary>
    public static double Accuracy(Tensor yHat, Tensor y)
    {
        using var scope = NewDisposeScope();
        var predicted = yHat.dim() > 1 && yHat.shape[1] > 1 ? yHat.argmax(1) : yHat;
        return predicted.to(y.dtype).eq(y).sum().item<long>();
    }

    /// <summary>The accuracy of <paramref name="net"/> over every batch of <paramref name="data"/>, in evaluation mode and without gradients.</summary>
    public static double EvaluateAccuracy(nn.Module<Tensor, Tensor> net, IEnumerable<(Tensor X, Tensor Y)> data) =>
        Average(net, data, (yHat, y) => (Accuracy(yHat, y), y.numel()));

    /// <summary>d2l's <c>evaluate_loss</c> (4.4): the mean per-example <paramref name="loss"/> of <paramref name="net"/> over <paramref name="data"/>.</summary>
    public static double EvaluateLoss(nn.Module<Tensor, Tensor> net, IEnumerable<(Tensor X, Tensor Y)> data, Func<Tensor, Tensor, Tensor> loss) =>
        Average(net, data, (yHat, y) =>
        {
            var l = loss(yHat, y);
            return (l.sum().item<float>(), l.numel());
        });

    /// <summary>
    /// Σ value / Σ count of <paramref name="measure"/> over every batch, with <paramref name="net"/> in evaluation mode,
    /// without gradients and with each batch in its own dispose scope.
    /// </summary>
    public static double Average(nn.Module<Tensor, Tensor> net, IEnumerable<(Tensor X, Tensor Y)> data,
        Func<Tensor, Tensor, (double Value, double Count)> measure)
    {
        bool wasTraining = net.training;
        net.eval();
        var metric = new Accumulator(2);
        using (no_grad())
        {
            foreach (var (x, y) in data)
            {
                using var step = NewDisposeScope();
                step.Attach(x);
                step.Attach(y);
                var (value, count) = measure(net.call(x), y);
                metric.Add(value, count);
            }
        }
        net.train(wasTraining);
        return metric[0] / metric[1];
    }
}
