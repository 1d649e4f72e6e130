using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Seq2Seq;

namespace Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;

/// <summary>
/// 9.8 Beam search. The book describes greedy, exhaustive and beam search and scores a candidate by
/// log P(y₁…y_L | c) / L^α (α = 0.75); it trains no model. Here 9.7's seq2seq is trained as in 9.7 and each test
/// sentence is translated greedily and with beams of 2 and 3 (<c>beam_sizes</c>), with the objective and BLEU of each.
/// </summary>
[Section("beam-search", "9.8", "Beam search", Dataset = "fra-eng", Options = OptionSets.Training)]
public sealed class BeamSearch : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        int[] beamSizes = ctx.Hyper("beam_sizes", new[] { 2, 3 });
        double alpha = ctx.Hyper("alpha", 0.75);
        var sizes = TranslationRun.RnnSizes(ctx);
        var translator = TranslationRun.Train(ctx, (source, target) => SequenceToSequence.Build(source, target, sizes), bookEpochs: 300);
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
