using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Chapters.Ch08_RecurrentNeuralNetworks;

/// <summary>
/// 8.3 Language models and the data set: word, bigram and trigram frequencies with the Zipf plot, and the two ways of
/// cutting a corpus into minibatches of subsequences.
/// </summary>
[Section("language-models", "8.3", "Language models and the dataset", Dataset = "The Time Machine")]
public sealed class LanguageModels : ISection
{
    /// <summary>The corpus as consecutive n-grams, each joined by a space (d2l's <c>zip(corpus[:-1], corpus[1:])</c> for n = 2).</summary>
    public static IEnumerable<string> NGrams(IReadOnlyList<string> corpus, int n) =>
        Enumerable.Range(0, corpus.Count - n + 1).Select(i => string.Join(' ', Enumerable.Range(i, n).Select(j => corpus[j])));

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var corpus = TimeMachine.Tokenize(TimeMachine.ReadLines(ctx.Data), TokenKind.Word).SelectMany(t => t).ToArray();
        var vocabs = Enumerable.Range(1, 3).Select(n => new Vocab(NGrams(corpus, n))).ToArray();
        string[] names = ["unigram", "bigram", "trigram"];
        for (int n = 0; n < 3; n++)
            ctx.Out.WriteLine($"top {names[n]}s: " + string.Join(", ", vocabs[n].TokenFreqs.Take(10).Select(kv => $"('{kv.Key}', {kv.Value})")));

        ctx.Figure("zipf", path => LineChart.Save(path,
            vocabs.Select((v, n) => new LineSeries(names[n], Enumerable.Range(1, v.TokenFreqs.Count).Select(i => (double)i).ToArray(),
                v.TokenFreqs.Select(kv => (double)kv.Value).ToArray())).ToArray(),
            new AxesStyle { XLabel = "token: x", YLabel = "frequency: n(x)", XScale = Scale.Log, YScale = Scale.Log }));

        int[] sequence = Enumerable.Range(0, 35).ToArray();
        ctx.Out.WriteLine("random sampling of arange(35), batch 2, 5 steps:");
        foreach (var (x, y) in new SeqDataLoader(sequence, 2, 5, useRandomIter: true, (int)ctx.Options.Seed))
            ctx.Out.WriteLine($"X: {Printing.Format(x)}\nY: {Printing.Format(y)}");
        ctx.Out.WriteLine("sequential partitioning of arange(35), batch 2, 5 steps:");
        foreach (var (x, y) in new SeqDataLoader(sequence, 2, 5, useRandomIter: false, (int)ctx.Options.Seed))
            ctx.Out.WriteLine($"X: {Printing.Format(x)}\nY: {Printing.Format(y)}");
        ctx.Metric("word_tokens", corpus.Length);
    }
}
