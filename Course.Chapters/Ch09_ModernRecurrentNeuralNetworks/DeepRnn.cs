using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;

namespace Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;

/// <summary>9.3 Deep recurrent networks: a two-layer <c>nn.LSTM</c> with 256 hidden units per layer, lr 2, 500 epochs.</summary>
[Section("deep-rnn", "9.3", "Deep recurrent neural networks", Dataset = "The Time Machine", Options = OptionSets.Training, PerCoreThreads = true)]
public sealed class DeepRnn : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx) =>
        RecurrentRuns.ConciseOnly(ctx, bookLr: 2, vocab => new RnnModel(RecurrentLayer.Lstm, vocab, 256, numLayers: ctx.Hyper("num_layers", 2)));
}
