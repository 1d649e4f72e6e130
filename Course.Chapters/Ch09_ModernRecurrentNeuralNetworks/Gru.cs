using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;

/// <summary>
/// 9.1 The gated recurrent unit from scratch (d2l's <c>get_params</c>, <c>init_gru_state</c>, <c>gru</c>):
/// Z = σ(X W_xz + H W_hz + b_z), R = σ(X W_xr + H W_hr + b_r), H̃ = tanh(X W_xh + (R ⊙ H) W_hh + b_h),
/// H = Z ⊙ H + (1 − Z) ⊙ H̃.
/// </summary>
/// <remarks>
/// The book applies the reset gate before the hidden-to-candidate product, (R ⊙ H) W_hh; <c>nn.GRU</c> (cuDNN's
/// variant) applies it after, R ⊙ (H W_hh + b_hn). The two agree when W_hh is diagonal, and both learn equally well.
/// </remarks>
public sealed class GruScratchModel : ScratchRecurrentModel
{
    /// <summary>Update-gate weights and bias.</summary>
    public readonly Parameter W_xz, W_hz, b_z;

    /// <summary>Reset-gate weights and bias.</summary>
    public readonly Parameter W_xr, W_hr, b_r;

    /// <summary>Candidate-state weights and bias.</summary>
    public readonly Parameter W_xh, W_hh, b_h;

    /// <summary>Weights from N(0, 0.01²), biases zero.</summary>
    public GruScratchModel(int vocabSize, int numHiddens) : base(nameof(GruScratchModel), vocabSize, numHiddens)
    {
        (W_xz, W_hz, b_z) = (Normal(vocabSize, numHiddens), Normal(numHiddens, numHiddens), nn.Parameter(zeros(numHiddens)));
        (W_xr, W_hr, b_r) = (Normal(vocabSize, numHiddens), Normal(numHiddens, numHiddens), nn.Parameter(zeros(numHiddens)));
        (W_xh, W_hh, b_h) = (Normal(vocabSize, numHiddens), Normal(numHiddens, numHiddens), nn.Parameter(zeros(numHiddens)));
        RegisterComponents();
    }

    /// <summary>d2l's <c>init_gru_state</c>: H = 0.</summary>
    public override Tensor[] BeginState(int batchSize, Device device) => [zeros(batchSize, NumHiddens, device: device)];

    /// <inheritdoc />
    protected override Tensor[] Step(Tensor x, Tensor[] state)
    {
        var H = state[0];
        var Z = sigmoid(mm(x, W_xz) + mm(H, W_hz) + b_z);
        var R = sigmoid(mm(x, W_xr) + mm(H, W_hr) + b_r);
        var candidate = tanh(mm(x, W_xh) + mm(R * H, W_hh) + b_h);
        return [Z * H + (1 - Z) * candidate];
    }
}

/// <summary>9.1 GRU on the time machine, from scratch then with <c>nn.GRU</c>: batch 32, 35 steps, 256 hidden units, lr 1, 500 epochs.</summary>
[Section("gru", "9.1", "Gated recurrent units (GRU)", Dataset = "The Time Machine")]
public sealed class Gru : ISection<Gru.Settings>
{
    /// <summary>The book's <c>batch_size, num_steps = 32, 35</c>, <c>num_hiddens = 256</c>, <c>num_epochs, lr = 500, 1</c>.</summary>
    public sealed record Settings(int Epochs = 500, double Lr = 1, int BatchSize = 32, int NumSteps = 35, int NumHiddens = 256);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var (trainIter, vocab) = TimeMachine.LoadData(ctx.Data, s.BatchSize, s.NumSteps, seed: (int)ctx.Options.Seed);
        Train.Ch8(ctx, new GruScratchModel(vocab.Count, s.NumHiddens), trainIter, vocab, Updaters.ScratchSgd(s.Lr), s.Epochs, "scratch");
        Train.Ch8(ctx, new RnnModel(RecurrentLayer.Gru, vocab.Count, s.NumHiddens), trainIter, vocab, Updaters.Sgd(s.Lr), s.Epochs, "concise");
    }
}
