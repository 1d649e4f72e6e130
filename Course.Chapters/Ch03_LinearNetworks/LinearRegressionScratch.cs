using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using static TorchSharp.torch;

namespace Course.Chapters.Ch03_LinearNetworks;

/// <summary>3.2 Linear regression from scratch: synthetic data, <c>data_iter</c>, <c>linreg</c>, <c>squared_loss</c> and <c>sgd</c>.</summary>
[Section("linreg-scratch", "3.2", "Linear regression from scratch", Dataset = "synthetic")]
public sealed class LinearRegressionScratch : ISection<LinearRegressionScratch.Settings>
{
    /// <summary>The book's <c>batch_size = 10</c>, <c>lr = 0.03</c>, <c>num_epochs = 3</c>, on 1000 examples (fewer with <c>--limit</c>).</summary>
    public sealed record Settings(int Epochs = 3, int BatchSize = 10, double Lr = 0.03, int? Limit = null);

    /// <summary>The book's true weights.</summary>
    public static readonly float[] TrueW = [2f, -3.4f];

    /// <summary>The book's true bias.</summary>
    public const double TrueB = 4.2;

    /// <summary>The book's synthetic data set: 1000 examples of y = X[2, −3.4] + 4.2 + noise.</summary>
    public static (Tensor Features, Tensor Labels) Data(int count = 1000) => SyntheticData.Linear(tensor(TrueW), TrueB, count);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var (features, labels) = Data(s.Limit ?? 1000);
        ctx.Out.WriteLine($"features: {Printing.Format(features[0])}, label: {Printing.Format(labels[0])}");
        ctx.Figure("data", path => LineChart.Save(path, [new LineSeries(null, Floats(features[TensorIndex.Colon, 1]), Floats(labels), PointsOnly: true)],
            new AxesStyle { XLabel = "features[:, 1]", YLabel = "labels" }));

        var net = new LinearRegressionModel(2);
        var losses = Fit(ctx, net, features, labels, LinearRegressionModel.SquaredLoss, Updaters.ScratchSgd(s.Lr), s.Epochs, s.BatchSize);
        ReportRecovery(ctx, net.w.detach().reshape(-1), net.b.detach(), losses);
    }

    /// <summary>Trains a regression model on (features, labels) and prints d2l's <c>epoch N, loss L</c> lines.</summary>
    public static IReadOnlyList<double> Fit(RunContext ctx, nn.Module<Tensor, Tensor> net, Tensor features, Tensor labels,
        Func<Tensor, Tensor, Tensor> loss, UpdaterFactory updater, int epochs, int batchSize)
    {
        var train = new ArrayLoader(features, labels, batchSize, shuffle: true, ctx.Options.Seed);
        var all = new ArrayLoader(features, labels, (int)features.shape[0], shuffle: false);
        var history = Train.Regression(ctx, net, train, loss, updater, epochs, evaluateOn: [("loss", all)]);
        var losses = history.Epochs.Select(e => e.Metrics["loss"]).ToArray();
        for (int i = 0; i < losses.Length; i++)
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {i + 1}, loss {losses[i]:F6}"));
        return losses;
    }

    /// <summary>Prints and records how far the learned w and b are from the true ones.</summary>
    public static void ReportRecovery(RunContext ctx, Tensor w, Tensor b, IReadOnlyList<double> losses)
    {
        var wError = tensor(TrueW) - w.cpu();
        double bError = TrueB - b.cpu().item<float>();
        ctx.Out.WriteLine($"error in estimating w: {Printing.Format(wError)}");
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error in estimating b: {bError:F4}"));
        ctx.Metric("loss", losses[^1]);
        ctx.Metric("w_error_max", wError.abs().max().item<float>());
        ctx.Metric("b_error", Math.Abs(bError));
    }

    private static double[] Floats(Tensor t) => t.cpu().reshape(-1).data<float>().Select(v => (double)v).ToArray();
}
