using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 003: saving and resuming, convolution arithmetic, initialisation, tensors,
// losses (BCE, KL, focal), classification and clustering metrics, k-means, and the optimizers from scratch.
// The index (README.md, "002 and 003") maps every question to its test and records where the notes are wrong.

/// <summary>Q12: remedies for overfitting — L2 regularisation is weight decay; dropout.</summary>
public sealed class InterviewRegularisationTests
{
    [Test]
    public void WeightDecayIsTheGradientOfHalfLambdaTimesTheSquaredNorm()
    {
        using var scope = NewDisposeScope();
        manual_seed(22);
        const double lambda = 0.1, lr = 0.5;
        var x = randn(8, 3, dtype: float64);
        var y = randn(8, 1, dtype: float64);
        var start = randn(1, 3, dtype: float64);
        Tensor StepFrom(bool decay)
        {
            var w = nn.Parameter(start.clone());
            var optimizer = optim.SGD([w], lr, weight_decay: decay ? lambda : 0);
            var loss = nn.functional.mse_loss(matmul(x, w.t()), y);
            if (!decay) loss = loss + lambda / 2 * w.square().sum();
            loss.backward();
            optimizer.step();
            return w.detach();
        }
        var decayed = StepFrom(decay: true);
        Assert.That(decayed.allclose(StepFrom(decay: false), rtol: 1e-12, atol: 1e-14));
        Assert.That(decayed.allclose(start), Is.False);
    }

    [Test]
    public void DropoutZeroesAShareInTrainingAndRescalesTheRestWhileEvaluationPassesThrough()
    {
        using var scope = NewDisposeScope();
        manual_seed(23);
        var dropout = nn.Dropout(0.25);
        var x = ones(100_000);
        var y = dropout.call(x);
        double zeroShare = y.eq(0).to(float32).mean().item<float>();
        Assert.That(zeroShare, Is.EqualTo(0.25).Within(0.01));
        Assert.That(y[y.ne(0)].allclose(full(1, 1 / 0.75f)), "survivors are scaled by 1 / (1 − p)");
        Assert.That(y.mean().item<float>(), Is.EqualTo(1).Within(0.01), "so the expectation is unchanged");
        dropout.eval();
        Assert.That(dropout.call(x).equal(x).all().item<bool>());
    }
}
