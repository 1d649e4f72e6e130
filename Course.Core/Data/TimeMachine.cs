using System.Text.RegularExpressions;

namespace Course.Core.Data;

/// <summary>How text is split into tokens (d2l's <c>tokenize(lines, token)</c>).</summary>
public enum TokenKind
{
    /// <summary>Whitespace-separated words.</summary>
    Word,

    /// <summary>Single characters, spaces included.</summary>
    Char,
}

/// <summary>H. G. Wells' <i>The Time Machine</i> as d2l reads it (8.2): lines, tokens, and the character corpus.</summary>
public static partial class TimeMachine
{
    /// <summary>d2l's <c>read_time_machine</c>: every line with runs of non-letters replaced by one space, trimmed, lower-cased.</summary>
    public static IReadOnlyList<string> ReadLines(DataStore store) =>
        File.ReadAllLines(store.Resolve(DataHub.TimeMachine)).Select(line => NonLetters().Replace(line, " ").Trim().ToLowerInvariant()).ToArray();

    /// <summary>d2l's <c>tokenize</c>: each line as a list of words or of characters.</summary>
    public static IReadOnlyList<string[]> Tokenize(IEnumerable<string> lines, TokenKind kind) => kind switch
    {
        TokenKind.Word => lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray(),
        _ => lines.Select(l => l.Select(c => c.ToString()).ToArray()).ToArray(),
    };

    /// <summary>
    /// d2l's <c>load_corpus_time_machine(max_tokens)</c>: the character indices of the whole book and their vocabulary
    /// (170,580 tokens, 28 entries); <paramref name="maxTokens"/> &gt; 0 keeps only the first ones.
    /// </summary>
    public static (int[] Corpus, Vocab Vocab) LoadCorpus(DataStore store, int maxTokens = -1)
    {
        var tokens = Tokenize(ReadLines(store), TokenKind.Char).SelectMany(line => line).ToArray();
        var vocab = new Vocab(tokens);
        int[] corpus = vocab.ToIndices(tokens);
        return (maxTokens > 0 && maxTokens < corpus.Length ? corpus[..maxTokens] : corpus, vocab);
    }

    /// <summary>
    /// d2l's <c>load_data_time_machine(batch_size, num_steps, use_random_iter, max_tokens)</c>: a
    /// <see cref="SeqDataLoader"/> over the first <paramref name="maxTokens"/> characters, and the vocabulary.
    /// </summary>
    public static (SeqDataLoader Data, Vocab Vocab) LoadData(DataStore store, int batchSize, int numSteps,
        bool useRandomIter = false, int maxTokens = 10000, int seed = 0)
    {
        var (corpus, vocab) = LoadCorpus(store, maxTokens);
        return (new SeqDataLoader(corpus, batchSize, numSteps, useRandomIter, seed), vocab);
    }

    [GeneratedRegex("[^A-Za-z]+")]
    private static partial Regex NonLetters();
}
