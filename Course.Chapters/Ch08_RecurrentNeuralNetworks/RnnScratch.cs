using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch08_RecurrentNeuralNetworks;

/// <summary>
/// 8.5 d2l's <c>RNNModelScratch</c> with its <c>get_params</c>, <c>init_rnn_state</c> and <c>rnn</c>: one-hot inputs,
/// H_t = tanh(X_t W_xh + H_{t−1} W_hh + b_h) and outputs H_t W_hq + b_q.
/// </summary>
public sealed class RnnScratchModel : ScratchRecurrentModel
{
    /// <summary>Input-to-hidden weights (vocab, hiddens).</summary>
    public readonly Parameter W_xh;

    /// <summary>Hidden-to-hidden weights (hiddens, hiddens).</summary>
    public readonly Parameter W_hh;

    /// <summary>Hidden bias.</summary>
    public readonly Parameter b_h;

    /// <summary>d2l's <c>get_params(vocab_size, num_hiddens)</c>: weights from N(0, 0.01²), biases zero.</summary>
    public RnnScratchModel(int vocabSize, int numHiddens) : base(nameof(RnnScratchModel), vocabSize, numHiddens)
    {
        W_xh = Normal(vocabSize, numHiddens);
        W_hh = Normal(numHiddens, numHiddens);
        b_h = nn.Parameter(zeros(numHiddens));
        RegisterComponents();
    }

    /// <summary>d2l's <c>init_rnn_state</c>: H = 0 of shape (batch, hiddens).</summary>
    public override Tensor[] BeginState(int batchSize, Device device) => [zeros(batchSize, NumHiddens, device: device)];

    /// <inheritdoc />
    protected override Tensor[] Step(Tensor x, Tensor[] state) => [tanh(mm(x, W_xh) + mm(state[0], W_hh) + b_h)];
}

/// <summary>
/// 8.5 RNN from scratch on the time machine: batch 32, 35 steps, 512 hidden units, lr 1, 500 epochs with d2l's
/// <c>sgd</c>, sequential partitioning, then the same with random sampling.
/// </summary>
[Section("rnn-scratch", "8.5", "Implementation of recurrent neural networks from scratch", Dataset = "The Time Machine")]
public sealed class RnnScratch : ISection<RnnScratch.Settings>
{
    /// <summary>The book's <c>batch_size, num_steps = 32, 35</c>, <c>num_hiddens = 512</c>, <c>num_epochs, lr = 500, 1</c>.</summary>
    public sealed record Settings(int Epochs = 500, double Lr = 1, int BatchSize = 32, int NumSteps = 35, int NumHiddens = 512);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        foreach (bool useRandomIter in new[] { false, true })
        {
            var (trainIter, vocab) = TimeMachine.LoadData(ctx.Data, s.BatchSize, s.NumSteps, useRandomIter, seed: (int)ctx.Options.Seed);
            var net = new RnnScratchModel(vocab.Count, s.NumHiddens);
            Train.Ch8(ctx, net, trainIter, vocab, Updaters.ScratchSgd(s.Lr), s.Epochs, useRandomIter ? "random" : "sequential");
        }
    }
}
