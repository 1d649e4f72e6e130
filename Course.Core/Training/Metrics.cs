using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>Classification metrics: d2l's <c>accuracy</c> and <c>evaluate_accuracy</c> (3.6) / <c>evaluate_accuracy_gpu</c> (6.6).</summary>
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
    public static double EvaluateAccuracy(nn.Module<Tensor, Tensor> net, IEnumerable<(Tensor X, Tensor Y)> data)
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
                metric.Add(Accuracy(net.call(x), y), y.numel());
            }
        }
        net.train(wasTraining);
        return metric[0] / metric[1];
    }
}
