namespace Course.Core.Data;

/// <summary>
/// d2l's <c>Vocab</c> (8.2): tokens indexed by descending frequency (ties in order of first appearance), with
/// <c>&lt;unk&gt;</c> at index 0, then the reserved tokens, then every token seen at least <c>minFreq</c> times.
/// </summary>
public sealed class Vocab
{
    /// <summary>The unknown token's text.</summary>
    public const string UnknownToken = "<unk>";

    private readonly List<string> _idxToToken;
    private readonly Dictionary<string, int> _tokenToIdx;

    /// <summary>Builds the vocabulary of <paramref name="tokens"/> (d2l's <c>Vocab(tokens, min_freq, reserved_tokens)</c>).</summary>
    public Vocab(IEnumerable<string> tokens, int minFreq = 0, IEnumerable<string>? reservedTokens = null)
    {
        TokenFreqs = CountCorpus(tokens).OrderByDescending(kv => kv.Value).ToArray();
        _idxToToken = [UnknownToken, .. reservedTokens ?? []];
        _tokenToIdx = _idxToToken.Select((token, i) => (token, i)).ToDictionary(p => p.token, p => p.i);
        foreach (var (token, freq) in TokenFreqs)
        {
            if (freq < minFreq) break;
            if (_tokenToIdx.TryAdd(token, _idxToToken.Count)) _idxToToken.Add(token);
        }
    }

    /// <summary>Every token with its count, most frequent first (d2l's <c>token_freqs</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, int>> TokenFreqs { get; }

    /// <summary>The number of tokens, <c>&lt;unk&gt;</c> and reserved tokens included.</summary>
    public int Count => _idxToToken.Count;

    /// <summary>The index of <c>&lt;unk&gt;</c>: 0 (d2l's <c>vocab.unk</c>).</summary>
    public const int Unk = 0;

    /// <summary>The index of <paramref name="token"/>, or <see cref="Unk"/> for a token not in the vocabulary.</summary>
    public int this[string token] => _tokenToIdx.GetValueOrDefault(token, Unk);

    /// <summary>The indices of <paramref name="tokens"/> (d2l's <c>vocab[tokens]</c>).</summary>
    public int[] ToIndices(IEnumerable<string> tokens) => tokens.Select(t => this[t]).ToArray();

    /// <summary>The tokens of <paramref name="indices"/> (d2l's <c>to_tokens</c>).</summary>
    public string[] ToTokens(IEnumerable<int> indices) => indices.Select(i => _idxToToken[i]).ToArray();

    /// <summary>d2l's <c>count_corpus</c>: token counts in order of first appearance.</summary>
    public static IReadOnlyList<KeyValuePair<string, int>> CountCorpus(IEnumerable<string> tokens)
    {
        var counts = new Dictionary<string, int>();
        var order = new List<string>();
        foreach (string token in tokens)
        {
            if (counts.TryGetValue(token, out int n)) counts[token] = n + 1;
            else
            {
                counts[token] = 1;
                order.Add(token);
            }
        }
        return order.Select(t => new KeyValuePair<string, int>(t, counts[t])).ToArray();
    }
}
