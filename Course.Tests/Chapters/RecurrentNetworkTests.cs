using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Core.Data;
using Course.Core.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>Chapter 8 models and the language-model loop.</summary>
public sealed class RecurrentNetworkTests
{
    [Test]
    public void GradClippingScalesTheJointNormToTheta()
    {
        var net = nn.Linear(2, 1, hasBias: false);
        using (no_grad()) net.weight!.copy_(tensor(new[,] { { 3f, 4f } }));
        (net.weight!.square() / 2).sum().backward(); // gradient (3, 4), norm 5
        Train.GradClipping(net, 1);
        Assert.That(net.weight!.grad!.data<float>().ToArray(), Is.EqualTo(new[] { 0.6f, 0.8f }).Within(1e-6));
        Train.GradClipping(net, 10);
        Assert.That(net.weight!.grad!.data<float>().ToArray(), Is.EqualTo(new[] { 0.6f, 0.8f }).Within(1e-6), "below θ nothing changes");
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
        using var ctx = TestEnvironment.Context();
        manual_seed(12);
        var (data, vocab) = TimeMachine.LoadData(TestEnvironment.Data, 32, 35, seed: 1);
        var net = new RnnScratchModel(vocab.Count, 128);
        var perplexities = Train.Ch8(ctx, net, data, vocab, Updaters.ScratchSgd(1), 60, "scratch").Epochs.Select(e => e.Metrics["perplexity"]).ToArray();
        // A uniform guess has perplexity 28; the book's 512 hidden units reach about 1 after 500 epochs.
        Assert.That(perplexities[0], Is.GreaterThan(15));
        Assert.That(perplexities[^1], Is.LessThan(9.5));
        Assert.That(Train.PredictCh8("time traveller", 10, net, vocab), Has.Length.EqualTo(24));
    }
}
