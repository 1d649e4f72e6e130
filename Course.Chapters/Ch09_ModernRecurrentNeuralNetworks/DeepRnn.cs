using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;

namespace Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;

/// <summary>9.3 Deep recurrent networks: a two-layer <c>nn.LSTM</c> with 256 hidden units per layer, lr 2, 500 epochs.</summary>
[Section("deep-rnn", "9.3", "Deep recurrent neural networks", Dataset = "The Time Machine", PerCoreThreads = true)]
public sealed class DeepRnn : ISection<DeepRnn.Settings>
{
    /// <summary>The book's <c>batch_size, num_steps = 32, 35</c>, <c>num_hiddens, num_layers = 256, 2</c>, <c>num_epochs, lr = 500, 2</c>.</summary>
    public sealed record Settings(int Epochs = 500, double Lr = 2, int BatchSize = 32, int NumSteps = 35, int NumHiddens = 256, int NumLayers = 2);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var (trainIter, vocab) = TimeMachine.LoadData(ctx.Data, s.BatchSize, s.NumSteps, seed: (int)ctx.Options.Seed);
        var model = new RnnModel(RecurrentLayer.Lstm, vocab.Count, s.NumHiddens, numLayers: s.NumLayers);
        Train.Ch8(ctx, model, trainIter, vocab, Updaters.Sgd(s.Lr), s.Epochs, "concise");
    }
}
