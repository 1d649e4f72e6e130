using Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;
using Course.Core.Data;
using Course.Core.Seq2Seq;
using Course.Core.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

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
        using var ctx = TestEnvironment.Context();
        manual_seed(33);
        var (data, source, target) = FraEng.LoadData(TestEnvironment.Data, batchSize: 64, numSteps: 10, seed: 1);
        var net = SequenceToSequence.Build(source, target, new TranslationSizes(32, 32, 2, 0.1));
        var losses = Train.Seq2Seq(ctx, net, data, 0.005, 60, target).Epochs.Select(e => e.Metrics["loss"]).ToArray();
        TestContext.Out.WriteLine($"losses {losses[0]:F3} → {losses[^1]:F3}");
        Assert.That(losses[0], Is.GreaterThan(0.2));
        Assert.That(losses[^1], Is.LessThan(0.08));
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
