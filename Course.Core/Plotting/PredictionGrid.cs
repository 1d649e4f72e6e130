using Course.Core.Data;
using Course.Core.Training;
using static TorchSharp.torch;

namespace Course.Core.Plotting;

/// <summary>d2l's <c>predict_ch3</c> (3.6): the first test images with their true and predicted labels.</summary>
public static class PredictionGrid
{
    /// <summary>
    /// Predicts the first <paramref name="n"/> images of the first batch of <paramref name="test"/> and draws them with
    /// "true\npredicted" titles into <paramref name="path"/>; returns the (true, predicted) text labels.
    /// </summary>
    public static IReadOnlyList<(string True, string Predicted)> Save(string path, nn.Module<Tensor, Tensor> net, ArrayLoader test, int n = 6)
    {
        using var scope = NewDisposeScope();
        var (x, y) = test.First();
        var predicted = net.Predict(x).argmax(1);
        var trues = FashionMnist.GetLabels(y);
        var preds = FashionMnist.GetLabels(predicted);
        var pairs = trues.Zip(preds).Take(n).ToArray();
        ImageGrid.Save(path, x.narrow(0, 0, Math.Min(n, (int)x.shape[0])), 1, n, pairs.Select(p => $"{p.First}\n{p.Second}").ToArray());
        return pairs;
    }
}
