using System.ComponentModel.DataAnnotations;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch04_MultilayerPerceptrons;

/// <summary>4.6 The MLP with dropout from scratch: 784-256-256-10, dropout 0.2 and 0.5 after the hidden layers while training.</summary>
public sealed class DropoutMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear lin1, lin2, lin3;
    private readonly double _dropout1, _dropout2;

    /// <summary>The book's <c>Net(num_inputs, num_outputs, num_hiddens1, num_hiddens2, is_training)</c>.</summary>
    public DropoutMlp(double dropout1 = 0.2, double dropout2 = 0.5, int inputs = 784, int hiddens1 = 256, int hiddens2 = 256, int outputs = 10)
        : base(nameof(DropoutMlp))
    {
        lin1 = nn.Linear(inputs, hiddens1);
        lin2 = nn.Linear(hiddens1, hiddens2);
        lin3 = nn.Linear(hiddens2, outputs);
        (_dropout1, _dropout2) = (dropout1, dropout2);
        RegisterComponents();
    }

    /// <summary>
    /// d2l's <c>dropout_layer</c>: zeroes each element with probability <paramref name="p"/> and scales the kept ones
    /// by 1/(1 − p), so the expectation is unchanged; p = 0 returns X and p = 1 returns zeros.
    /// </summary>
    public static Tensor DropoutLayer(Tensor X, double p)
    {
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must lie in [0, 1]");
        if (p == 1) return zeros_like(X);
        if (p == 0) return X;
        var mask = (rand(X.shape, device: X.device) > p).to(X.dtype);
        return mask * X / (1.0 - p);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor X)
    {
        var H1 = lin1.call(X.reshape(-1, lin1.in_features)).relu();
        if (training) H1 = DropoutLayer(H1, _dropout1);
        var H2 = lin2.call(H1).relu();
        if (training) H2 = DropoutLayer(H2, _dropout2);
        return lin3.call(H2);
    }
}

/// <summary>4.6 Dropout from scratch on Fashion-MNIST: lr 0.5, 10 epochs, batch 256.</summary>
[Section("dropout-scratch", "4.6", "Dropout from scratch", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class DropoutScratch : ISection<DropoutScratch.Settings>
{
    /// <summary>The book's <c>dropout1, dropout2 = 0.2, 0.5</c>, <c>num_epochs, lr, batch_size = 10, 0.5, 256</c>; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 256, double Lr = 0.5,
        [Range(0.0, 1.0, MaximumIsExclusive = true)] double Dropout1 = 0.2,
        [Range(0.0, 1.0, MaximumIsExclusive = true)] double Dropout2 = 0.5, int? Limit = null);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var data = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit);
        var net = new DropoutMlp(s.Dropout1, s.Dropout2);
        Train.Ch3(ctx, net, data.Train, data.Test, FashionMnistClassification.CrossEntropy(), s.Epochs, Updaters.Sgd(s.Lr));
    }
}
