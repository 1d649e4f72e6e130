using Course.Core.Data;
using Course.Tests;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.ChapterNotes;

/// <summary>The Q&amp;A of the bidirectional RNN and machine translation lectures (d2l 9.4, 9.5).</summary>
public sealed class NotesChapter9Tests
{
    [Test]
    public void TheBackwardDirectionStartsFromZeros()
    {
        manual_seed(1);
        var lstm = nn.LSTM(4, 3, bidirectional: true);
        var x = randn(5, 2, 4);
        var (implicitStart, _, _) = lstm.call(x, null);
        var (zeroStart, _, _) = lstm.call(x, (zeros(2, 2, 3), zeros(2, 2, 3)));
        Assert.That(implicitStart.allclose(zeroStart));
        var (otherStart, _, _) = lstm.call(x, (ones(2, 2, 3), zeros(2, 2, 3)));
        Assert.That(otherStart.allclose(zeroStart), Is.False, "the start state matters, and the default is zeros");
    }

    [Test]
    public void TheLstmHiddenStateIsBoundedButTheCellIsNot()
    {
        manual_seed(2);
        var lstm = nn.LSTM(4, 16);
        var x = 10 * ones(50, 1, 4);
        var (output, _, c) = lstm.call(x, null);
        Assert.That(output.abs().max().item<float>(), Is.LessThan(1f), "H = O ⊙ tanh(C)");
        Assert.That(c.abs().max().item<float>(), Is.GreaterThan(2f), "C adds up over time");
    }

    [Test]
    public void BidirectionalOutputsDependOnTheFuture()
    {
        manual_seed(3);
        var x = randn(6, 1, 4);
        var changed = x.clone();
        changed[5] = randn(1, 4);
        var bi = nn.LSTM(4, 3, bidirectional: true);
        var uni = nn.LSTM(4, 3);
        Assert.That(bi.call(x, null).Item1[0].allclose(bi.call(changed, null).Item1[0]), Is.False, "step 0 sees step 5");
        Assert.That(uni.call(x, null).Item1[0].allclose(uni.call(changed, null).Item1[0]), "a forecaster must not");
    }

    [Test]
    public void TheTwoDirectionsShareNoWeights()
    {
        manual_seed(4);
        var bi = nn.LSTM(4, 3, bidirectional: true);
        var names = bi.named_parameters().Select(p => p.name).ToArray();
        Assert.That(names, Is.EquivalentTo(new[]
        {
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
            "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
        }));
        var forward = nn.LSTM(4, 3);
        var backward = nn.LSTM(4, 3);
        var source = bi.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
        {
            foreach (var (name, p) in forward.named_parameters()) p.copy_(source[name]);
            foreach (var (name, p) in backward.named_parameters()) p.copy_(source[name + "_reverse"]);
        }
        var x = randn(5, 2, 4);
        var both = bi.call(x, null).Item1;
        Assert.That(both.narrow(2, 0, 3).allclose(forward.call(x, null).Item1, atol: 1e-6));
        Assert.That(both.narrow(2, 3, 3).allclose(backward.call(x.flip(0), null).Item1.flip(0), atol: 1e-6),
            "the output is two independent LSTMs side by side");
    }

    [Test]
    public void SourceAndTargetStayPairedAfterIndexing()
    {
        // The first 1000 lines are enough; preprocessing works line by line.
        string text = FraEng.Preprocess(string.Join('\n', FraEng.Read(TestEnvironment.Data).Split('\n').Take(1000)));
        var (source, target) = FraEng.Tokenize(text, numExamples: 600);
        var srcVocab = new Vocab(source.SelectMany(l => l), minFreq: 2, reservedTokens: FraEng.ReservedTokens);
        var tgtVocab = new Vocab(target.SelectMany(l => l), minFreq: 2, reservedTokens: FraEng.ReservedTokens);
        Assert.That(srcVocab["go"], Is.Not.EqualTo(tgtVocab["va"]), "the two vocabularies number their tokens independently");
        var (srcArray, srcValid) = FraEng.BuildArray(source, srcVocab, 8);
        var (tgtArray, tgtValid) = FraEng.BuildArray(target, tgtVocab, 8);
        // A short row is its tokens, <eos>, then padding: the valid length less one is the sentence.
        static string[] Decode(Tensor row, Tensor valid, Vocab vocab) =>
            vocab.ToTokens(NotesCheck.Longs(row.narrow(0, 0, valid.item<long>() - 1)).Select(i => (int)i));
        static string[] Indexed(string sentence, Vocab vocab) => vocab.ToTokens(vocab.ToIndices(sentence.Split(' ')));
        string[] lines = text.Split('\n');
        for (int i = 0; i < 20; i++)
        {
            string[] pair = lines[i].Split('\t');
            Assert.That(Decode(srcArray[i], srcValid[i], srcVocab), Is.EqualTo(Indexed(pair[0], srcVocab)), $"source row {i}");
            Assert.That(Decode(tgtArray[i], tgtValid[i], tgtVocab), Is.EqualTo(Indexed(pair[1], tgtVocab)), $"target row {i}");
        }
        Assert.That(Decode(srcArray[0], srcValid[0], srcVocab), Is.EqualTo(new[] { "go", "." }));
        Assert.That(Decode(tgtArray[0], tgtValid[0], tgtVocab), Is.EqualTo(new[] { "va", "!" }));
    }
}
