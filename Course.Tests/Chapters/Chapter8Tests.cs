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

/// <summary>Chapter 8 models and the language-model loop.</summary>
public sealed class RecurrentNetworkTests
{
    [Test]
    public void GradClippingScalesTheJointNormToTheta()
    {
        var a = tensor(new[] { 3f }).requires_grad_(true);
        var b = tensor(new[] { 4f }).requires_grad_(true);
        (a.square() / 2 + b.square() / 2).sum().backward();
        Course.Core.Training.SequenceTrainer.GradClipping([a, b], 1);
        Assert.That(a.grad!.item<float>(), Is.EqualTo(0.6f).Within(1e-6));
        Assert.That(b.grad!.item<float>(), Is.EqualTo(0.8f).Within(1e-6));
        Course.Core.Training.SequenceTrainer.GradClipping([a, b], 10);
        Assert.That(b.grad!.item<float>(), Is.EqualTo(0.8f).Within(1e-6), "below θ nothing changes");
    }

    [Test]
    public void AUniformPredictorHasThePerplexityOfTheVocabularySize()
    {
        using var logits = zeros(50, 28);
        using var targets = randint(0, 28, [50]);
        double perplexity = Math.Exp(nn.functional.cross_entropy(logits, targets).item<float>());
        Assert.That(perplexity, Is.EqualTo(28).Within(1e-4));
    }

    [Test]
    public void TheScratchRnnEqualsNnRnnWithTheSameWeights()
    {
        manual_seed(11);
        var scratch = new RnnScratchModel(28, 16);
        var concise = new RnnModel(RecurrentLayer.Rnn, 28, 16);
        var rnn = (TorchSharp.Modules.RNN)concise.rnn;
        using (no_grad())
        {
            rnn.get_weight_ih(0)!.copy_(scratch.W_xh.T);
            rnn.get_weight_hh(0)!.copy_(scratch.W_hh.T);
            rnn.get_bias_ih(0)!.copy_(scratch.b_h);
            rnn.get_bias_hh(0)!.zero_();
            concise.linear.weight!.copy_(scratch.W_hq.T);
            concise.linear.bias!.copy_(scratch.b_q);
            scratch.W_hh.mul_(100); // larger recurrent weights so that the state matters
            rnn.get_weight_hh(0)!.mul_(100);
        }
        using var X = randint(0, 28, [3, 7]);
        var (y1, s1) = scratch.call(X, scratch.BeginState(3, CPU));
        var (y2, s2) = concise.call(X, concise.BeginState(3, CPU));
        Assert.That(y1.shape, Is.EqualTo(new long[] { 21, 28 }));
        Assert.That(y1.allclose(y2, atol: 1e-5));
        Assert.That(s1[0].allclose(s2[0][0], atol: 1e-5));
    }

    [Test]
    [Category("Slow")]
    public void AnRnnLanguageModelLearns()
    {
        manual_seed(12);
        var (data, vocab) = TimeMachine.LoadData(TestEnvironment.Data, 32, 35, seed: 1);
        var net = new RnnScratchModel(vocab.Count, 128);
        var history = new Course.Core.Training.LanguageModelTrainer { Epochs = 60 }
            .Fit(net, data, Course.Core.Training.Updaters.ScratchSgd(1));
        // A uniform guess has perplexity 28; the book's 512 hidden units reach about 1 after 500 epochs.
        Assert.That(history.Perplexities[0], Is.GreaterThan(15));
        Assert.That(history.Perplexities[^1], Is.LessThan(9.5));
        Assert.That(Course.Core.Training.LanguageModelTrainer.Predict("time traveller", 10, net, vocab), Has.Length.EqualTo(24));
    }
}

/// <summary>8.1: the autoregressive windows and k-step predictions.</summary>
public sealed class SequenceModelTests
{
    [Test]
    public void WindowsHoldTheTauPreviousValues()
    {
        using var x = arange(10, dtype: float32);
        var (features, labels) = SequenceModels.Windows(x);
        Assert.That(features.shape, Is.EqualTo(new long[] { 6, 4 }));
        Assert.That(features[0].data<float>().ToArray(), Is.EqualTo(new[] { 0f, 1, 2, 3 }));
        Assert.That(labels.reshape(-1).data<float>().ToArray(), Is.EqualTo(new[] { 4f, 5, 6, 7, 8, 9 }));
    }

    [Test]
    public void OneStepPredictionsAreTheFirstPredictedColumn()
    {
        manual_seed(13);
        var x = SequenceModels.Series();
        var net = SequenceModels.Net();
        var k = SequenceModels.MultiStep(net, x, maxSteps: 4);
        Assert.That(k.shape, Is.EqualTo(new long[] { 1000 - 4 - 4 + 1, 8 }));
        using var noGrad = no_grad();
        var (features, _) = SequenceModels.Windows(x);
        var onestep = net.call(features.narrow(0, 0, k.shape[0])).reshape(-1);
        Assert.That(k[TensorIndex.Colon, SequenceModels.Tau].allclose(onestep, atol: 1e-6));
        Assert.That(k.narrow(1, 0, 4).allclose(features.narrow(0, 0, k.shape[0])), "the observed columns are the data");
    }

    [Test]
    public void TheSectionLearnsTheSine()
    {
        var metrics = Course.Chapters.Infrastructure.SectionRunner.Run("sequence", TestEnvironment.Options(), TextWriter.Null).Metrics;
        // The noise alone has variance 0.04; the book's 5th-epoch loss is 0.0517.
        Assert.That(metrics["train_loss"], Is.LessThan(0.08));
        Assert.That(metrics["mse_64_step"], Is.GreaterThan(metrics["mse_1_step"]), "errors accumulate over many steps");
    }
}
