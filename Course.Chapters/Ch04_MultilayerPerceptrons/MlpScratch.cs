using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Chapters.Ch04_MultilayerPerceptrons;

/// <summary>4.2 A one-hidden-layer MLP from scratch: parameters drawn as randn × 0.01 (biases zero) and a hand-written ReLU.</summary>
public sealed class MlpScratchModel : nn.Module<Tensor, Tensor>
{
    /// <summary>Hidden-layer weights (inputs, hiddens).</summary>
    public readonly TorchSharp.Modules.Parameter W1;

    /// <summary>Hidden-layer bias.</summary>
    public readonly TorchSharp.Modules.Parameter b1;

    /// <summary>Output-layer weights (hiddens, outputs).</summary>
    public readonly TorchSharp.Modules.Parameter W2;

    /// <summary>Output-layer bias.</summary>
    public readonly TorchSharp.Modules.Parameter b2;

    /// <summary>The book's 784-256-10 network.</summary>
    public MlpScratchModel(int inputs = 784, int hiddens = 256, int outputs = 10) : base(nameof(MlpScratchModel))
    {
        W1 = nn.Parameter(randn(inputs, hiddens) * 0.01);
        b1 = nn.Parameter(zeros(hiddens));
        W2 = nn.Parameter(randn(hiddens, outputs) * 0.01);
        b2 = nn.Parameter(zeros(outputs));
        RegisterComponents();
    }

    /// <summary>d2l's <c>relu</c>: max(X, 0).</summary>
    public static Tensor Relu(Tensor X) => maximum(X, zeros_like(X));

    /// <inheritdoc />
    public override Tensor forward(Tensor X)
    {
        var H = Relu(matmul(X.reshape(-1, W1.shape[0]), W1) + b1);
        return matmul(H, W2) + b2;
    }
}

/// <summary>4.2 MLP from scratch on Fashion-MNIST: <c>train_ch3</c> with <c>CrossEntropyLoss</c> and <c>optim.SGD</c>, then <c>predict_ch3</c>.</summary>
[Section("mlp-scratch", "4.2", "Implementation of multilayer perceptrons from scratch", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class MlpScratch : ISection<MlpScratch.Settings>
{
    /// <summary>The book's <c>batch_size = 256</c>, <c>num_epochs, lr = 10, 0.1</c>; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 256, double Lr = 0.1, int? Limit = null);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var data = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit);
        var net = new MlpScratchModel();
        Train.Ch3(ctx, net, data.Train, data.Test, FashionMnistClassification.CrossEntropy(), s.Epochs, Updaters.Sgd(s.Lr));
        var predictions = ctx.Figure("predictions", path => PredictionGrid.Save(path, net, data.Test));
        ctx.Out.WriteLine("predictions (true → predicted): " + string.Join(", ", predictions.Select(p => $"{p.True} → {p.Predicted}")));
    }
}
