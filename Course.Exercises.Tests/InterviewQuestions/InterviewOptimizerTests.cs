using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 003: saving and resuming, convolution arithmetic, initialisation, tensors,
// losses (BCE, KL, focal), classification and clustering metrics, k-means, and the optimizers from scratch.
// The index (README.md, "002 and 003") maps every question to its test and records where the notes are wrong.

/// <summary>Q21: SGD, momentum, Nesterov, Adagrad, RMSprop and Adam from scratch, step for step against TorchSharp's.</summary>
public sealed class InterviewOptimizerTests
{
    /// <summary>An optimizer on a plain vector: updates <c>w</c> in place from the gradient <c>g</c>.</summary>
    private abstract class ScratchOptimizer
    {
        public abstract void Step(double[] w, double[] g);
    }

    /// <summary>SGD with optional momentum (v = μv + g) and Nesterov's look-ahead (step along g + μv), as PyTorch writes them.</summary>
    private sealed class ScratchSgd(double lr, double momentum = 0, bool nesterov = false) : ScratchOptimizer
    {
        private double[]? velocity;

        public override void Step(double[] w, double[] g)
        {
            for (int i = 0; i < w.Length; i++)
            {
                double d = g[i];
                if (momentum != 0)
                {
                    velocity ??= new double[w.Length];
                    velocity[i] = momentum * velocity[i] + g[i]; // the first step starts from v = g
                    d = nesterov ? g[i] + momentum * velocity[i] : velocity[i];
                }
                w[i] -= lr * d;
            }
        }
    }

    /// <summary>Adagrad: s += g²; w −= lr · g / (√s + ε).</summary>
    private sealed class ScratchAdagrad(double lr, double eps = 1e-10) : ScratchOptimizer
    {
        private double[]? sum;

        public override void Step(double[] w, double[] g)
        {
            sum ??= new double[w.Length];
            for (int i = 0; i < w.Length; i++)
            {
                sum[i] += g[i] * g[i];
                w[i] -= lr * g[i] / (Math.Sqrt(sum[i]) + eps);
            }
        }
    }

    /// <summary>RMSprop: s = αs + (1 − α)g²; w −= lr · g / (√s + ε) — an exponential moving average, not a window.</summary>
    private sealed class ScratchRmsProp(double lr, double alpha = 0.99, double eps = 1e-8) : ScratchOptimizer
    {
        private double[]? square;

        public override void Step(double[] w, double[] g)
        {
            square ??= new double[w.Length];
            for (int i = 0; i < w.Length; i++)
            {
                square[i] = alpha * square[i] + (1 - alpha) * g[i] * g[i];
                w[i] -= lr * g[i] / (Math.Sqrt(square[i]) + eps);
            }
        }
    }

    /// <summary>Adam: bias-corrected first and second moments, w −= lr · m̂ / (√v̂ + ε).</summary>
    private sealed class ScratchAdam(double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8) : ScratchOptimizer
    {
        private double[]? m, v;
        private int t;

        public override void Step(double[] w, double[] g)
        {
            m ??= new double[w.Length];
            v ??= new double[w.Length];
            t++;
            for (int i = 0; i < w.Length; i++)
            {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.Pow(beta1, t)), vHat = v[i] / (1 - Math.Pow(beta2, t));
                w[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        }
    }

    private static readonly double[] Start = [1.5, -2.0, 0.3, 2.5, -0.7];
    private static readonly double[] Scale = [1.0, 0.5, 3.0, 0.2, 2.0];
    private static readonly double[] Target = [0.5, 1.0, -1.0, 0.0, 0.25];

    /// <summary>f(w) = Σ aᵢ (wᵢ − cᵢ)² + 0.1 Σ wᵢ⁴, an ill-conditioned non-quadratic bowl.</summary>
    private static Tensor Loss(Tensor w) =>
        (tensor(Scale) * (w - tensor(Target)).square()).sum() + 0.1 * w.pow(4).sum();

    private static double[] Gradient(double[] w) =>
        w.Select((wi, i) => 2 * Scale[i] * (wi - Target[i]) + 0.4 * wi * wi * wi).ToArray();

    /// <summary>Runs both for 30 steps; after every step the parameters must agree to rounding.</summary>
    private static void AssertSameTrajectory(Func<Parameter, optim.Optimizer> library, ScratchOptimizer scratch)
    {
        using var scope = NewDisposeScope();
        var w = nn.Parameter(tensor(Start));
        var optimizer = library(w);
        var mine = (double[])Start.Clone();
        double firstLoss = Loss(w).item<double>();
        for (int step = 1; step <= 30; step++)
        {
            optimizer.zero_grad();
            Loss(w).backward();
            optimizer.step();
            scratch.Step(mine, Gradient(mine));
            Assert.That(w.detach().data<double>().ToArray(), Is.EqualTo(mine).Within(1e-10), $"step {step}");
        }
        Assert.That(Loss(w).item<double>(), Is.LessThan(firstLoss), "and it descends");
    }

    [Test]
    public void SgdFromScratchEqualsTorchSharp() =>
        AssertSameTrajectory(w => optim.SGD([w], 0.02), new ScratchSgd(0.02));

    [Test]
    public void MomentumFromScratchEqualsTorchSharp() =>
        AssertSameTrajectory(w => optim.SGD([w], 0.02, momentum: 0.9), new ScratchSgd(0.02, 0.9));

    [Test]
    public void NesterovFromScratchEqualsTorchSharp() =>
        AssertSameTrajectory(w => optim.SGD([w], 0.02, momentum: 0.9, nesterov: true), new ScratchSgd(0.02, 0.9, nesterov: true));

    [Test]
    public void AdagradFromScratchEqualsTorchSharp() =>
        AssertSameTrajectory(w => optim.Adagrad([w], 0.3), new ScratchAdagrad(0.3));

    [Test]
    public void RmsPropFromScratchEqualsTorchSharp() =>
        AssertSameTrajectory(w => optim.RMSProp([w], 0.01), new ScratchRmsProp(0.01));

    [Test]
    public void AdamFromScratchEqualsTorchSharp() =>
        AssertSameTrajectory(w => optim.Adam([w], 0.05), new ScratchAdam(0.05));

    [Test]
    public void AdagradsStepFadesAsOneOverRootTWhereRmsPropsDoesNot()
    {
        // A constant gradient of 1: Adagrad's t-th step is lr/√t (the learning rate "vanishes");
        // RMSprop's average forgets, so its step settles at lr/√(1 − αᵗ) → lr instead.
        double[] ones = [1.0];
        var adagrad = new ScratchAdagrad(0.1);
        var rmsProp = new ScratchRmsProp(0.1);
        double[] a = [0.0], r = [0.0];
        double lastA = 0, lastR = 0;
        for (int t = 1; t <= 400; t++)
        {
            double beforeA = a[0], beforeR = r[0];
            adagrad.Step(a, ones);
            rmsProp.Step(r, ones);
            lastA = beforeA - a[0];
            lastR = beforeR - r[0];
            if (t is 1 or 100 or 400) Assert.That(lastA, Is.EqualTo(0.1 / Math.Sqrt(t)).Within(1e-9), $"Adagrad step {t}");
        }
        Assert.That(lastR, Is.EqualTo(0.1 / Math.Sqrt(1 - Math.Pow(0.99, 400))).Within(1e-7));
        Assert.That(lastR / lastA, Is.GreaterThan(19), "twenty times Adagrad's step by t = 400");
    }
}
