using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Chapters.Ch03_LinearNetworks;

/// <summary>3.6 Softmax regression from scratch: W (784×10) ~ N(0, 0.01), b = 0, and the hand-written softmax.</summary>
public sealed class SoftmaxRegressionModel : nn.Module<Tensor, Tensor>
{
    /// <summary>The weights, (784, 10).</summary>
    public readonly TorchSharp.Modules.Parameter W;

    /// <summary>The bias, (10).</summary>
    public readonly TorchSharp.Modules.Parameter b;

    /// <summary>Creates the model for <paramref name="inputs"/> pixels and <paramref name="outputs"/> classes.</summary>
    public SoftmaxRegressionModel(int inputs = 784, int outputs = 10) : base(nameof(SoftmaxRegressionModel))
    {
        W = nn.Parameter(normal(0, 0.01, [inputs, outputs]));
        b = nn.Parameter(zeros(outputs));
        RegisterComponents();
    }

    /// <summary>d2l's <c>softmax</c>: exp(X) divided by its row sums.</summary>
    public static Tensor Softmax(Tensor X)
    {
        var exp = X.exp();
        return exp / exp.sum(1, keepdim: true);
    }

    /// <summary>d2l's <c>cross_entropy</c>: −log ŷ[i, y[i]] per example.</summary>
    public static Tensor CrossEntropy(Tensor yHat, Tensor y) => -yHat.gather(1, y.reshape(-1, 1)).reshape(-1).log();

    /// <inheritdoc />
    public override Tensor forward(Tensor X) => Softmax(matmul(X.reshape(-1, W.shape[0]), W) + b);
}

/// <summary>3.6 Softmax regression from scratch on Fashion-MNIST: <c>train_ch3</c> with d2l's <c>sgd</c>, then <c>predict_ch3</c>.</summary>
[Section("softmax-scratch", "3.6", "Implementation of softmax regression from scratch", Dataset = "Fashion-MNIST")]
public sealed class SoftmaxRegressionScratch : ISection<SoftmaxRegressionScratch.Settings>
{
    /// <summary>The book's <c>batch_size = 256</c>, <c>lr = 0.1</c>, <c>num_epochs = 10</c>; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 256, double Lr = 0.1, int? Limit = null);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var data = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit);
        var net = new SoftmaxRegressionModel();
        Train.Ch3(ctx, net, data.Train, data.Test, SoftmaxRegressionModel.CrossEntropy, s.Epochs, Updaters.ScratchSgd(s.Lr));
        var predictions = ctx.Figure("predictions", path => PredictionGrid.Save(path, net, data.Test));
        ctx.Out.WriteLine("predictions (true → predicted): " + string.Join(", ", predictions.Select(p => $"{p.True} → {p.Predicted}")));
    }
}
