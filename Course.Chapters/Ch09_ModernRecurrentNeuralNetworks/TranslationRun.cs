using System.Globalization;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Seq2Seq;
using Course.Core.Training;

namespace Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;

/// <summary>The sizes of d2l's translation models (9.7, 10.4): embedding, hidden units, layers and dropout.</summary>
public sealed record TranslationSizes(int EmbedSize, int NumHiddens, int NumLayers, double Dropout);

/// <summary>
/// What the translation sections (9.7, 9.8, chapter 10) share after d2l's <c>train_seq2seq</c>: the four test
/// sentences, their translations and BLEU.
/// </summary>
public static class TranslationRun
{
    /// <summary>The book's evaluation pairs.</summary>
    public static IReadOnlyList<(string English, string French)> TestPairs { get; } =
        [("go .", "va !"), ("i lost .", "j'ai perdu ."), ("he's calm .", "il est calme ."), ("i'm home .", "je suis chez moi .")];

    /// <summary>The book's closing lines: <c>go . =&gt; va !, bleu 1.000</c> for each test pair, with greedy search.</summary>
    public static void Translate(RunContext ctx, Translator translator)
    {
        foreach (var (english, french) in TestPairs)
        {
            string translation = translator.Greedy(english).Text;
            double bleu = Bleu.Score(translation, french, k: 2);
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{english} => {translation}, bleu {bleu:F3}"));
            ctx.Metric($"bleu[{english}]", bleu);
        }
    }
}
