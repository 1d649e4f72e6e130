using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;

namespace Course.Chapters.Ch08_RecurrentNeuralNetworks;

/// <summary>8.2 Text preprocessing: read <i>The Time Machine</i>, tokenize it, build a vocabulary, and index the corpus.</summary>
[Section("text-preprocessing", "8.2", "Text preprocessing", Dataset = "The Time Machine")]
public sealed class TextPreprocessing : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var lines = TimeMachine.ReadLines(ctx.Data);
        ctx.Out.WriteLine($"# text lines: {lines.Count}");
        ctx.Out.WriteLine(lines[0]);
        ctx.Out.WriteLine(lines[10]);

        var tokens = TimeMachine.Tokenize(lines, TokenKind.Word);
        foreach (var line in tokens.Take(11)) ctx.Out.WriteLine($"[{string.Join(", ", line.Select(t => $"'{t}'"))}]");

        var vocab = new Vocab(tokens.SelectMany(t => t));
        ctx.Out.WriteLine("first ten of the word vocabulary: " + string.Join(", ", vocab.ToTokens(Enumerable.Range(0, 10)).Select((t, i) => $"('{t}', {i})")));
        foreach (int i in new[] { 0, 10 })
        {
            ctx.Out.WriteLine($"words: [{string.Join(", ", tokens[i].Select(t => $"'{t}'"))}]");
            ctx.Out.WriteLine($"indices: [{string.Join(", ", vocab.ToIndices(tokens[i]))}]");
        }

        var (corpus, charVocab) = TimeMachine.LoadCorpus(ctx.Data);
        ctx.Out.WriteLine($"len(corpus), len(vocab) = ({corpus.Length}, {charVocab.Count})");
        ctx.Metric("lines", lines.Count);
        ctx.Metric("word_vocab", vocab.Count);
        ctx.Metric("char_corpus", corpus.Length);
        ctx.Metric("char_vocab", charVocab.Count);
    }
}
