using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;
using Course.Core.Data;
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
        using var ctx = TestEnvironment.Context();
        manual_seed(23);
        var (data, vocab) = TimeMachine.LoadData(TestEnvironment.Data, 32, 35, seed: 1);
        var net = new RnnModel(RecurrentLayer.Gru, vocab.Count, 128);
        var perplexities = Train.Ch8(ctx, net, data, vocab, Updaters.Sgd(1), 40, "concise").Epochs.Select(e => e.Metrics["perplexity"]).ToArray();
        // From about the uniform 28 to below 10; the book's 500 epochs reach 1.0.
        Assert.That(perplexities[0], Is.GreaterThan(15));
        Assert.That(perplexities[^1], Is.LessThan(10));
    }
}
