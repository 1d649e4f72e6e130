using Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;
using Course.Chapters.Ch10_AttentionMechanisms;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Seq2Seq;
using Course.Core.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>
/// Chapter 10: Nadaraya–Watson attention pooling, nonparametric and with a learned kernel width (10.2);
/// <c>masked_softmax</c> and the two scoring functions against the book's values (10.3); shapes from the book, positional
/// encoding values, multi-head attention against TorchSharp's, causality, and learning (10.4–10.7).
/// </summary>
public sealed class Chapter10Tests
{
    [Test]
    public void GaussianAttentionWeightsAreDistributionsPeakingAtTheNearestKey()
    {
        manual_seed(101);
        using var scope = NewDisposeScope();
        var (xTrain, _) = NadarayaWatson.TrainingSet(50);
        var xTest = arange(0, 5, 0.1, dtype: float32);
        var weights = NadarayaWatson.GaussianAttentionWeights(xTest, xTrain);
        Assert.That(weights.shape, Is.EqualTo(new long[] { 50, 50 }));
        Assert.That(weights.sum(dim: 1).allclose(ones(50), atol: 1e-6));
        var nearest = (xTest.unsqueeze(1) - xTrain).abs().argmin(dim: 1);
        Assert.That(weights.argmax(dim: 1).equal(nearest).all().item<bool>());
    }

    [Test]
    public void WithUnitWidthTheModelIsNonparametricPooling()
    {
        manual_seed(102);
        using var scope = NewDisposeScope();
        var (xTrain, yTrain) = NadarayaWatson.TrainingSet(50);
        var xTest = arange(0, 5, 0.1, dtype: float32);
        var net = new NWKernelRegression();
        using (no_grad()) net.w.fill_(1);
        var weights = NadarayaWatson.GaussianAttentionWeights(xTest, xTrain);
        var yHat = net.call(xTest, xTrain.repeat(50, 1), yTrain.repeat(50, 1));
        Assert.That(net.AttentionWeights!.equal(weights).all().item<bool>(), "the same formula gives the same weights");
        Assert.That(yHat.allclose(matmul(weights, yTrain), rtol: 1e-6, atol: 1e-6));
    }

    [Test]
    public void LeaveOneOutKeysSkipTheQuerysOwnExample()
    {
        using var scope = NewDisposeScope();
        var x = arange(5, dtype: float32);
        var (keys, values) = NadarayaWatson.LeaveOneOut(x, 10 * x);
        Assert.That(keys.shape, Is.EqualTo(new long[] { 5, 4 }));
        for (int i = 0; i < 5; i++)
        {
            float[] row = keys[i].data<float>().ToArray();
            Assert.That(row, Is.EqualTo(Enumerable.Range(0, 5).Where(j => j != i).Select(j => (float)j)), $"row {i}");
            Assert.That(values[i].equal(10 * keys[i]).all().item<bool>(), "values stay paired with their keys");
        }
    }

    [Test]
    public void TrainingTheKernelWidthLowersTheLoss()
    {
        manual_seed(103);
        using var scope = NewDisposeScope();
        var (xTrain, yTrain) = NadarayaWatson.TrainingSet(50);
        using var ctx = TestEnvironment.Context();
        var losses = NadarayaWatson.Fit(ctx, new NWKernelRegression(), xTrain, yTrain, epochs: 5, lr: 0.5);
        TestContext.Out.WriteLine($"losses {string.Join(", ", losses.Select(l => l.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        // The noise alone costs about 50 × 0.5² = 12.5; a kernel as wide as w < 1 gives scarcely more than the mean, over 30.
        Assert.That(losses[0], Is.GreaterThan(30));
        Assert.That(losses[^1], Is.LessThan(25));
        Assert.That(losses, Is.Ordered.Descending);
    }

    [Test]
    public void ADivergingLossIsACourseException()
    {
        manual_seed(104);
        using var scope = NewDisposeScope();
        var (xTrain, yTrain) = NadarayaWatson.TrainingSet(50);
        using var ctx = TestEnvironment.Context();
        Assert.That(() => NadarayaWatson.Fit(ctx, new NWKernelRegression(), xTrain, yTrain, epochs: 5, lr: 1e30),
            Throws.TypeOf<CourseException>().With.Message.Contains("--lr"));
    }

    [Test]
    public void MaskedSoftmaxGivesTheValidPositionsAllTheWeight()
    {
        manual_seed(41);
        using var scope = NewDisposeScope();
        var X = rand(2, 3, 5);
        foreach (var lens in new[] { tensor(new long[] { 2, 4 }), tensor(new long[,] { { 1, 3, 5 }, { 2, 2, 4 } }) })
        {
            var weights = Attention.MaskedSoftmax(X, lens);
            var perQuery = lens.dim() == 1 ? lens.unsqueeze(1).expand(2, 3) : lens;
            var valid = arange(5).reshape(1, 1, 5) < perQuery.unsqueeze(2);
            Assert.That(weights.sum(dim: -1).allclose(ones(2, 3)), "each row sums to 1");
            Assert.That(weights.masked_select(valid.logical_not()).abs().max().item<float>(), Is.LessThan(1e-6f), "no weight past the valid length");
            Assert.That(weights.masked_select(valid).min().item<float>(), Is.GreaterThan(0f));
        }
        Assert.That(Attention.MaskedSoftmax(X, null).allclose(X.softmax(-1)));
    }

    [Test]
    public void AdditiveAndDotProductAttentionGiveTheBooksValues()
    {
        manual_seed(42);
        using var scope = NewDisposeScope();
        var (keys, values, validLens) = AttentionScoringFunctions.BookKeysAndValues();
        var additive = new AdditiveAttention(2, 20, 8, 0.1);
        var dot = new DotProductAttention(0.5);
        additive.eval();
        dot.eval();
        float[] expected = [2, 3, 4, 5, 10, 11, 12, 13];
        // Keys of ones score alike, so the weights are uniform over each row's valid keys: the mean of the valid values.
        Assert.That(additive.call(normal(0, 1, [2, 1, 20]), keys, values, validLens).data<float>().ToArray(), Is.EqualTo(expected).Within(1e-4));
        Assert.That(dot.call(normal(0, 1, [2, 1, 2]), keys, values, validLens).data<float>().ToArray(), Is.EqualTo(expected).Within(1e-4));
        Assert.That(dot.Weights.shape, Is.EqualTo(new long[] { 2, 1, 10 }));
    }

    [Test]
    public void TheBahdanauDecoderKeepsEncoderOutputsBatchFirst()
    {
        manual_seed(43);
        using var scope = NewDisposeScope();
        var encoder = new Seq2SeqEncoder(10, 8, 16, 2);
        var decoder = new Seq2SeqAttentionDecoder(10, 8, 16, 2);
        var X = zeros([4, 7], dtype: int64);
        var (output, state) = decoder.call(X, decoder.InitState(encoder.call(X, null), null));
        Assert.That(output.shape, Is.EqualTo(new long[] { 4, 7, 10 }));
        Assert.That(state, Has.Length.EqualTo(3));
        Assert.That(state[0]!.shape, Is.EqualTo(new long[] { 4, 7, 16 }));
        Assert.That(state[1]!.shape, Is.EqualTo(new long[] { 2, 4, 16 }));
        Assert.That(decoder.AttentionWeights, Has.Count.EqualTo(7), "one set of weights per step");
    }

    [Test]
    public void MultiHeadAttentionHasTheBooksShape()
    {
        using var scope = NewDisposeScope();
        var attention = new MultiHeadAttention(100, 100, 100, 100, 5, 0.5);
        attention.eval();
        var (X, Y) = (ones(2, 4, 100), ones(2, 6, 100));
        Assert.That(attention.call(X, Y, Y, tensor(new long[] { 3, 2 })).shape, Is.EqualTo(new long[] { 2, 4, 100 }));
        Assert.That(MultiHeadAttention.TransposeOutput(MultiHeadAttention.TransposeQkv(Y, 5), 5).equal(Y).all().item<bool>(), "transpose_output inverts transpose_qkv");
    }

    [Test]
    public void MultiHeadAttentionEqualsTorchSharpsGivenTheSameWeights()
    {
        manual_seed(44);
        using var scope = NewDisposeScope();
        const int hiddens = 16, heads = 4;
        var ours = new MultiHeadAttention(hiddens, hiddens, hiddens, hiddens, heads, 0);
        var theirs = nn.MultiheadAttention(hiddens, heads, bias: false);
        var parameters = theirs.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
        {
            parameters["in_proj_weight"].copy_(cat([ours.W_q.weight!, ours.W_k.weight!, ours.W_v.weight!], 0));
            parameters["out_proj.weight"].copy_(ours.W_o.weight!);
        }
        ours.eval();
        theirs.eval();
        var (queries, keys) = (randn(3, 5, hiddens), randn(3, 7, hiddens));
        var validLens = tensor(new long[] { 2, 7, 4 });
        var expected = ours.call(queries, keys, keys, validLens);
        // TorchSharp's takes (steps, batch, features) and a padding mask that is true where a key is ignored.
        var padding = arange(7).unsqueeze(0) >= validLens.unsqueeze(1);
        var (actual, _) = theirs.call(queries.transpose(0, 1), keys.transpose(0, 1), keys.transpose(0, 1), padding, false, null);
        Assert.That(actual.transpose(0, 1).allclose(expected, atol: 1e-5));
    }

    [Test]
    public void PositionalEncodingIsSineOnEvenAndCosineOnOddColumns()
    {
        using var scope = NewDisposeScope();
        const int d = 32;
        var encoding = new PositionalEncoding(d, 0);
        foreach (int i in new[] { 0, 1, 7, 59, 999 })
            foreach (int j in new[] { 0, 3, 15 })
            {
                double angle = i / Math.Pow(10000, 2.0 * j / d);
                Assert.That(encoding.P[0, i, 2 * j].item<float>(), Is.EqualTo(Math.Sin(angle)).Within(1e-4), $"P[{i}, {2 * j}]");
                Assert.That(encoding.P[0, i, 2 * j + 1].item<float>(), Is.EqualTo(Math.Cos(angle)).Within(1e-4), $"P[{i}, {2 * j + 1}]");
            }
        encoding.eval();
        Assert.That(encoding.call(zeros(1, 60, d)).equal(encoding.P[.., ..60, ..]).all().item<bool>());
    }

    [Test]
    public void LayerNormNormalisesRowsAndBatchNormColumns()
    {
        using var scope = NewDisposeScope();
        var X = tensor(new float[,] { { 1, 2 }, { 2, 3 } });
        Assert.That(nn.LayerNorm(2).call(X).data<float>().ToArray(), Is.EqualTo(new float[] { -1, 1, -1, 1 }).Within(1e-4));
        Assert.That(nn.BatchNorm1d(2).call(X).data<float>().ToArray(), Is.EqualTo(new float[] { -1, -1, 1, 1 }).Within(1e-4));
    }

    [Test]
    public void TransformerBlocksHaveTheBooksShapes()
    {
        manual_seed(45);
        using var scope = NewDisposeScope();
        var sizes = new TransformerSizes(24, 24, 24, 24, [100, 24], 24, 48, 8, 0.5);
        var validLens = tensor(new long[] { 3, 2 });
        var X = ones(2, 100, 24);
        Assert.That(new PositionWiseFFN(4, 4, 8).call(ones(2, 3, 4)).shape, Is.EqualTo(new long[] { 2, 3, 8 }));
        var encoderBlock = new EncoderBlock(sizes);
        encoderBlock.eval();
        Assert.That(encoderBlock.call(X, validLens).shape, Is.EqualTo(new long[] { 2, 100, 24 }));
        var encoder = new TransformerEncoder(200, sizes, 2);
        encoder.eval();
        Assert.That(encoder.call(ones([2, 100], dtype: int64), validLens)[0].shape, Is.EqualTo(new long[] { 2, 100, 24 }));
        var decoderBlock = new DecoderBlock(sizes, 0);
        decoderBlock.eval();
        var (output, state) = decoderBlock.call(X, [encoderBlock.call(X, validLens), validLens, null]);
        Assert.That(output.shape, Is.EqualTo(new long[] { 2, 100, 24 }));
        Assert.That(state[2]!.shape, Is.EqualTo(new long[] { 2, 100, 24 }), "the block keeps what it has seen");
    }

    [Test]
    public void TheEncodersAttentionWeightsAreLayersByHeadsBySteps()
    {
        manual_seed(46);
        using var scope = NewDisposeScope();
        var encoder = new TransformerEncoder(50, Transformer.Sizes(32, 4, 0.1), numLayers: 2);
        encoder.eval();
        encoder.call(randint(0, 50, [1, 10]), tensor(new long[] { 6 }));
        var weights = stack(encoder.AttentionWeights.ToArray()).reshape(2, 4, -1, 10);
        Assert.That(weights.shape, Is.EqualTo(new long[] { 2, 4, 10, 10 }));
        Assert.That(weights[.., .., .., 6..].abs().max().item<float>(), Is.LessThan(1e-6f), "padding gets no attention");
    }

    [Test]
    public void TheDecoderOnlyAttendsToThePast()
    {
        manual_seed(47);
        using var scope = NewDisposeScope();
        var sizes = Transformer.Sizes(16, 4, dropout: 0);
        var encoder = new TransformerEncoder(20, sizes, 2);
        var decoder = new TransformerDecoder(20, sizes, 2);
        decoder.train(); // the causal mask applies in training mode; dropout 0 keeps it deterministic
        var source = randint(0, 20, [2, 6]);
        var target = randint(0, 20, [2, 6]);
        var changed = target.clone();
        changed[.., 4] = (target[.., 4] + 1) % 20;
        Tensor Decode(Tensor t) => decoder.call(t, decoder.InitState(encoder.call(source, null), null)).Output;
        var (before, after) = (Decode(target), Decode(changed));
        Assert.That(after[.., ..4].allclose(before[.., ..4], atol: 1e-6), "outputs before the changed token do not move");
        Assert.That(after[.., 4..].allclose(before[.., 4..], atol: 1e-3), Is.False);
    }

    [TestCase("bahdanau")]
    [TestCase("transformer")]
    [Category("Slow")]
    public void AttentionModelsLearnToTranslate(string model)
    {
        using var ctx = TestEnvironment.Context();
        manual_seed(48);
        var (data, source, target) = FraEng.LoadData(TestEnvironment.Data, batchSize: 64, numSteps: 10, seed: 1);
        var net = model == "bahdanau"
            ? BahdanauAttention.Build(source, target, new TranslationSizes(32, 32, 2, 0.1))
            : Transformer.Build(source, target, Transformer.Sizes(32, 4, 0.1), numLayers: 2);
        var losses = Train.Seq2Seq(ctx, net, data, 0.005, 60, target).Epochs.Select(e => e.Metrics["loss"]).ToArray();
        TestContext.Out.WriteLine($"{model}: loss {losses[0]:F3} → {losses[^1]:F3}");
        var translator = new Translator(net, source, target, 10);
        foreach (var (english, french) in TranslationRun.TestPairs)
            TestContext.Out.WriteLine($"{english} => {translator.Greedy(english).Text} ({french})");
        Assert.That(losses[0], Is.GreaterThan(0.2));
        Assert.That(losses[^1], Is.LessThan(0.08));
    }
}
