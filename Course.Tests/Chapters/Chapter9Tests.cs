using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;
using Course.Core.Data;
using Course.Core.Seq2Seq;
using Course.Core.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>Chapter 9.1–9.4: the scratch cells against <c>nn.GRU</c>/<c>nn.LSTM</c>, the concise models' shapes, and learning.</summary>
public sealed class Chapter9Tests
{
    private static Dictionary<string, Tensor> Parameters(RnnModel model) =>
        model.rnn.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);

    private static void Copy(RnnModel concise, Tensor[] inputWeights, Tensor[] hiddenWeights, Tensor[] biases, Tensor W_hq, Tensor b_q)
    {
        var p = Parameters(concise);
        using var noGrad = no_grad();
        p["weight_ih_l0"].copy_(cat(inputWeights.Select(w => w.T).ToArray(), 0));
        p["weight_hh_l0"].copy_(cat(hiddenWeights.Select(w => w.T).ToArray(), 0));
        p["bias_ih_l0"].copy_(cat(biases, 0));
        p["bias_hh_l0"].zero_();
        concise.linear.weight!.copy_(W_hq.T);
        concise.linear.bias!.copy_(b_q);
    }

    [Test]
    public void TheScratchLstmEqualsNnLstm()
    {
        manual_seed(21);
        var s = new LstmScratchModel(28, 16);
        using (no_grad()) foreach (var p in s.parameters()) p.copy_(randn(p.shape) * 0.5);
        var concise = new RnnModel(RecurrentLayer.Lstm, 28, 16);
        // nn.LSTM stacks its gates as input, forget, cell (candidate), output.
        Copy(concise, [s.W_xi, s.W_xf, s.W_xc, s.W_xo], [s.W_hi, s.W_hf, s.W_hc, s.W_ho], [s.b_i, s.b_f, s.b_c, s.b_o], s.W_hq, s.b_q);
        using var X = randint(0, 28, [3, 6]);
        var (y1, s1) = s.call(X, s.BeginState(3, CPU));
        var (y2, s2) = concise.call(X, concise.BeginState(3, CPU));
        Assert.That(y1.allclose(y2, atol: 1e-5));
        Assert.That(s1[0].allclose(s2[0][0], atol: 1e-5), "H");
        Assert.That(s1[1].allclose(s2[1][0], atol: 1e-5), "C");
    }

    [Test]
    public void TheScratchGruEqualsNnGruWhenTheCandidateWeightsAreDiagonal()
    {
        // The book resets before the product, (R ⊙ H) W_hh; nn.GRU after, R ⊙ (H W_hh): equal for a diagonal W_hh.
        manual_seed(22);
        var s = new GruScratchModel(28, 16);
        using (no_grad())
        {
            foreach (var p in s.parameters()) p.copy_(randn(p.shape) * 0.5);
            s.W_hh.copy_(diag(randn(16)));
        }
        var concise = new RnnModel(RecurrentLayer.Gru, 28, 16);
        // nn.GRU stacks its gates as reset, update, new.
        Copy(concise, [s.W_xr, s.W_xz, s.W_xh], [s.W_hr, s.W_hz, s.W_hh], [s.b_r, s.b_z, s.b_h], s.W_hq, s.b_q);
        using var X = randint(0, 28, [3, 6]);
        var (y1, _) = s.call(X, s.BeginState(3, CPU));
        var (y2, _) = concise.call(X, concise.BeginState(3, CPU));
        Assert.That(y1.allclose(y2, atol: 1e-5));
    }

    [Test]
    public void DeepAndBidirectionalStatesHaveALayerPerDirection()
    {
        var deep = new RnnModel(RecurrentLayer.Lstm, 28, 8, numLayers: 2);
        var bi = new RnnModel(RecurrentLayer.Lstm, 28, 8, numLayers: 2, bidirectional: true);
        Assert.That(deep.BeginState(5, CPU).Select(s => s.shape), Is.EqualTo(new[] { new long[] { 2, 5, 8 }, [2, 5, 8] }));
        Assert.That(bi.BeginState(5, CPU)[0].shape, Is.EqualTo(new long[] { 4, 5, 8 }));
        using var X = randint(0, 28, [5, 7]);
        var (y, state) = bi.call(X, bi.BeginState(5, CPU));
        Assert.That(y.shape, Is.EqualTo(new long[] { 35, 28 }));
        Assert.That(bi.linear.weight!.shape, Is.EqualTo(new long[] { 28, 16 }), "the output layer reads both directions");
        Assert.That(state[1].shape, Is.EqualTo(new long[] { 4, 5, 8 }));
    }

    [Test]
    [Category("Slow")]
    public void AGruLanguageModelLearns()
    {
        manual_seed(23);
        var (data, vocab) = TimeMachine.LoadData(TestEnvironment.Data, 32, 35, seed: 1);
        var net = new RnnModel(RecurrentLayer.Gru, vocab.Count, 128);
        var history = new LanguageModelTrainer { Epochs = 40 }.Fit(net, data, Updaters.Sgd(1));
        // From about the uniform 28 to below 10; the book's 500 epochs reach 1.0.
        Assert.That(history.Perplexities[0], Is.GreaterThan(15));
        Assert.That(history.Perplexities[^1], Is.LessThan(10));
    }
}

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

/// <summary>The from-scratch language models register the shared output layer with their cells.</summary>
public sealed class ScratchModelParameterTests
{
    [Test]
    public void EveryScratchModelOwnsItsOutputLayer()
    {
        Assert.That(new RnnScratchModel(28, 8).parameters().Count(), Is.EqualTo(5));
        Assert.That(new GruScratchModel(28, 8).parameters().Count(), Is.EqualTo(11));
        Assert.That(new LstmScratchModel(28, 8).parameters().Count(), Is.EqualTo(14));
    }
}

/// <summary>9.6–9.8: the RNN encoder–decoder's shapes, learning on fra-eng, and beam search against greedy search on the trained model.</summary>
public sealed class Seq2SeqModelTests
{
    [Test]
    public void EncoderAndDecoderHaveTheBooksShapes()
    {
        manual_seed(31);
        using var scope = NewDisposeScope();
        var encoder = new Seq2SeqEncoder(10, 8, 16, 2);
        var decoder = new Seq2SeqDecoder(10, 8, 16, 2);
        var X = zeros([4, 7], dtype: int64);
        var outputs = encoder.call(X, null);
        Assert.That(outputs[0].shape, Is.EqualTo(new long[] { 7, 4, 16 }));
        Assert.That(outputs[1].shape, Is.EqualTo(new long[] { 2, 4, 16 }));
        var (y, state) = decoder.call(X, decoder.InitState(outputs, null));
        Assert.That(y.shape, Is.EqualTo(new long[] { 4, 7, 10 }));
        Assert.That(state[0]!.shape, Is.EqualTo(new long[] { 2, 4, 16 }));
    }

    [Test]
    public void EncoderDecoderChainsEncoderInitStateAndDecoder()
    {
        manual_seed(32);
        using var scope = NewDisposeScope();
        var net = new EncoderDecoder(new Seq2SeqEncoder(10, 8, 16, 2), new Seq2SeqDecoder(12, 8, 16, 2));
        net.eval();
        var (source, target) = (randint(0, 10, [3, 6]), randint(0, 12, [3, 5]));
        var (whole, _) = net.call(source, target, null);
        var (stepwise, _) = net.decoder.call(target, net.decoder.InitState(net.encoder.call(source, null), null));
        Assert.That(whole.shape, Is.EqualTo(new long[] { 3, 5, 12 }));
        Assert.That(whole.equal(stepwise).all().item<bool>());
    }

    [Test]
    [Category("Slow")]
    public void Seq2SeqLearnsToTranslateAndBeamOfOneIsGreedy()
    {
        manual_seed(33);
        var (data, source, target) = FraEng.LoadData(TestEnvironment.Data, batchSize: 64, numSteps: 10, seed: 1);
        var net = SequenceToSequence.Build(source, target, new TranslationSizes(32, 32, 2, 0.1));
        var history = new Seq2SeqTrainer { Epochs = 60 }.Fit(net, data, Updaters.Adam(0.005), target["<bos>"]);
        TestContext.Out.WriteLine($"losses {history.Losses[0]:F3} → {history.Losses[^1]:F3}");
        Assert.That(history.Losses[0], Is.GreaterThan(0.2));
        Assert.That(history.Losses[^1], Is.LessThan(0.08));
        var translator = new Translator(net, source, target, 10);
        foreach (var (english, _) in TranslationRun.TestPairs)
        {
            var (greedy, beam) = (translator.Greedy(english), translator.BeamSearch(english, 1));
            TestContext.Out.WriteLine($"{english} => {greedy.Text} ({greedy.Score():F3}); k=3: {translator.BeamSearch(english, 3).Text}");
            Assert.That(beam.Text, Is.EqualTo(greedy.Text));
            Assert.That(beam.LogProbability, Is.EqualTo(greedy.LogProbability).Within(1e-6));
        }
    }
}
