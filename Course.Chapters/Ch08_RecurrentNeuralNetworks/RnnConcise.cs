using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch08_RecurrentNeuralNetworks;

/// <summary>8.6 d2l's <c>RNNModel</c>: one-hot inputs through <c>nn.RNN</c> (time-major) and a Linear output layer.</summary>
public sealed class RnnModel : RecurrentLanguageModel
{
    /// <summary>The recurrent layer.</summary>
    public readonly RNN rnn;

    /// <summary>The output layer, hidden units to vocabulary.</summary>
    public readonly Linear linear;

    private readonly int _vocabSize, _hiddens;

    /// <summary>A one-layer, one-direction <c>nn.RNN(vocab_size, num_hiddens)</c> with its output layer.</summary>
    public RnnModel(int vocabSize, int numHiddens) : base(nameof(RnnModel))
    {
        (_vocabSize, _hiddens) = (vocabSize, numHiddens);
        rnn = nn.RNN(vocabSize, numHiddens);
        linear = nn.Linear(numHiddens, vocabSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int VocabSize => _vocabSize;

    /// <inheritdoc />
    public override Tensor[] BeginState(int batchSize, Device device) => [zeros(1, batchSize, _hiddens, device: device)];

    /// <inheritdoc />
    public override (Tensor Output, Tensor[] State) forward(Tensor X, Tensor[] state)
    {
        var (Y, H) = rnn.call(nn.functional.one_hot(X.T, _vocabSize).to(float32), state[0]);
        return (linear.call(Y.reshape(-1, Y.shape[^1])), [H]);
    }
}

/// <summary>8.6 Concise RNN on the time machine: <c>nn.RNN(28, 256)</c>, batch 32, 35 steps, <c>optim.SGD</c> lr 1, 500 epochs.</summary>
[Section("rnn-concise", "8.6", "Concise implementation of recurrent neural networks", Dataset = "The Time Machine")]
public sealed class RnnConcise : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        int epochs = ctx.Epochs(500), batchSize = ctx.BatchSize(32), numSteps = ctx.Hyper("num_steps", 35), hiddens = ctx.Hyper("num_hiddens", 256);
        double lr = ctx.LearningRate(1);
        var (data, vocab) = TimeMachine.LoadData(ctx.Data, batchSize, numSteps, seed: (int)ctx.Options.Seed);
        var net = new RnnModel(vocab.Count, hiddens).to(ctx.Device);
        ctx.Out.WriteLine($"before training: {LanguageModelTrainer.Predict("time traveller", 10, net, vocab, ctx.Device)}");
        LanguageModelRun.Train(ctx, net, data, vocab, new OptimizerUpdater(optim.SGD(net.parameters(), lr)), epochs, "sequential");
    }
}
