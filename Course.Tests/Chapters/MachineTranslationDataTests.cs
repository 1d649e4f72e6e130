using Course.Core.Data;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>9.5: the fra-eng data as d2l prepares it.</summary>
public sealed class MachineTranslationDataTests
{
    [Test]
    public void PreprocessingSpacesPunctuationAndLowersCase()
    {
        Assert.That(FraEng.Preprocess("Go.\tVa !"), Is.EqualTo("go .\tva !"));
        Assert.That(FraEng.Preprocess("Hi,there!\u202fOK\u00a0?"), Is.EqualTo("hi ,there ! ok ?"));
        Assert.That(FraEng.Preprocess(".A"), Is.EqualTo(".a"), "nothing is put before the first character");
    }

    [Test]
    public void TheFullSourceVocabularyHasTheBooksSize()
    {
        var (source, target) = FraEng.Tokenize(FraEng.Preprocess(FraEng.Read(TestEnvironment.Data)));
        Assert.That(source, Has.Count.EqualTo(target.Count));
        Assert.That(source[0], Is.EqualTo(new[] { "go", "." }));
        var vocab = new Vocab(source.SelectMany(l => l), minFreq: 2, reservedTokens: FraEng.ReservedTokens);
        Assert.That(vocab.Count, Is.EqualTo(10012));
        Assert.That(FraEng.TruncatePad(vocab.ToIndices(source[0]), 10, vocab["<pad>"]), Is.EqualTo(new[] { 47, 4, 1, 1, 1, 1, 1, 1, 1, 1 }));
    }

    [Test]
    public void TokenizeStopsAfterTheBooksLineIndex() =>
        Assert.That(FraEng.Tokenize("a\tb\nc\td\ne\tf\ng\th", numExamples: 2).Source, Has.Count.EqualTo(3));

    [Test]
    public void ArraysCarryEosPaddingAndValidLengths()
    {
        var vocab = new Vocab(["a", "b", "a", "b"], reservedTokens: FraEng.ReservedTokens);
        var (array, valid) = FraEng.BuildArray([["a"], ["a", "b", "a", "b", "a"]], vocab, 4);
        int a = vocab["a"], b = vocab["b"], eos = vocab["<eos>"], pad = vocab["<pad>"];
        Assert.That(array[0].data<long>().ToArray(), Is.EqualTo(new long[] { a, eos, pad, pad }));
        Assert.That(array[1].data<long>().ToArray(), Is.EqualTo(new long[] { a, b, a, b }), "truncated, <eos> dropped");
        Assert.That(valid.data<long>().ToArray(), Is.EqualTo(new long[] { 2, 4 }));
    }

    [Test]
    public void LoadDataGivesShuffledBatchesOfTheFirst601Pairs()
    {
        var (data, source, target) = FraEng.LoadData(TestEnvironment.Data, batchSize: 64, numSteps: 10);
        Assert.That(data.Count, Is.EqualTo(601));
        Assert.That(source["<pad>"], Is.EqualTo(1));
        Assert.That(target["<eos>"], Is.EqualTo(3));
        using var scope = NewDisposeScope();
        var batches = data.ToList();
        Assert.That(batches, Has.Count.EqualTo(10));
        var (x, xValid, y, yValid) = batches[0];
        Assert.That(x.shape, Is.EqualTo(new long[] { 64, 10 }));
        Assert.That(y.shape, Is.EqualTo(new long[] { 64, 10 }));
        Assert.That(xValid.le(10).all().item<bool>() && yValid.ge(1).all().item<bool>());
    }
}
