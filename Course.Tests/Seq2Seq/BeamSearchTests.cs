using Course.Core.Data;
using Course.Core.Seq2Seq;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Seq2Seq;

/// <summary>9.8: greedy and beam search on a decoder whose next-token probabilities are a fixed table, after the book's figures.</summary>
public sealed class BeamSearchTests
{
    private static readonly Vocab Target = new(["A", "B", "C"], reservedTokens: FraEng.ReservedTokens);

    // Next-token probabilities of A, B, C, <eos> after each prefix; any other prefix: 0.25 each.
    private static readonly Dictionary<string, double[]> Table = new()
    {
        [""] = [0.5, 0.25, 0.15, 0.1],
        ["A"] = [0.1, 0.4, 0.3, 0.2],
        ["A B"] = [0.2, 0.2, 0.4, 0.2],
        ["A B C"] = [0.1, 0.1, 0.2, 0.6],
        ["A C"] = [0.1, 0.6, 0.2, 0.1],
        ["A C B"] = [0.1, 0.1, 0.2, 0.6],
    };

    private static double[] Next(string prefix) => Table.GetValueOrDefault(prefix, [0.25, 0.25, 0.25, 0.25]);

    private static Translator Translator(int numSteps = 4) =>
        new(new EncoderDecoder(new SourceEncoder(), new TableDecoder()), Target, Target, numSteps);

    [Test]
    public void GreedySearchTakesTheLikeliestTokenEachStep()
    {
        var greedy = Translator().Greedy("A");
        Assert.That(greedy.Text, Is.EqualTo("A B C"));
        Assert.That(Math.Exp(greedy.LogProbability), Is.EqualTo(0.5 * 0.4 * 0.4 * 0.6).Within(1e-6), "the book's 0.048");
        Assert.That(greedy.Length, Is.EqualTo(4), "<eos> counts");
    }

    [Test]
    public void ABeamOfTwoFindsTheBetterSequenceGreedyMisses()
    {
        var beam = Translator().BeamSearch("A", beamSize: 2);
        Assert.That(beam.Text, Is.EqualTo("A C B"));
        Assert.That(Math.Exp(beam.LogProbability), Is.EqualTo(0.5 * 0.3 * 0.6 * 0.6).Within(1e-6), "the book's 0.054");
    }

    [Test]
    public void ABeamOfOneIsGreedySearch()
    {
        foreach (int steps in new[] { 2, 3, 4, 6 })
        {
            var (greedy, beam) = (Translator(steps).Greedy("A"), Translator(steps).BeamSearch("A", 1));
            Assert.That(beam, Is.EqualTo(greedy).Using<Translation>((a, b) => a.Text == b.Text && a.Length == b.Length && Math.Abs(a.LogProbability - b.LogProbability) < 1e-9));
        }
    }

    [Test]
    public void WideEnoughBeamsFindTheExhaustiveOptimumAndScoresNeverDropAsTheBeamWidens()
    {
        var translator = Translator();
        double[] scores = [.. new[] { 1, 2, 3, 4, 8, 64 }.Select(k => translator.BeamSearch("A", k).Score())];
        Assert.That(scores, Is.Ordered.Ascending);
        Assert.That(scores[^1], Is.EqualTo(ExhaustiveBest(4)).Within(1e-6), "float32 log-probabilities");
    }

    /// <summary>The best length-normalised score over every sequence of A, B, C that ends in &lt;eos&gt; or runs to <paramref name="numSteps"/> tokens.</summary>
    private static double ExhaustiveBest(int numSteps)
    {
        double best = double.NegativeInfinity;
        void Visit(List<string> prefix, double logP)
        {
            double[] next = Next(string.Join(' ', prefix));
            int length = prefix.Count + 1;
            best = Math.Max(best, (logP + Math.Log(next[3])) / Math.Pow(length, 0.75));
            for (int token = 0; token < 3; token++)
            {
                List<string> longer = [.. prefix, "ABC"[token].ToString()];
                double p = logP + Math.Log(next[token]);
                if (longer.Count == numSteps) best = Math.Max(best, p / Math.Pow(numSteps, 0.75));
                else Visit(longer, p);
            }
        }
        Visit([], 0);
        return best;
    }

    /// <summary>Passes the source through; the table decoder ignores it.</summary>
    private sealed class SourceEncoder() : Encoder(nameof(SourceEncoder))
    {
        public override Tensor[] forward(Tensor X, Tensor? validLens) => [X];
    }

    /// <summary>Its state is the tokens so far; its logits are the logarithms of <see cref="Next"/> for them.</summary>
    private sealed class TableDecoder() : Decoder(nameof(TableDecoder))
    {
        public override Tensor?[] InitState(Tensor[] encoderOutputs, Tensor? encoderValidLens) => [zeros([1, 0], dtype: int64)];

        public override (Tensor Output, Tensor?[] State) forward(Tensor X, Tensor?[] state)
        {
            var tokens = cat([state[0]!, X], 1);
            string prefix = string.Join(' ', Target.ToTokens(tokens[0].data<long>().Skip(1).Select(t => (int)t)));
            var probabilities = new double[Target.Count];
            double[] next = Next(prefix);
            for (int i = 0; i < 3; i++) probabilities[Target[((char)('A' + i)).ToString()]] = next[i];
            probabilities[Target["<eos>"]] = next[3];
            return (tensor(probabilities, dtype: float32).log().reshape(1, 1, -1), [tokens]);
        }
    }
}
