using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Core.Data;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>Chapter 8 data: tokenization, Vocab, the time machine corpus and the two partitionings of 8.3.</summary>
public sealed class Chapter8Tests
{
    private static long[][] Rows(Tensor t) =>
        Enumerable.Range(0, (int)t.shape[0]).Select(r => t[r].data<long>().ToArray()).ToArray();

    [Test]
    public void VocabOrdersByFrequencyWithUnknownFirst()
    {
        var vocab = new Vocab(["b", "a", "c", "a", "b", "a", "d"], minFreq: 2, reservedTokens: ["<pad>"]);
        Assert.That(vocab.ToTokens(Enumerable.Range(0, vocab.Count)), Is.EqualTo(new[] { "<unk>", "<pad>", "a", "b" }));
        Assert.That(vocab["a"], Is.EqualTo(2));
        Assert.That(vocab["zzz"], Is.EqualTo(Vocab.Unk).And.EqualTo(0));
        Assert.That(vocab.TokenFreqs.Select(kv => (kv.Key, kv.Value)), Is.EqualTo(new[] { ("a", 3), ("b", 2), ("c", 1), ("d", 1) }));
        Assert.That(vocab.ToTokens(vocab.ToIndices(["b", "a", "<pad>"])), Is.EqualTo(new[] { "b", "a", "<pad>" }));
    }

    [Test]
    public void TiesKeepTheOrderOfFirstAppearance()
    {
        var vocab = new Vocab(["y", "x", "x", "y", "z"]);
        Assert.That(vocab.ToTokens([1, 2, 3]), Is.EqualTo(new[] { "y", "x", "z" }));
    }

    [Test]
    public void TheTimeMachineHasTheBooksSizes()
    {
        var lines = TimeMachine.ReadLines(TestEnvironment.Data);
        Assert.That(lines, Has.Count.EqualTo(3221));
        Assert.That(lines[0], Is.EqualTo("the time machine by h g wells"));
        var (corpus, vocab) = TimeMachine.LoadCorpus(TestEnvironment.Data);
        Assert.That((corpus.Length, vocab.Count), Is.EqualTo((170580, 28)));
        Assert.That(vocab.ToTokens([1, 2, 3]), Is.EqualTo(new[] { " ", "e", "t" }));
        Assert.That(TimeMachine.LoadCorpus(TestEnvironment.Data, maxTokens: 10000).Corpus, Has.Length.EqualTo(10000));
    }

    [Test]
    public void WordFrequenciesAreTheBooks()
    {
        var words = TimeMachine.Tokenize(TimeMachine.ReadLines(TestEnvironment.Data), TokenKind.Word).SelectMany(w => w).ToArray();
        var unigrams = new Vocab(words).TokenFreqs.Take(3).Select(kv => (kv.Key, kv.Value));
        Assert.That(unigrams, Is.EqualTo(new[] { ("the", 2261), ("i", 1267), ("and", 1245) }));
        var bigrams = new Vocab(LanguageModels.NGrams(words, 2)).TokenFreqs.Take(2).Select(kv => (kv.Key, kv.Value));
        Assert.That(bigrams, Is.EqualTo(new[] { ("of the", 309), ("in the", 169) }));
        var trigrams = new Vocab(LanguageModels.NGrams(words, 3)).TokenFreqs.First();
        Assert.That((trigrams.Key, trigrams.Value), Is.EqualTo(("the time traveller", 59)));
    }

    [Test]
    public void SequentialPartitioningContinuesEachRow()
    {
        int[] corpus = Enumerable.Range(0, 35).ToArray();
        var batches = SeqDataLoader.SequentialBatches(corpus, 2, 5, offset: 0).ToArray();
        Assert.That(batches, Has.Length.EqualTo(3));
        Assert.That(Rows(batches[0].X), Is.EqualTo(new[] { new long[] { 0, 1, 2, 3, 4 }, [17, 18, 19, 20, 21] }));
        Assert.That(Rows(batches[1].X), Is.EqualTo(new[] { new long[] { 5, 6, 7, 8, 9 }, [22, 23, 24, 25, 26] }));
        Assert.That(Rows(batches[2].Y), Is.EqualTo(new[] { new long[] { 11, 12, 13, 14, 15 }, [28, 29, 30, 31, 32] }));
        // With the largest offset the book allows (num_steps), fewer tokens remain: 29 → rows of 14, two batches.
        Assert.That(SeqDataLoader.SequentialBatches(corpus, 2, 5, offset: 5).Count(), Is.EqualTo(2));
    }

    [Test]
    public void RandomSamplingCutsDisjointSubsequences()
    {
        int[] corpus = Enumerable.Range(0, 35).ToArray();
        var batches = SeqDataLoader.RandomBatches(corpus, 2, 5, offset: 3, starts => starts.Reverse().ToArray()).ToArray();
        // From offset 3: (35 - 3 - 1) // 5 = 6 subsequences starting at 3, 8, …, 28, taken here in reverse order.
        Assert.That(batches, Has.Length.EqualTo(3));
        Assert.That(Rows(batches[0].X), Is.EqualTo(new[] { new long[] { 28, 29, 30, 31, 32 }, [23, 24, 25, 26, 27] }));
        Assert.That(Rows(batches[0].Y), Is.EqualTo(new[] { new long[] { 29, 30, 31, 32, 33 }, [24, 25, 26, 27, 28] }));
        Assert.That(batches.SelectMany(b => Rows(b.X)).Select(r => r[0]).Order(), Is.EqualTo(new long[] { 3, 8, 13, 18, 23, 28 }));
    }

    [Test]
    public void TheLoaderDrawsANewOffsetEachEpochFromItsSeed()
    {
        int[] corpus = Enumerable.Range(0, 100).ToArray();
        var loader = new SeqDataLoader(corpus, 2, 5, useRandomIter: false, seed: 3);
        var firsts = Enumerable.Range(0, 8).Select(_ => loader.First().X[0, 0].item<long>()).ToArray();
        Assert.That(firsts, Is.All.InRange(0L, 5L));
        Assert.That(firsts.Distinct().Count(), Is.GreaterThan(1));
        var again = new SeqDataLoader(corpus, 2, 5, useRandomIter: false, seed: 3);
        Assert.That(Enumerable.Range(0, 8).Select(_ => again.First().X[0, 0].item<long>()), Is.EqualTo(firsts));
    }
}
