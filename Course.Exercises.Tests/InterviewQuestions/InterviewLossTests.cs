using Course.Exercises.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 003: saving and resuming, convolution arithmetic, initialisation, tensors,
// losses (BCE, KL, focal), classification and clustering metrics, k-means, and the optimizers from scratch.
// The index (README.md, "002 and 003") maps every question to its test and records where the notes are wrong.

/// <summary>Q14, Q15 and Q22: BCE and BCE with logits; entropy, KL divergence and cross-entropy; the focal loss.</summary>
public sealed class InterviewLossTests
{
    [Test]
    public void BceOnTheSigmoidEqualsBceWithLogitsWhichAlsoSurvivesLargeLogits()
    {
        using var scope = NewDisposeScope();
        manual_seed(24);
        var logits = randn(50, dtype: float64) * 4;
        var targets = randint(0, 2, [50]).to(float64);
        var viaSigmoid = nn.functional.binary_cross_entropy(logits.sigmoid(), targets);
        var withLogits = nn.functional.binary_cross_entropy_with_logits(logits, targets);
        Assert.That(viaSigmoid.item<double>(), Is.EqualTo(withLogits.item<double>()).Within(1e-12));
        Assert.That(nn.BCELoss().call(logits.sigmoid(), targets).item<double>(), Is.EqualTo(nn.BCEWithLogitsLoss().call(logits, targets).item<double>()).Within(1e-12));

        // A confident wrong answer: σ(40) rounds to 1 in float32, so BCE clamps log 0 to −100; the fused form is exact.
        var big = tensor(new[] { 40f });
        var zero = tensor(new[] { 0f });
        Assert.That(nn.functional.binary_cross_entropy(big.sigmoid(), zero).item<float>(), Is.EqualTo(100f));
        Assert.That(nn.functional.binary_cross_entropy_with_logits(big, zero).item<float>(), Is.EqualTo(40f).Within(1e-4));
    }

    private static double Entropy(Tensor p) => -(p * p.log()).nan_to_num(0).sum().item<double>();

    private static double CrossEntropy(Tensor p, Tensor q) => -(p * q.log()).nan_to_num(0).sum().item<double>();

    private static double Kl(Tensor p, Tensor q) => (p * (p / q).log()).nan_to_num(0).sum().item<double>();

    [Test]
    public void EntropyIsZeroForACertainEventLargestWhenUniformAndAddsOverIndependentEvents()
    {
        using var scope = NewDisposeScope();
        Assert.That(Entropy(tensor(new[] { 1.0, 0, 0 })), Is.EqualTo(0));
        var uniform = full(4, 0.25, dtype: float64);
        Assert.That(Entropy(uniform), Is.EqualTo(Math.Log(4)).Within(1e-12));
        Assert.That(Entropy(tensor(new[] { 0.7, 0.1, 0.1, 0.1 })), Is.LessThan(Math.Log(4)));
        var p = tensor(new[] { 0.2, 0.8 });
        var q = tensor(new[] { 0.5, 0.3, 0.2 });
        Assert.That(Entropy(outer(p, q).flatten()), Is.EqualTo(Entropy(p) + Entropy(q)).Within(1e-12), "H(X, Y) = H(X) + H(Y) for independent X, Y");
    }

    [Test]
    public void KlIsCrossEntropyMinusEntropyNonNegativeZeroOnlyForEqualDistributionsAndNotSymmetric()
    {
        using var scope = NewDisposeScope();
        var p = tensor(new[] { 0.6, 0.3, 0.1 });
        var q = tensor(new[] { 0.2, 0.5, 0.3 });
        Assert.That(Kl(p, q), Is.EqualTo(CrossEntropy(p, q) - Entropy(p)).Within(1e-12), "D(p‖q) = H(p, q) − H(p)");
        Assert.That(Kl(p, q), Is.GreaterThan(0));
        Assert.That(Kl(p, p), Is.EqualTo(0).Within(1e-15));
        Assert.That(Kl(p, q), Is.Not.EqualTo(Kl(q, p)).Within(1e-3), "KL is not symmetric");
        Assert.That(CrossEntropy(p, q), Is.Not.EqualTo(CrossEntropy(q, p)).Within(1e-3), "nor is cross-entropy");
        Assert.That(CrossEntropy(p, p), Is.EqualTo(Entropy(p)).Within(1e-12), "cross-entropy's least value is H(p), not 0");

        var generator = new Generator(25);
        for (int i = 0; i < 20; i++)
        {
            var a = rand([5], dtype: float64, generator: generator) + 0.01;
            var b = rand([5], dtype: float64, generator: generator) + 0.01;
            Assert.That(Kl(a / a.sum(), b / b.sum()), Is.GreaterThanOrEqualTo(0), "Gibbs' inequality");
        }

        // PyTorch's kl_div(input = log q, target = p) is D(p‖q); TorchSharp's default is log_target = true, so say false.
        var library = nn.functional.kl_div(q.log().unsqueeze(0), p.unsqueeze(0), log_target: false, reduction: nn.Reduction.Sum);
        Assert.That(library.item<double>(), Is.EqualTo(Kl(p, q)).Within(1e-12));
        // cross_entropy with class probabilities as the target is H(p, softmax(logits)).
        var ce = nn.functional.cross_entropy(q.log().unsqueeze(0), p.unsqueeze(0));
        Assert.That(ce.item<double>(), Is.EqualTo(CrossEntropy(p, q)).Within(1e-12));
    }

    [Test]
    public void TheFocalLossIsAlphaTimesOneMinusPtToTheGammaTimesTheCrossEntropy()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new[] { 2.0, -1.0, 0.5, -3.0 });
        var targets = tensor(new[] { 1.0, 1.0, 0.0, 0.0 });
        var loss = FocalLoss.FromLogits(logits, targets, alpha: 0.25, gamma: 2, reduction: nn.Reduction.None).data<double>().ToArray();
        for (int i = 0; i < 4; i++)
        {
            double p = 1 / (1 + Math.Exp(-logits[i].item<double>()));
            bool positive = targets[i].item<double>() == 1;
            double pT = positive ? p : 1 - p, alphaT = positive ? 0.25 : 0.75;
            Assert.That(loss[i], Is.EqualTo(-alphaT * Math.Pow(1 - pT, 2) * Math.Log(pT)).Within(1e-12), $"element {i}");
        }
        Assert.That(FocalLoss.FromLogits(logits, targets).item<double>(), Is.EqualTo(loss.Average()).Within(1e-12), "the mean by default");
        Assert.That(FocalLoss.FromLogits(logits, targets, reduction: nn.Reduction.Sum).item<double>(), Is.EqualTo(loss.Sum()).Within(1e-12));
    }

    [Test]
    public void WithGammaZeroTheFocalLossIsTheAlphaWeightedCrossEntropy()
    {
        using var scope = NewDisposeScope();
        manual_seed(26);
        var logits = randn(40, dtype: float64) * 3;
        var targets = randint(0, 2, [40]).to(float64);
        var weights = 0.25 * targets + 0.75 * (1 - targets);
        var weighted = nn.functional.binary_cross_entropy_with_logits(logits, targets, weight: weights);
        Assert.That(FocalLoss.FromLogits(logits, targets, alpha: 0.25, gamma: 0).item<double>(), Is.EqualTo(weighted.item<double>()).Within(1e-12));
        Assert.That(FocalLoss.FromLogits(logits, targets, alpha: -1, gamma: 0).item<double>(),
            Is.EqualTo(nn.functional.binary_cross_entropy_with_logits(logits, targets).item<double>()).Within(1e-12), "no α: plain BCE");
    }

    [Test]
    public void TheFocalTermShrinksEasyExamplesFarMoreThanHardOnes()
    {
        using var scope = NewDisposeScope();
        // Two positives: an easy one (p = 0.9) and a hard one (p = 0.1).
        var logits = tensor(new[] { Math.Log(9), -Math.Log(9) });
        var targets = ones(2, dtype: float64);
        var focal = FocalLoss.FromLogits(logits, targets, alpha: -1, gamma: 2, reduction: nn.Reduction.None);
        var ce = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.None);
        var ratio = (focal / ce).data<double>().ToArray();
        Assert.That(ratio[0], Is.EqualTo(0.01).Within(1e-12), "(1 − 0.9)² for the easy one");
        Assert.That(ratio[1], Is.EqualTo(0.81).Within(1e-12), "(1 − 0.1)² for the hard one");

        // α = 0.25 weighs a positive by 0.25 and a negative by 0.75: it is γ that discounts the easy negatives.
        var sameDifficulty = FocalLoss.FromLogits(tensor(new[] { 1.0, -1.0 }), tensor(new[] { 1.0, 0.0 }), reduction: nn.Reduction.None).data<double>().ToArray();
        Assert.That(sameDifficulty[1] / sameDifficulty[0], Is.EqualTo(3).Within(1e-12));
    }
}
