using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch08_RecurrentNeuralNetworks;

/// <summary>The recurrent layers d2l's <c>RNNModel</c> wraps in 8.6 and 9.1–9.4.</summary>
public enum RecurrentLayer
{
    /// <summary><c>nn.RNN</c> (tanh).</summary>
    Rnn,

    /// <summary><c>nn.GRU</c>.</summary>
    Gru,

    /// <summary><c>nn.LSTM</c>; its state is (H, C).</summary>
    Lstm,
}

/// <summary>
/// 8.6 d2l's <c>RNNModel</c>: one-hot inputs through a (possibly deep or bidirectional) <c>nn.RNN</c>, <c>nn.GRU</c>
/// or <c>nn.LSTM</c> (time-major) and a Linear output layer over all directions' hidden units.
/// </summary>
public sealed class RnnModel : RecurrentLanguageModel
{
    /// <summary>The recurrent layer.</summary>
    public readonly nn.Module rnn;

    /// <summary>The output layer, hidden units (× directions) to vocabulary.</summary>
    public readonly Linear linear;

    private readonly Func<Tensor, Tensor[], (Tensor Y, Tensor[] State)> _recur;
    private readonly int _vocabSize, _hiddens, _stateRows, _stateParts;

    /// <summary>d2l's <c>RNNModel(rnn_layer, vocab_size)</c> with <c>rnn_layer</c> built from <paramref name="kind"/> and its sizes.</summary>
    public RnnModel(RecurrentLayer kind, int vocabSize, int numHiddens, int numLayers = 1, bool bidirectional = false) : base(nameof(RnnModel))
    {
        (_vocabSize, _hiddens) = (vocabSize, numHiddens);
        int directions = bidirectional ? 2 : 1;
        _stateRows = directions * numLayers;
        _stateParts = kind == RecurrentLayer.Lstm ? 2 : 1;
        switch (kind)
        {
            case RecurrentLayer.Rnn:
                var simple = nn.RNN(vocabSize, numHiddens, numLayers, bidirectional: bidirectional);
                (rnn, _recur) = (simple, (x, s) => { var (y, h) = simple.call(x, s[0]); return (y, [h]); });
                break;
            case RecurrentLayer.Gru:
                var gru = nn.GRU(vocabSize, numHiddens, numLayers, bidirectional: bidirectional);
                (rnn, _recur) = (gru, (x, s) => { var (y, h) = gru.call(x, s[0]); return (y, [h]); });
                break;
            default:
                var lstm = nn.LSTM(vocabSize, numHiddens, numLayers, bidirectional: bidirectional);
                (rnn, _recur) = (lstm, (x, s) => { var (y, h, c) = lstm.call(x, (s[0], s[1])); return (y, [h, c]); });
                break;
        }
        linear = nn.Linear(numHiddens * directions, vocabSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int VocabSize => _vocabSize;

    /// <inheritdoc />
    public override Tensor[] BeginState(int batchSize, Device device) =>
        Enumerable.Range(0, _stateParts).Select(_ => zeros(_stateRows, batchSize, _hiddens, device: device)).ToArray();

    /// <inheritdoc />
    public override (Tensor Output, Tensor[] State) forward(Tensor X, Tensor[] state)
    {
        var (Y, newState) = _recur(nn.functional.one_hot(X.T, _vocabSize).to(get_default_dtype()), state);
        return (linear.call(Y.reshape(-1, Y.shape[^1])), newState);
    }
}

/// <summary>8.6 Concise RNN on the time machine: <c>nn.RNN(28, 256)</c>, batch 32, 35 steps, <c>optim.SGD</c> lr 1, 500 epochs.</summary>
[Section("rnn-concise", "8.6", "Concise implementation of recurrent neural networks", Dataset = "The Time Machine")]
public sealed class RnnConcise : ISection<RnnConcise.Settings>
{
    /// <summary>The book's <c>batch_size, num_steps = 32, 35</c>, <c>num_hiddens = 256</c>, <c>num_epochs, lr = 500, 1</c>.</summary>
    public sealed record Settings(int Epochs = 500, double Lr = 1, int BatchSize = 32, int NumSteps = 35, int NumHiddens = 256);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var (trainIter, vocab) = TimeMachine.LoadData(ctx.Data, s.BatchSize, s.NumSteps, seed: (int)ctx.Options.Seed);
        var net = new RnnModel(RecurrentLayer.Rnn, vocab.Count, s.NumHiddens);
        ctx.Out.WriteLine($"before training: {Train.PredictCh8("time traveller", 10, net, vocab)}");
        Train.Ch8(ctx, net, trainIter, vocab, Updaters.Sgd(s.Lr), s.Epochs, "sequential");
    }
}
