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
[Section("rnn-scratch", "8.5", "Implementation of recurrent neural networks from scratch", Dataset = "The Time Machine", Options = OptionSets.Training)]
public sealed class RnnScratch : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        int epochs = ctx.Epochs(500), batchSize = ctx.BatchSize(32), numSteps = ctx.Hyper("num_steps", 35), hiddens = ctx.Hyper("num_hiddens", 512);
        double lr = ctx.LearningRate(1);
        foreach (bool random in new[] { false, true })
        {
            var (data, vocab) = TimeMachine.LoadData(ctx.Data, batchSize, numSteps, random, seed: (int)ctx.Options.Seed);
            var net = new RnnScratchModel(vocab.Count, hiddens);
            string name = random ? "random" : "sequential";
            LanguageModelRun.Train(ctx, net, data, vocab, Updaters.ScratchSgd(lr), epochs, name);
        }
    }
}
