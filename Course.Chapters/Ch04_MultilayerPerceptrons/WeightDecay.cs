using System.Globalization;
using Course.Chapters.Ch03_LinearNetworks;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch04_MultilayerPerceptrons;

/// <summary>
/// 4.5 Weight decay: a 200-dimensional linear regression from 20 examples, trained without and with an L2 penalty,
/// from scratch (<c>l2_penalty</c> added to the loss) and concisely (<c>weight_decay</c> on the weights only).
/// </summary>
[Section("weight-decay", "4.5", "Weight decay", Dataset = "synthetic")]
public sealed class WeightDecay : ISection<WeightDecay.Settings>
{
    /// <summary>The book's <c>train</c> and <c>train_concise</c>: <c>num_epochs, lr = 100, 0.003</c>, each with λ = 0 and λ = 3.</summary>
    public sealed record Settings(int Epochs = 100, double Lr = 0.003);

    /// <summary>The book's data sizes.</summary>
    public const int TrainCount = 20, TestCount = 100, Inputs = 200, BatchSize = 5;

    /// <summary>The book's data: y = 0.05 + Σ 0.01·xᵢ + ε over 200 inputs; 20 training and 100 test examples.</summary>
    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) Data()
    {
        var w = ones(Inputs) * 0.01;
        return (SyntheticData.Linear(w, 0.05, TrainCount), SyntheticData.Linear(w, 0.05, TestCount));
    }

    /// <summary>d2l's <c>l2_penalty</c>: ‖w‖² / 2.</summary>
    public static Tensor L2Penalty(Tensor w) => w.square().sum() / 2;

    /// <summary>The from-scratch run (<c>train(lambd)</c>): linreg with w ~ N(0, 1), squared loss plus λ·l2_penalty, d2l's sgd; returns ‖w‖₂ and the losses.</summary>
    public static (double Norm, IReadOnlyList<double[]> Losses) TrainScratch(RunContext ctx, double lambda, int epochs, double lr, string? figure = null)
    {
        var (train, test) = Data();
        var net = new LinearRegressionModel(Inputs);
        using (no_grad()) nn.init.normal_(net.w);
        var losses = Fit(ctx, net, train, test, (yHat, y) => LinearRegressionModel.SquaredLoss(yHat, y) + lambda * L2Penalty(net.w),
            LinearRegressionModel.SquaredLoss, Updaters.ScratchSgd(lr), epochs, $"scratch-lambda-{lambda:0}", figure);
        return (net.w.detach().norm().item<float>(), losses);
    }

    /// <summary>The concise run (<c>train_concise(wd)</c>): Linear(200, 1) with N(0, 1) parameters, MSE, SGD with weight decay on the weight only.</summary>
    public static (double Norm, IReadOnlyList<double[]> Losses) TrainConcise(RunContext ctx, double weightDecay, int epochs, double lr, string? figure = null)
    {
        var (train, test) = Data();
        var net = ConciseNet();
        var linear = (Linear)net[0];
        var updater = Updaters.Optimizer<Sequential>(net =>
        {
            var moved = (Linear)net[0];
            return optim.SGD([new SGD.ParamGroup([moved.weight!], lr: lr, weight_decay: weightDecay), new SGD.ParamGroup([moved.bias!], lr: lr)], lr);
        });
        var losses = Fit(ctx, net, train, test, ModelSelection.SquaredError, ModelSelection.SquaredError, updater, epochs, $"concise-wd-{weightDecay:0}", figure);
        return (linear.weight!.detach().norm().item<float>(), losses);
    }

    /// <summary>The concise net of <c>train_concise</c>: <c>nn.Sequential(nn.Linear(200, 1))</c> with every parameter drawn from N(0, 1).</summary>
    public static Sequential ConciseNet()
    {
        var linear = nn.Linear(Inputs, 1);
        using (no_grad())
        {
            foreach (var p in linear.parameters()) nn.init.normal_(p);
        }
        return nn.Sequential(linear);
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var (epochs, lr) = (s.Epochs, s.Lr);
        foreach (double lambda in new[] { 0.0, 3.0 })
        {
            var (norm, losses) = TrainScratch(ctx, lambda, epochs, lr, $"scratch-lambda-{lambda:0}");
            Report(ctx, $"scratch, lambda {lambda:0}", $"scratch_lambda_{lambda:0}", norm, losses);
        }
        foreach (double wd in new[] { 0.0, 3.0 })
        {
            var (norm, losses) = TrainConcise(ctx, wd, epochs, lr, $"concise-wd-{wd:0}");
            Report(ctx, $"concise, weight decay {wd:0}", $"concise_wd_{wd:0}", norm, losses);
        }
    }

    private static void Report(RunContext ctx, string label, string key, double norm, IReadOnlyList<double[]> losses)
    {
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: L2 norm of w {norm:F4}, train loss {losses[^1][0]:F4}, test loss {losses[^1][1]:F4}"));
        ctx.Metric($"{key}_w_norm", norm);
        ctx.Metric($"{key}_test_loss", losses[^1][1]);
    }

    /// <summary>d2l's loop of 4.5: the test loss is <paramref name="evaluationLoss"/> without the penalty, plotted every 5 epochs; <paramref name="name"/> names its checkpoint.</summary>
    /// <summary>
    /// Trains on the book's training set with the per-example <paramref name="loss"/> (with its penalty) and reports the
    /// <paramref name="evaluationLoss"/> of the training and test sets per epoch, drawn into <paramref name="figure"/> if given.
    /// </summary>
    private static double[][] Fit(RunContext ctx, nn.Module<Tensor, Tensor> net, (Tensor X, Tensor Y) train, (Tensor X, Tensor Y) test,
        Func<Tensor, Tensor, Tensor> loss, Func<Tensor, Tensor, Tensor> evaluationLoss, UpdaterFactory updater, int epochs, string name, string? figure)
    {
        var animator = figure is null ? null : ctx.Animator(figure, ["train", "test"],
            new AxesStyle { XLabel = "epochs", YLabel = "loss", YScale = Scale.Log, XLim = (5, epochs) });
        var history = Train.Regression(ctx, net, Loader(ctx, train, shuffle: true), loss, updater, epochs,
            evaluateOn: [("train", Loader(ctx, train, shuffle: false)), ("test", Loader(ctx, test, shuffle: false))],
            evaluate: (model, data) => Metrics.EvaluateLoss(model, data, evaluationLoss), animator: animator, pointsEvery: 5, name: name);
        return history.Epochs.Select(e => new[] { e.Metrics["train"], e.Metrics["test"] }).ToArray();
    }

    private static ArrayLoader Loader(RunContext ctx, (Tensor X, Tensor Y) data, bool shuffle) =>
        new(data.X, data.Y, BatchSize, shuffle, ctx.Options.Seed);
}
