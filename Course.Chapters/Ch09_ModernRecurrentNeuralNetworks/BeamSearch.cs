using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Seq2Seq;
using Course.Core.Training;

namespace Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;

/// <summary>
/// 9.8 Beam search. The book describes greedy, exhaustive and beam search and scores a candidate by
/// log P(y₁…y_L | c) / L^α (α = 0.75); it trains no model. Here 9.7's seq2seq is trained as in 9.7 and each test
/// sentence is translated greedily and with beams of 2 and 3 (<c>beam_sizes</c>), with the objective and BLEU of each.
/// </summary>
[Section("beam-search", "9.8", "Beam search", Dataset = "fra-eng")]
public sealed class BeamSearch : ISection<BeamSearch.Settings>
{
    /// <summary>9.7's model and training (<c>embed_size, num_hiddens, num_layers, dropout = 32, 32, 2, 0.1</c>, <c>batch_size, num_steps = 64, 10</c>, <c>lr, num_epochs = 0.005, 300</c>), searched with beams of 2 and 3 and the length penalty α = 0.75.</summary>
    public sealed record Settings(int EmbedSize = 32, int NumHiddens = 32, int NumLayers = 2, [Range(0.0, 1.0, MaximumIsExclusive = true)] double Dropout = 0.1,
        int BatchSize = 64, int NumSteps = 10, double Lr = 0.005, int Epochs = 300, double Alpha = 0.75);


    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        int[] beamSizes = [2, 3];
        double alpha = s.Alpha;
        var (trainIter, srcVocab, tgtVocab) = FraEng.LoadData(ctx.Data, s.BatchSize, s.NumSteps, seed: ctx.Options.Seed);
        var net = SequenceToSequence.Build(srcVocab, tgtVocab, new TranslationSizes(s.EmbedSize, s.NumHiddens, s.NumLayers, s.Dropout));
        Train.Seq2Seq(ctx, net, trainIter, s.Lr, s.Epochs, tgtVocab);
        var translator = new Translator(net, srcVocab, tgtVocab, s.NumSteps);
        foreach (var (english, french) in TranslationRun.TestPairs)
        {
            ctx.Out.WriteLine($"{english}  (reference: {french})");
            Show("greedy", translator.Greedy(english), english, french);
            foreach (int k in beamSizes) Show($"beam k={k}", translator.BeamSearch(english, k, alpha), english, french);
        }

        void Show(string search, Translation translation, string english, string french)
        {
            double bleu = Bleu.Score(translation.Text, french, k: 2);
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {search,-10} {translation.Text,-28} log P {translation.LogProbability,7:F3}  score {translation.Score(alpha),7:F3}  bleu {bleu:F3}"));
            ctx.Metric($"bleu[{english}, {search}]", bleu);
        }
    }
}
