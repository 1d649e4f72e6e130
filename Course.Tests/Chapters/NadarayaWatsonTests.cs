using Course.Chapters.Ch10_AttentionMechanisms;
using Course.Core.Runtime;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>10.2: Nadaraya–Watson attention pooling, nonparametric and with a learned kernel width.</summary>
public sealed class NadarayaWatsonTests
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
        var losses = NadarayaWatson.Train(new NWKernelRegression(), xTrain, yTrain, epochs: 5, lr: 0.5);
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
        Assert.That(() => NadarayaWatson.Train(new NWKernelRegression(), xTrain, yTrain, epochs: 5, lr: 1e30),
            Throws.TypeOf<CourseException>().With.Message.Contains("--lr"));
    }
}
