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
/// What the translation sections (9.7, 9.8, chapter 10) share around d2l's <c>train_seq2seq</c>: the fra-eng data
/// (batch 64, 10 steps, 600 examples), the loss curve, the closing line, and the four test sentences with their BLEU.
/// </summary>
public static class TranslationRun
{
    /// <summary>The book's evaluation pairs.</summary>
    public static IReadOnlyList<(string English, string French)> TestPairs { get; } =
        [("go .", "va !"), ("i lost .", "j'ai perdu ."), ("he's calm .", "il est calme ."), ("i'm home .", "je suis chez moi .")];

    /// <summary>The RNN models' sizes in 9.7 and 10.4: embedding 32, 32 hidden units, 2 GRU layers, dropout 0.1.</summary>
    public static TranslationSizes RnnSizes(RunContext ctx) =>
        new(ctx.Hyper("embed_size", 32), ctx.Hyper("num_hiddens", 32), ctx.Hyper("num_layers", 2), ctx.Hyper("dropout", 0.1));

    /// <summary>Loads the data, builds the model with <paramref name="build"/> from both vocabularies, trains it, and returns a translator for it.</summary>
    public static Translator Train(RunContext ctx, Func<Vocab, Vocab, EncoderDecoder> build, int bookEpochs, double bookLr = 0.005)
    {
        int batchSize = ctx.BatchSize(64), numSteps = ctx.Hyper("num_steps", 10), epochs = ctx.Epochs(bookEpochs);
        double lr = ctx.LearningRate(bookLr);
        var (data, source, target) = FraEng.LoadData(ctx.Data, batchSize, numSteps, seed: ctx.Options.Seed);
        var net = build(source, target);
        var trainer = new Seq2SeqTrainer
        {
            Epochs = epochs,
            Device = ctx.Device,
            Progress = ctx.Progress,
            Checkpoint = ctx.Checkpoint(),
            Weights = ctx.Weights(),
            Animator = new Animator(ctx.Figure("loss"), ["train"], new AxesStyle { XLabel = "epoch", YLabel = "loss", XLim = (10, epochs) }),
        };
        var history = trainer.Fit(net, data, Updaters.Adam(lr), target["<bos>"]);
        ctx.Out.WriteLine(history.SummaryLine(Devices.Describe(ctx.Device)));
        ctx.Metric("loss", history.Losses[^1]);
        ctx.Metric("tokens_per_sec", history.TokensPerSecond);
        return new Translator(net, source, target, numSteps);
    }

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
