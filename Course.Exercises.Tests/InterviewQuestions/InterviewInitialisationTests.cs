using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 003: saving and resuming, convolution arithmetic, initialisation, tensors,
// losses (BCE, KL, focal), classification and clustering metrics, k-means, and the optimizers from scratch.
// The index (README.md, "002 and 003") maps every question to its test and records where the notes are wrong.

/// <summary>Q5 and Q16: PyTorch's default initialisation, Xavier and He, and why weights must not start equal.</summary>
public sealed class InterviewInitialisationTests
{
    private static (double Max, double Std) Measure(Tensor t) => (t.abs().max().item<float>(), t.std().item<float>());

    [Test]
    public void LinearAndConv2dStartUniformOnPlusMinusOneOverRootFanInWeightsAndBiasAlike()
    {
        using var scope = NewDisposeScope();
        manual_seed(18);
        foreach (var (layer, fanIn) in new (nn.Module, int)[] { (nn.Linear(400, 300), 400), (nn.Conv2d(16, 64, 3), 16 * 9) })
        {
            double bound = 1 / Math.Sqrt(fanIn);
            var parameters = layer.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            var (max, std) = Measure(parameters["weight"]);
            Assert.That(max, Is.LessThanOrEqualTo(bound).And.GreaterThan(0.99 * bound), $"{layer.GetName()} weight: U(−1/√fan_in, 1/√fan_in)");
            Assert.That(std, Is.EqualTo(bound / Math.Sqrt(3)).Within(2).Percent);
            // kaiming_uniform_(a=√5): gain √(2/(1+5)), bound gain·√(3/fan_in) = 1/√fan_in — a third of He's √(6/fan_in).
            Assert.That(max, Is.LessThan(Math.Sqrt(6.0 / fanIn) / 2), "not He-uniform's bound");
            var (biasMax, _) = Measure(parameters["bias"]);
            Assert.That(biasMax, Is.LessThanOrEqualTo(bound).And.GreaterThan(0.9 * bound), "the bias: U(−1/√fan_in, 1/√fan_in), not U(−1, 1)");
        }
    }

    [Test]
    public void EmbeddingStartsStandardNormalNotUniform()
    {
        using var scope = NewDisposeScope();
        manual_seed(19);
        var weight = nn.Embedding(1000, 100).weight!;
        Assert.That(weight.mean().item<float>(), Is.EqualTo(0).Within(0.01));
        Assert.That(weight.std().item<float>(), Is.EqualTo(1).Within(0.01), "N(0, 1); U(−1, 1) would have std 1/√3 ≈ 0.577");
        double beyondOne = weight.abs().gt(1).to(float32).mean().item<float>();
        Assert.That(beyondOne, Is.EqualTo(0.3173).Within(0.01), "P(|z| > 1) of a standard normal; U(−1, 1) has none");
    }

    [Test]
    public void XavierAndHeBoundsAndStandardDeviations()
    {
        using var scope = NewDisposeScope();
        manual_seed(20);
        const int fanOut = 300, fanIn = 200;
        Tensor Fresh() => empty(fanOut, fanIn); // a Linear weight: (out, in)

        var (xuMax, xuStd) = Measure(nn.init.xavier_uniform_(Fresh()));
        double xavierBound = Math.Sqrt(6.0 / (fanIn + fanOut)), xavierStd = Math.Sqrt(2.0 / (fanIn + fanOut));
        Assert.That(xuMax, Is.LessThanOrEqualTo(xavierBound).And.GreaterThan(0.99 * xavierBound), "Xavier uniform: ±√(6/(fan_in + fan_out))");
        Assert.That(xuStd, Is.EqualTo(xavierStd).Within(2).Percent, "its std is √(2/(fan_in + fan_out)), the bound over √3");

        var (_, xnStd) = Measure(nn.init.xavier_normal_(Fresh()));
        Assert.That(xnStd, Is.EqualTo(xavierStd).Within(2).Percent, "Xavier normal: std √(2/(fan_in + fan_out)) — so the variance is 2/(fan_in + fan_out)");
        Assert.That(xnStd, Is.Not.EqualTo(Math.Sqrt(xavierStd)).Within(20).Percent, "the notes' reading (variance √(2/(…))) would mean std ≈ 0.25");

        var (huMax, huStd) = Measure(nn.init.kaiming_uniform_(Fresh(), nonlinearity: nn.init.NonlinearityType.ReLU));
        double heBound = Math.Sqrt(6.0 / fanIn), heStd = Math.Sqrt(2.0 / fanIn);
        Assert.That(huMax, Is.LessThanOrEqualTo(heBound).And.GreaterThan(0.99 * heBound), "He uniform: ±√(6/fan_in)");
        Assert.That(huStd, Is.EqualTo(heStd).Within(2).Percent);

        var (_, hnStd) = Measure(nn.init.kaiming_normal_(Fresh(), nonlinearity: nn.init.NonlinearityType.ReLU));
        Assert.That(hnStd, Is.EqualTo(heStd).Within(2).Percent, "He normal: std √(2/fan_in), variance 2/fan_in");
        Assert.That(hnStd, Is.Not.EqualTo(Math.Sqrt(heStd)).Within(20).Percent);
    }

    [Test]
    public void EqualInitialWeightsKeepHiddenUnitsIdentical()
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        var x = randn(32, 4);
        var y = randn(32, 1);
        Tensor TrainedHiddenWeights(bool constant)
        {
            var net = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 1));
            if (constant)
                foreach (var p in net.parameters()) nn.init.constant_(p, 0.3);
            var optimizer = optim.SGD(net.parameters(), 0.1);
            for (int step = 0; step < 20; step++)
            {
                optimizer.zero_grad();
                nn.functional.mse_loss(net.call(x), y).backward();
                optimizer.step();
            }
            return net.parameters().First().detach();
        }
        var symmetric = TrainedHiddenWeights(constant: true);
        Assert.That(symmetric[0].allclose(symmetric[1]) && symmetric[1].allclose(symmetric[2]), "the three hidden units learn the same thing");
        Assert.That(symmetric[0].allclose(full(4, 0.3f)), Is.False, "although they did learn");
        var random = TrainedHiddenWeights(constant: false);
        Assert.That(random[0].allclose(random[1], atol: 1e-3), Is.False);
    }
}
