using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// Classification and evaluation metrics: d2l's <c>accuracy</c> and <c>evaluate_accuracy</c> (3.6) /
/// <c>evaluate_accuracy_gpu</c> (6.6), and <c>evaluate_loss</c> (4.4). Evaluation runs where the model is: each batch
/// moves to the model's device, and the sums stay there until one read at the end.
/// </summary>
public static class Metrics
{
    /// <summary>The number of correct predictions, as a scalar tensor on the predictions' device.</summary>
    public static Tensor Correct(Tensor yHat, Tensor y)
    {
        var predicted = yHat.dim() > 1 && yHat.shape[1] > 1 ? yHat.argmax(1) : yHat;
        return predicted.to(y.dtype).eq(y).sum();
    }

    /// <summary>The number of correct predictions: the arg-max of each row of <paramref name="yHat"/> against <paramref name="y"/>.</summary>
    public static double Accuracy(Tensor yHat, Tensor y)
    {
        using var correct = Correct(yHat, y);
        return correct.item<long>();
    }

    /// <summary>The accuracy of <paramref name="net"/> over every batch of <paramref name="data"/>, in evaluation mode and without gradients.</summary>
    public static double EvaluateAccuracy(nn.Module<Tensor, Tensor> net, IEnumerable<(Tensor X, Tensor Y)> data) =>
        Average(net, data, (yHat, y) => (Correct(yHat, y), y.numel()));

    /// <summary>d2l's <c>evaluate_loss</c> (4.4): the mean per-example <paramref name="loss"/> of <paramref name="net"/> over <paramref name="data"/>.</summary>
    public static double EvaluateLoss(nn.Module<Tensor, Tensor> net, IEnumerable<(Tensor X, Tensor Y)> data, Func<Tensor, Tensor, Tensor> loss) =>
        Average(net, data, (yHat, y) =>
        {
            var l = loss(yHat, y);
            return (l.sum(), l.numel());
        });

    /// <summary>
    /// Σ value / Σ count of <paramref name="measure"/> over every batch, with <paramref name="net"/> in evaluation mode,
    /// without gradients, each batch moved to the model's device in its own dispose scope.
    /// </summary>
    public static double Average(nn.Module<Tensor, Tensor> net, IEnumerable<(Tensor X, Tensor Y)> data,
        Func<Tensor, Tensor, (Tensor Value, double Count)> measure)
    {
        var device = net.DeviceOf();
        using var evaluating = net.Evaluating();
        using var noGrad = no_grad();
        using var sums = new DeviceSums(1, device);
        double count = 0;
        foreach (var (x, y) in data)
        {
            using var step = NewDisposeScope();
            step.Attach(x);
            step.Attach(y);
            var (value, n) = measure(net.call(x.to(device)), y.to(device));
            sums.Add(value);
            count += n;
        }
        return sums.Read()[0] / count;
    }
}
