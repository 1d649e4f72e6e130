using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;

/// <summary>
/// 9.2 Long short-term memory from scratch (d2l's <c>get_lstm_params</c>, <c>init_lstm_state</c>, <c>lstm</c>):
/// input, forget and output gates I, F, O = σ(X W_x· + H W_h· + b_·), candidate C̃ = tanh(X W_xc + H W_hc + b_c),
/// C = F ⊙ C + I ⊙ C̃, H = O ⊙ tanh(C) — the same cell as <c>nn.LSTM</c>.
/// </summary>
public sealed class LstmScratchModel : ScratchRecurrentModel
{
    /// <summary>Input-gate weights and bias.</summary>
    public readonly Parameter W_xi, W_hi, b_i;

    /// <summary>Forget-gate weights and bias.</summary>
    public readonly Parameter W_xf, W_hf, b_f;

    /// <summary>Output-gate weights and bias.</summary>
    public readonly Parameter W_xo, W_ho, b_o;

    /// <summary>Candidate-memory weights and bias.</summary>
    public readonly Parameter W_xc, W_hc, b_c;

    /// <summary>Weights from N(0, 0.01²), biases zero.</summary>
    public LstmScratchModel(int vocabSize, int numHiddens) : base(nameof(LstmScratchModel), vocabSize, numHiddens)
    {
        (W_xi, W_hi, b_i) = (Normal(vocabSize, numHiddens), Normal(numHiddens, numHiddens), nn.Parameter(zeros(numHiddens)));
        (W_xf, W_hf, b_f) = (Normal(vocabSize, numHiddens), Normal(numHiddens, numHiddens), nn.Parameter(zeros(numHiddens)));
        (W_xo, W_ho, b_o) = (Normal(vocabSize, numHiddens), Normal(numHiddens, numHiddens), nn.Parameter(zeros(numHiddens)));
        (W_xc, W_hc, b_c) = (Normal(vocabSize, numHiddens), Normal(numHiddens, numHiddens), nn.Parameter(zeros(numHiddens)));
        RegisterComponents();
    }

    /// <summary>d2l's <c>init_lstm_state</c>: H = 0 and C = 0.</summary>
    public override Tensor[] BeginState(int batchSize, Device device) =>
        [zeros(batchSize, NumHiddens, device: device), zeros(batchSize, NumHiddens, device: device)];

    /// <inheritdoc />
    protected override Tensor[] Step(Tensor x, Tensor[] state)
    {
        var (H, C) = (state[0], state[1]);
        var I = sigmoid(mm(x, W_xi) + mm(H, W_hi) + b_i);
        var F = sigmoid(mm(x, W_xf) + mm(H, W_hf) + b_f);
        var O = sigmoid(mm(x, W_xo) + mm(H, W_ho) + b_o);
        var candidate = tanh(mm(x, W_xc) + mm(H, W_hc) + b_c);
        C = F * C + I * candidate;
        return [O * tanh(C), C];
    }
}

/// <summary>9.2 LSTM on the time machine, from scratch then with <c>nn.LSTM</c>: batch 32, 35 steps, 256 hidden units, lr 1, 500 epochs.</summary>
[Section("lstm", "9.2", "Long short-term memory (LSTM)", Dataset = "The Time Machine", PerCoreThreads = true)]
public sealed class Lstm : ISection<Lstm.Settings>
{
    /// <summary>The book's <c>batch_size, num_steps = 32, 35</c>, <c>num_hiddens = 256</c>, <c>num_epochs, lr = 500, 1</c>.</summary>
    public sealed record Settings(int Epochs = 500, double Lr = 1, int BatchSize = 32, int NumSteps = 35, int NumHiddens = 256);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var (trainIter, vocab) = TimeMachine.LoadData(ctx.Data, s.BatchSize, s.NumSteps, seed: (int)ctx.Options.Seed);
        Train.Ch8(ctx, new LstmScratchModel(vocab.Count, s.NumHiddens), trainIter, vocab, Updaters.ScratchSgd(s.Lr), s.Epochs, "scratch");
        Train.Ch8(ctx, new RnnModel(RecurrentLayer.Lstm, vocab.Count, s.NumHiddens), trainIter, vocab, Updaters.Sgd(s.Lr), s.Epochs, "concise");
    }
}
