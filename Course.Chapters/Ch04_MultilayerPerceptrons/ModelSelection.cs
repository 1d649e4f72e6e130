using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch04_MultilayerPerceptrons;

/// <summary>
/// 4.4 Model selection, underfitting and overfitting: a degree-3 polynomial with noise, fitted with the right features
/// (normal), too few (underfit) and too many (overfit), with train and test loss curves on a log scale.
/// </summary>
[Section("underfit-overfit", "4.4", "Model selection, underfitting and overfitting", Dataset = "synthetic polynomial")]
public sealed class ModelSelection : ISection<ModelSelection.Settings>
{
    /// <summary>The book's <c>train</c>: <c>num_epochs = 400</c> (1500 for the overfit run), <c>lr = 0.01</c>.</summary>
    public sealed record Settings(int Epochs = 400, int EpochsOverfit = 1500, double Lr = 0.01);

    /// <summary>The polynomial's degree bound.</summary>
    public const int MaxDegree = 20;

    /// <summary>The book's true weights of 1, x, x²/2!, x³/3!; the other 16 are zero.</summary>
    public static readonly float[] TrueW = [5f, 1.2f, -3.4f, 5.6f];

    /// <summary>
    /// The book's data: x ~ N(0, 1), features xⁱ/i! for i &lt; 20, labels = features·w + N(0, 0.1²);
    /// the first <paramref name="trainCount"/> rows are for training, the rest for testing.
    /// </summary>
    public static (Tensor Features, Tensor Labels) Data(int trainCount = 100, int testCount = 100)
    {
        using var scope = NewDisposeScope();
        var w = zeros(MaxDegree);
        w[TensorIndex.Slice(0, 4)] = tensor(TrueW);
        var x = normal(0, 1, [trainCount + testCount, 1]);
        var powers = arange(MaxDegree, dtype: float32).reshape(1, -1);
        var features = x.pow(powers) / (powers + 1).lgamma().exp();
        var labels = matmul(features, w);
        labels += normal(0, 0.1, labels.shape);
        return scope.MoveToOuter(features, labels.reshape(-1, 1));
    }

    /// <summary>The book's <c>train</c>: a bias-free Linear on the first <paramref name="featureCount"/> features, MSE, SGD lr 0.01, batch min(10, n).</summary>
    public static (Tensor Weight, IReadOnlyList<double[]> Losses) Fit(RunContext ctx, Tensor features, Tensor labels, int trainCount,
        int featureCount, int epochs, double lr, string? figure = null)
    {
        var train = features.narrow(0, 0, trainCount).narrow(1, 0, featureCount);
        var test = features.narrow(0, trainCount, features.shape[0] - trainCount).narrow(1, 0, featureCount);
        var (trainLabels, testLabels) = (labels.narrow(0, 0, trainCount), labels.narrow(0, trainCount, labels.shape[0] - trainCount));
        var net = Net(featureCount);
        int batchSize = Math.Min(10, trainCount);
        var animator = figure is null ? null : ctx.Animator(figure, ["train", "test"],
            new AxesStyle { XLabel = "epoch", YLabel = "loss", YScale = Scale.Log, XLim = (1, epochs), YLim = (1e-3, 1e2) });
        var history = Train.Regression(ctx, net, new ArrayLoader(train, trainLabels, batchSize, shuffle: true, ctx.Options.Seed),
            SquaredError, Updaters.Sgd(lr), epochs,
            evaluateOn: [("train", new ArrayLoader(train, trainLabels, batchSize, shuffle: false)), ("test", new ArrayLoader(test, testLabels, batchSize, shuffle: false))],
            animator: animator, pointsEvery: 20, name: figure ?? "fit");
        return (((Linear)net[0]).weight!.detach().cpu().reshape(-1), history.Epochs.Select(e => new[] { e.Metrics["train"], e.Metrics["test"] }).ToArray());
    }

    /// <summary>The book's net: <c>nn.Sequential(nn.Linear(in_features, 1, bias=False))</c>.</summary>
    public static Sequential Net(int featureCount) => nn.Sequential(nn.Linear(featureCount, 1, hasBias: false));

    /// <summary><c>nn.MSELoss(reduction='none')</c>: (ŷ − y)² per example.</summary>
    public static Tensor SquaredError(Tensor yHat, Tensor y) => (yHat - y.reshape(yHat.shape)).square().reshape(-1);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var (features, labels) = Data();
        ctx.Out.WriteLine($"features[:2] =\n{Printing.Format(features.narrow(0, 0, 2).narrow(1, 0, 4))} ...\nlabels[:2] = {Printing.Format(labels.narrow(0, 0, 2).reshape(-1))}");
        (string Name, int Features, int Epochs)[] fits = [("normal", 4, s.Epochs), ("underfit", 2, s.Epochs), ("overfit", MaxDegree, s.EpochsOverfit)];
        foreach (var (name, featureCount, epochs) in fits)
        {
            var (weight, losses) = Fit(ctx, features, labels, 100, featureCount, epochs, s.Lr, name);
            var shown = featureCount > 4 ? weight.narrow(0, 0, 4) : weight;
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} ({featureCount} features): weight {Printing.Format(shown)}{(featureCount > 4 ? " ..." : "")}, train loss {losses[^1][0]:F4}, test loss {losses[^1][1]:F4}"));
            ctx.Metric($"{name}_train_loss", losses[^1][0]);
            ctx.Metric($"{name}_test_loss", losses[^1][1]);
            if (name == "normal")
                ctx.Metric("normal_max_weight_error", (weight - tensor(TrueW)).abs().max().item<float>());
        }
    }
}
