using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;

namespace Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;

/// <summary>
/// 9.4 Bidirectional recurrent networks, used the wrong way on purpose as the book does: a two-layer bidirectional
/// LSTM trained as a language model sees the future it should predict, so its training perplexity is low and its
/// predictions are useless ("time travellerererer…").
/// </summary>
[Section("bi-rnn", "9.4", "Bidirectional recurrent neural networks (the wrong application)", Dataset = "The Time Machine", Options = OptionSets.Training, PerCoreThreads = true)]
public sealed class BidirectionalRnn : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx) =>
        RecurrentRuns.ConciseOnly(ctx, bookLr: 1, vocab => new RnnModel(RecurrentLayer.Lstm, vocab, 256, numLayers: 2, bidirectional: true));
}
