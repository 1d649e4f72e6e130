using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;

/// <summary>9.5 Machine translation and the dataset: English–French pairs, preprocessing, tokens, vocabularies, padding and batches.</summary>
[Section("machine-translation", "9.5", "Machine translation and the dataset", Dataset = "fra-eng")]
public sealed class MachineTranslationData : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        string raw = FraEng.Read(ctx.Data);
        ctx.Out.WriteLine(raw[..75]);
        string text = FraEng.Preprocess(raw);
        ctx.Out.WriteLine(text[..80]);
        var (source, target) = FraEng.Tokenize(text);
        ctx.Out.WriteLine($"source[:6] = {string.Join(" ", source.Take(6).Select(l => $"[{string.Join(", ", l.Select(t => $"'{t}'"))}]"))}");
        ctx.Out.WriteLine($"target[:6] = {string.Join(" ", target.Take(6).Select(l => $"[{string.Join(", ", l.Select(t => $"'{t}'"))}]"))}");

        // d2l's show_list_len_pair_hist: how many sentences have each length, source against target.
        int maxLength = Math.Max(source.Max(l => l.Length), target.Max(l => l.Length));
        double[] lengths = Enumerable.Range(1, maxLength).Select(n => (double)n).ToArray();
        double[] Counts(List<string[]> lines) => lengths.Select(n => (double)lines.Count(l => l.Length == (int)n)).ToArray();
        ctx.Figure("lengths", path => LineChart.Save(path, lengths, [Counts(source), Counts(target)], ["source", "target"],
            new AxesStyle { XLabel = "# tokens per sequence", YLabel = "count" }));

        var srcVocab = new Vocab(source.SelectMany(l => l), minFreq: 2, reservedTokens: FraEng.ReservedTokens);
        ctx.Out.WriteLine($"len(src_vocab) = {srcVocab.Count}");
        ctx.Out.WriteLine($"truncate_pad(src_vocab[source[0]], 10, '<pad>') = [{string.Join(", ", FraEng.TruncatePad(srcVocab.ToIndices(source[0]), 10, srcVocab["<pad>"]))}]");

        var (data, _, _) = FraEng.LoadData(ctx.Data, batchSize: 2, numSteps: 8, seed: ctx.Options.Seed);
        using var scope = NewDisposeScope();
        var (X, xValid, Y, yValid) = data.First();
        ctx.Out.WriteLine($"X: {Printing.Format(X)}\nvalid lengths for X: {Printing.Format(xValid)}\nY: {Printing.Format(Y)}\nvalid lengths for Y: {Printing.Format(yValid)}");
        ctx.Metric("pairs", source.Count);
        ctx.Metric("src_vocab", srcVocab.Count);
    }
}
