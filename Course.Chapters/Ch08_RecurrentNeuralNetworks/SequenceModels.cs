using System.Globalization;
using Course.Chapters.Ch04_MultilayerPerceptrons;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch08_RecurrentNeuralNetworks;

/// <summary>
/// 8.1 Sequence models: an autoregressive MLP on the last τ = 4 values of a noisy sine, its one-step predictions, and
/// how k-step predictions built on its own outputs drift away.
/// </summary>
[Section("sequence", "8.1", "Sequence models", Dataset = "synthetic sine")]
public sealed class SequenceModels : ISection<SequenceModels.Settings>
{
    /// <summary>The book's <c>T = 1000</c>, <c>n_train = 600</c>, <c>batch_size = 16</c>, <c>train(net, train_iter, loss, 5, 0.01)</c>.</summary>
    public sealed record Settings(int Epochs = 5, double Lr = 0.01, int BatchSize = 16, int T = 1000, int NTrain = 600);

    /// <summary>The book's window length τ.</summary>
    public const int Tau = 4;

    /// <summary>The book's series: x_t = sin(0.01 t) + N(0, 0.2²) for t = 1 … <paramref name="T"/>.</summary>
    public static Tensor Series(int T = 1000) => sin(0.01 * arange(1, T + 1, dtype: float32)) + normal(0, 0.2, [T]);

    /// <summary>The book's features and labels: each row the τ values before x_t, the label x_t.</summary>
    public static (Tensor Features, Tensor Labels) Windows(Tensor x)
    {
        long T = x.shape[0];
        var features = stack(Enumerable.Range(0, Tau).Select(i => x.narrow(0, i, T - Tau)).ToArray(), 1);
        return (features, x.narrow(0, Tau, T - Tau).reshape(-1, 1));
    }

    /// <summary>The book's <c>get_net</c>: Linear(4, 10), ReLU, Linear(10, 1) with Xavier-uniform weights.</summary>
    public static Sequential Net()
    {
        var net = nn.Sequential(nn.Linear(Tau, 10), nn.ReLU(), nn.Linear(10, 1));
        using (no_grad())
        {
            foreach (var linear in net.modules().OfType<Linear>()) nn.init.xavier_uniform_(linear.weight);
        }
        return net;
    }

    /// <summary>
    /// k-step-ahead predictions (the book's last figure): column τ + k − 1 of the result predicts x from the τ observed
    /// values before it and the model's own k − 1 predictions in between.
    /// </summary>
    public static Tensor MultiStep(nn.Module<Tensor, Tensor> net, Tensor x, int maxSteps)
    {
        long rows = x.shape[0] - Tau - maxSteps + 1;
        var columns = Enumerable.Range(0, Tau).Select(i => x.narrow(0, i, rows)).ToList();
        for (int i = Tau; i < Tau + maxSteps; i++)
            columns.Add(net.Predict(stack(columns.GetRange(i - Tau, Tau).ToArray(), 1)).reshape(-1));
        return stack(columns.ToArray(), 1);
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var (T, trainCount) = (s.T, s.NTrain);
        var x = Series(T);
        var (features, labels) = Windows(x);
        var net = Net();
        var trainIter = new ArrayLoader(features.narrow(0, 0, trainCount), labels.narrow(0, 0, trainCount), s.BatchSize, shuffle: true, ctx.Options.Seed);
        var history = Train.Regression(ctx, net, trainIter, ModelSelection.SquaredError, Updaters.Adam(s.Lr), s.Epochs, evaluateOn: [("loss", trainIter)]);
        var losses = history.Epochs.Select(e => e.Metrics["loss"]).ToArray();
        for (int i = 0; i < losses.Length; i++)
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {i + 1}, loss: {losses[i]:F6}"));

        double[] time = Enumerable.Range(1, T).Select(t => (double)t).ToArray();
        var onestep = net.Predict(features).reshape(-1);
        ctx.Figure("one-step", path => LineChart.Save(path,
            [new LineSeries("data", time, Doubles(x)), new LineSeries("1-step preds", time[Tau..], Doubles(onestep))],
            new AxesStyle { XLabel = "time", YLabel = "x", XLim = (1, T) }));

        const int maxSteps = 64;
        var predictions = MultiStep(net, x, maxSteps);
        int[] steps = [1, 4, 16, 64];
        ctx.Figure("k-step", path => LineChart.Save(path, steps.Select(k => new LineSeries($"{k}-step preds",
                time[(Tau + k - 1)..(T - maxSteps + k)], Doubles(predictions[TensorIndex.Colon, Tau + k - 1]))).ToArray(),
            new AxesStyle { XLabel = "time", YLabel = "x", XLim = (5, T) }));

        foreach (int k in steps)
        {
            double mse = (predictions[TensorIndex.Colon, Tau + k - 1] - x.narrow(0, Tau + k - 1, predictions.shape[0])).square().mean().item<float>();
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{k}-step prediction MSE: {mse:F4}"));
            ctx.Metric($"mse_{k}_step", mse);
        }
        ctx.Metric("train_loss", losses[^1]);
    }

    private static double[] Doubles(Tensor t) => t.detach().cpu().data<float>().Select(v => (double)v).ToArray();
}
