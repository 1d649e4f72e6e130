using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;

/// <summary>The runs 9.1–9.4 share: the time machine at batch 32 and 35 steps, trained with <c>train_ch8</c> for 500 epochs.</summary>
public static class RecurrentRuns
{
    /// <summary>9.1 and 9.2: the from-scratch model with d2l's <c>sgd</c>, then the concise one with <c>optim.SGD</c> (lr 1, 256 hidden units).</summary>
    public static void ScratchAndConcise(RunContext ctx, Func<int, RecurrentLanguageModel> scratch, RecurrentLayer concise)
    {
        var (data, vocab, epochs, lr) = Setup(ctx, bookLr: 1);
        var model = scratch(vocab.Count);
        LanguageModelRun.Train(ctx, model, data, vocab, Updaters.ScratchSgd(lr), epochs, "scratch");
        Concise(ctx, new RnnModel(concise, vocab.Count, 256), data, vocab, epochs, lr, "concise");
    }

    /// <summary>9.3 and 9.4: one concise model built by <paramref name="model"/> from the vocabulary size.</summary>
    public static void ConciseOnly(RunContext ctx, double bookLr, Func<int, RnnModel> model)
    {
        var (data, vocab, epochs, lr) = Setup(ctx, bookLr);
        Concise(ctx, model(vocab.Count), data, vocab, epochs, lr, "concise");
    }

    private static (SeqDataLoader Data, Vocab Vocab, int Epochs, double Lr) Setup(RunContext ctx, double bookLr)
    {
        int epochs = ctx.Epochs(500), batchSize = ctx.BatchSize(32), numSteps = ctx.Hyper("num_steps", 35);
        double lr = ctx.LearningRate(bookLr);
        var (data, vocab) = TimeMachine.LoadData(ctx.Data, batchSize, numSteps, seed: (int)ctx.Options.Seed);
        return (data, vocab, epochs, lr);
    }

    private static void Concise(RunContext ctx, RnnModel model, SeqDataLoader data, Vocab vocab, int epochs, double lr, string name)
    {
        LanguageModelRun.Train(ctx, model, data, vocab, Updaters.Sgd(lr), epochs, name);
    }
}
