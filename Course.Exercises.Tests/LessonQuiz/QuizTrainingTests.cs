using Course.Chapters.Ch04_MultilayerPerceptrons;
using Course.Core.Data;
using Course.Core.Events;
using Course.Core.Plotting;
using Course.Tests;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.LessonQuiz;

// The lesson quiz answers of seed 000 (a PyTorch course's 思考题答案集锦), lesson by lesson; the index is
// Course.Exercises.Tests/README.md, section 000.

/// <summary>Lessons 11–13, 15 and 16: losses, optimisers, batch sizes, curves, distributed backends.</summary>
public sealed class QuizTrainingTests
{
    /// <summary>
    /// Lesson 11: a smaller training loss is not always better. On 4.4's polynomial data (20 training examples),
    /// the loss-minimising fit with all 20 features has the lower training loss and a far higher test loss than the
    /// fit with the 4 true features (the least-squares minimum of each: the end point that training moves toward).
    /// </summary>
    [Test]
    public void SmallerTrainingLossIsNotAlwaysBetter()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        const int trainCount = 20;
        var (features, labels) = ModelSelection.Data(trainCount, 100);
        labels = labels.to(float64);
        // The features xⁱ/i! again, in float64 and by products and quotients only: correctly rounded on every CPU, where
        // float32 pow and lgamma may differ in the last bit. Column 1 is x itself.
        var x = features[.., 1..2].to(float64);
        var powers = new List<Tensor> { ones_like(x) };
        for (int i = 1; i < ModelSelection.MaxDegree; i++)
        {
            powers.Add(powers[^1] * x / i);
        }
        var exact = cat(powers, 1);
        (double Train, double Test) Fit(int featureCount)
        {
            // Columns scaled to unit norm (xⁱ/i! spans 18 orders of magnitude); the scaled 20-column matrix still has a
            // condition number near 5e13, so the minimum is the pseudo-inverse's with singular values under 1e-9 of
            // the largest dropped: a rank decision with a gap of 2.5× either side, where an unpinned solver's default
            // cut-off varies between LAPACK builds.
            var columns = exact.narrow(1, 0, featureCount);
            var scale = columns.narrow(0, 0, trainCount).square().sum(dim: 0).sqrt();
            var train = columns.narrow(0, 0, trainCount) / scale;
            var test = columns.narrow(0, trainCount, 100) / scale;
            var w = linalg.pinv(train, 1e-9).matmul(labels.narrow(0, 0, trainCount));
            return ((train.matmul(w) - labels.narrow(0, 0, trainCount)).square().mean().item<double>(),
                (test.matmul(w) - labels.narrow(0, trainCount, 100)).square().mean().item<double>());
        }
        var normal = Fit(4);
        var overfit = Fit(ModelSelection.MaxDegree);
        Assert.That(overfit.Train, Is.LessThan(normal.Train), "more features fit the training data better");
        Assert.That(overfit.Test, Is.GreaterThan(100 * normal.Test), "and generalise far worse");
        Assert.That(normal.Test, Is.LessThan(0.1), "the right model generalises (noise variance 0.01)");
    }

    /// <summary>
    /// Lesson 12: training need not be back-propagation plus gradient descent. Linear regression is solved in closed
    /// form with no gradient at all, and quasi-Newton L-BFGS reaches in one call of 20 iterations what 20 SGD steps do
    /// not. (The notes file quasi-Newton under "not back-propagation"; it replaces gradient descent, and still takes
    /// its gradients from back-propagation.)
    /// </summary>
    [Test]
    public void TrainingWithoutBackpropagation()
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        var trueW = tensor(new[] { 2f, -3.4f });
        var (x, y) = SyntheticData.Linear(trueW, 4.2, 1000);
        var design = cat([x, ones(1000, 1)], 1);
        var (solution, _, _, _) = linalg.lstsq(design, y.reshape(-1, 1));
        Assert.That(solution.reshape(-1).allclose(tensor(new[] { 2f, -3.4f, 4.2f }), atol: 0.01), "normal equations, no backward()");

        double Loss(Linear net) { using (no_grad()) return (net.call(x) - y.reshape(-1, 1)).square().mean().item<float>(); }
        var lbfgsNet = nn.Linear(2, 1);
        var sgdNet = nn.Linear(2, 1);
        sgdNet.load_state_dict(lbfgsNet.state_dict());
        var lbfgs = optim.LBFGS(lbfgsNet.parameters(), lr: 1, max_iter: 20);
        lbfgs.step(() =>
        {
            lbfgs.zero_grad();
            var loss = (lbfgsNet.call(x) - y.reshape(-1, 1)).square().mean();
            loss.backward();
            return loss;
        });
        var sgd = optim.SGD(sgdNet.parameters(), 0.03);
        for (int i = 0; i < 20; i++)
        {
            sgd.zero_grad();
            (sgdNet.call(x) - y.reshape(-1, 1)).square().mean().backward();
            sgd.step();
        }
        Assert.That(Loss(lbfgsNet), Is.LessThan(1e-3));
        Assert.That(Loss(sgdNet), Is.GreaterThan(100 * Loss(lbfgsNet)));
    }

    /// <summary>
    /// Lesson 13: a bigger batch is not always better. The minibatch gradient's variance falls as 1/B (big batches are
    /// less noisy), but over the same epochs a bigger batch takes fewer steps: with B = N (one step per epoch) the
    /// loss after 5 epochs is far above that of B = 10.
    /// </summary>
    [Test]
    public void BatchSizeTradesNoiseForSteps()
    {
        using var scope = NewDisposeScope();
        manual_seed(13);
        const int n = 1000;
        var (x, y) = SyntheticData.Linear(tensor(new[] { 2f, -3.4f }), 4.2, n);
        // Per-example gradients of (x·w + b − y)² with respect to w at w = 0, b = 0: −2 (y) x.
        var perExample = -2 * y.reshape(-1, 1) * x;
        double Variance(int batch)
        {
            var draws = randint(0, n, [400, batch]);
            return perExample.index_select(0, draws.reshape(-1)).reshape(400, batch, 2).mean([1]).var(0).sum().item<float>();
        }
        double ratio = Variance(1) / Variance(100);
        Assert.That(ratio, Is.InRange(60, 160), "variance ∝ 1/B");

        double Train(int batch)
        {
            manual_seed(130);
            var net = nn.Linear(2, 1);
            var sgd = optim.SGD(net.parameters(), 0.03);
            for (int epoch = 0; epoch < 5; epoch++)
                foreach (var (xb, yb) in new ArrayLoader(x, y, batch, shuffle: true, seed: epoch))
                {
                    using var step = NewDisposeScope();
                    sgd.zero_grad();
                    (net.call(xb) - yb.reshape(-1, 1)).square().mean().backward();
                    sgd.step();
                }
            using (no_grad()) return (net.call(x) - y.reshape(-1, 1)).square().mean().item<float>();
        }
        double small = Train(10), full = Train(n);
        Assert.That(small, Is.LessThan(1e-3));
        Assert.That(full, Is.GreaterThan(1), "5 full-batch steps are not enough");
    }

    /// <summary>Lesson 15: loss and accuracy drawn together, point by point, as two curves of one Animator.</summary>
    [Test]
    public void LossAndAccuracyPlotTogether()
    {
        string folder = TestEnvironment.TempFolder(), path = Path.Combine(folder, "loss-acc.png");
        var events = new RunEvents();
        var figures = new AnimatorSink(name => Path.Combine(folder, name + ".png"));
        events.Listen(figures.On);
        var animator = new Animator(events, "loss-acc", ["loss", "acc"], new AxesStyle { XLabel = "step", XLim = (0, 9) });
        var random = new Random(15);
        for (int step = 0; step < 10; step++)
            animator.Add(step, 0.2 * random.NextDouble() + 1, 0.1 * random.NextDouble() + 0.5);
        var series = figures.Series("loss-acc");
        Assert.That(series, Has.Count.EqualTo(2));
        Assert.That(series.Select(s => s.Y.Count), Is.All.EqualTo(10));
        Assert.That(series[0].Y, Is.All.InRange(1.0, 1.2));
        Assert.That(series[1].Y, Is.All.InRange(0.5, 0.6));
        Assert.That(File.ReadAllBytes(path).Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
    }

    /// <summary>
    /// Lesson 16 (conceptual): the backends of <c>init_process_group</c> are NCCL (NVIDIA GPUs), Gloo (CPU, and GPU
    /// with fewer collectives) and MPI. TorchSharp 0.107 has no <c>torch.distributed</c>, so none can be chosen from .NET.
    /// </summary>
    [Test]
    public void TorchSharpHasNoDistributedPackage()
    {
        Assert.That(typeof(torch).GetNestedType("distributed"), Is.Null);
        Assert.That(typeof(torch).Assembly.GetTypes().Where(t => t.Name.Contains("ProcessGroup")), Is.Empty);
    }
}
