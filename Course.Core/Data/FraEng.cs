using System.Text;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Core.Data;

/// <summary>
/// The English–French pairs of d2l 9.5 (<c>fra-eng/fra.txt</c>): reading, d2l's preprocessing and tokenization,
/// <c>truncate_pad</c>, <c>build_array_nmt</c> and <c>load_data_nmt</c>.
/// </summary>
public static class FraEng
{
    /// <summary>The reserved tokens of both vocabularies, after <c>&lt;unk&gt;</c>: indices 1, 2 and 3.</summary>
    public static IReadOnlyList<string> ReservedTokens { get; } = ["<pad>", "<bos>", "<eos>"];

    /// <summary>d2l's <c>read_data_nmt</c>: the whole of <c>fra.txt</c>.</summary>
    public static string Read(DataStore store) => File.ReadAllText(Path.Combine(store.ResolveFolder(DataHub.FraEng), DataHub.FraEng.Marker), Encoding.UTF8);

    /// <summary>
    /// d2l's <c>preprocess_nmt</c>: non-breaking spaces become spaces, the text is lower-cased, and a space is put
    /// before every , . ! ? that does not already follow one.
    /// </summary>
    public static string Preprocess(string text)
    {
        text = text.Replace('\u202f', ' ').Replace('\u00a0', ' ').ToLowerInvariant();
        var result = new StringBuilder(text.Length + text.Length / 8);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (i > 0 && c is ',' or '.' or '!' or '?' && text[i - 1] != ' ') result.Append(' ');
            result.Append(c);
        }
        return result.ToString();
    }

    /// <summary>
    /// d2l's <c>tokenize_nmt(text, num_examples)</c>: each tab-separated line split into source and target words; like
    /// the book, <paramref name="numExamples"/> stops after line index <paramref name="numExamples"/> (so n + 1 pairs).
    /// </summary>
    public static (List<string[]> Source, List<string[]> Target) Tokenize(string text, int? numExamples = null)
    {
        var (source, target) = (new List<string[]>(), new List<string[]>());
        int i = 0;
        foreach (string line in text.Split('\n'))
        {
            if (numExamples is { } n && i++ > n) break;
            string[] parts = line.Split('\t');
            if (parts.Length != 2) continue;
            source.Add(parts[0].Split(' '));
            target.Add(parts[1].Split(' '));
        }
        return (source, target);
    }

    /// <summary>d2l's <c>truncate_pad(line, num_steps, padding_token)</c>.</summary>
    public static int[] TruncatePad(IReadOnlyList<int> line, int numSteps, int paddingToken) =>
        line.Count > numSteps ? line.Take(numSteps).ToArray() : line.Concat(Enumerable.Repeat(paddingToken, numSteps - line.Count)).ToArray();

    /// <summary>d2l's <c>build_array_nmt</c>: each line's indices with <c>&lt;eos&gt;</c>, truncated or padded, and its valid length (tokens other than padding).</summary>
    public static (Tensor Array, Tensor ValidLength) BuildArray(IEnumerable<string[]> lines, Vocab vocab, int numSteps)
    {
        int pad = vocab["<pad>"], eos = vocab["<eos>"];
        int[][] rows = lines.Select(l => TruncatePad([.. vocab.ToIndices(l), eos], numSteps, pad)).ToArray();
        var array = tensor(rows.SelectMany(r => r).Select(v => (long)v).ToArray(), [rows.Length, numSteps]);
        var validLength = tensor(rows.Select(r => (long)r.Count(v => v != pad)).ToArray());
        return (array, validLength);
    }

    /// <summary>
    /// d2l's <c>load_data_nmt(batch_size, num_steps, num_examples)</c>: shuffled batches of (source, source valid
    /// length, target, target valid length), and both vocabularies (<c>min_freq</c> 2, reserved tokens).
    /// </summary>
    public static (NmtLoader Data, Vocab Source, Vocab Target) LoadData(DataStore store, int batchSize, int numSteps, int numExamples = 600, long seed = 0)
    {
        var (source, target) = Tokenize(Preprocess(Read(store)), numExamples);
        if (source.Count == 0)
            throw new CourseException($"{DataHub.FraEng.Zip.Name}: {DataHub.FraEng.Marker} holds no tab-separated sentence pairs; delete it and run `course data` again.");
        var srcVocab = new Vocab(source.SelectMany(l => l), minFreq: 2, reservedTokens: ReservedTokens);
        var tgtVocab = new Vocab(target.SelectMany(l => l), minFreq: 2, reservedTokens: ReservedTokens);
        var (srcArray, srcValid) = BuildArray(source, srcVocab, numSteps);
        var (tgtArray, tgtValid) = BuildArray(target, tgtVocab, numSteps);
        return (new NmtLoader(srcArray, srcValid, tgtArray, tgtValid, batchSize, seed), srcVocab, tgtVocab);
    }
}
