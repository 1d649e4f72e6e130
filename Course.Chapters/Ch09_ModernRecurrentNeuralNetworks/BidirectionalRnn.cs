using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;

namespace Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;

/// <summary>
/// 9.4 Bidirectional recurrent networks, used the wrong way on purpose as the book does: a two-layer bidirectional
/// LSTM trained as a language model sees the future it should predict, so its training perplexity is low and its
/// predictions are useless ("time travellerererer…").
/// </summary>
[Section("bi-rnn", "9.4", "Bidirectional recurrent neural networks (the wrong application)", Dataset = "The Time Machine", PerCoreThreads = true)]
public sealed class BidirectionalRnn : ISection<BidirectionalRnn.Settings>
{
    /// <summary>The book's <c>batch_size, num_steps = 32, 35</c>, <c>num_hiddens, num_layers = 256, 2</c>, <c>num_epochs, lr = 500, 1</c>.</summary>
    public sealed record Settings(int Epochs = 500, double Lr = 1, int BatchSize = 32, int NumSteps = 35, int NumHiddens = 256, int NumLayers = 2);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var (trainIter, vocab) = TimeMachine.LoadData(ctx.Data, s.BatchSize, s.NumSteps, seed: (int)ctx.Options.Seed);
        var model = new RnnModel(RecurrentLayer.Lstm, vocab.Count, s.NumHiddens, numLayers: s.NumLayers, bidirectional: true);
        Train.Ch8(ctx, model, trainIter, vocab, Updaters.Sgd(s.Lr), s.Epochs, "concise");
    }
}
