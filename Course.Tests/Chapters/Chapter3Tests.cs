using Course.Chapters.Ch03_LinearNetworks;
using Course.Chapters.Infrastructure;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>Chapter 3 at the book's settings: the runs converge where the book says they do.</summary>
public sealed class Chapter3Tests
{
    private static Dictionary<string, double> Run(string id, int? epochs = null, int? limit = null) =>
        new(SectionRunner.Run(id, TestEnvironment.Options(epochs, limit), TextWriter.Null).Metrics);

    [TestCase("linreg-scratch")]
    [TestCase("linreg-concise")]
    public void LinearRegressionRecoversTheTrueParameters(string id)
    {
        var metrics = Run(id);
        Assert.That(metrics["w_error_max"], Is.LessThan(0.01));
        Assert.That(metrics["b_error"], Is.LessThan(0.01));
        Assert.That(metrics["loss"], Is.LessThan(0.001));
    }

    [Test]
    public void LinregScratchGivesTheSameLossesForTheSameSeed() =>
        Assert.That(Run("linreg-scratch")["loss"], Is.EqualTo(Run("linreg-scratch")["loss"]));

    [TestCase("softmax-concise")]
    [TestCase("softmax-scratch")]
    [Category("Slow")]
    public void SoftmaxRegressionReachesTheBooksAccuracy(string id)
    {
        var metrics = Run(id);
        // d2l's train_ch3 asserts train loss < 0.5 and accuracies above 0.7; Course asks for 0.80 on the test set.
        Assert.That(metrics["train_loss"], Is.LessThan(0.5));
        Assert.That(metrics["train_acc"], Is.InRange(0.7, 1.0));
        Assert.That(metrics["test_acc"], Is.InRange(0.80, 1.0));
    }

    [Test]
    public void TheScratchModelHasTheBooksShapes()
    {
        var net = new SoftmaxRegressionModel();
        Assert.That(net.W.shape, Is.EqualTo(new long[] { 784, 10 }));
        Assert.That(net.b.shape, Is.EqualTo(new long[] { 10 }));
        using var probabilities = net.call(rand(5, 1, 28, 28));
        Assert.That(probabilities.shape, Is.EqualTo(new long[] { 5, 10 }));
        Assert.That(probabilities.sum(dim: 1).data<float>().ToArray(), Is.All.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public void CrossEntropyPicksTheTrueClass()
    {
        // The book: ŷ[[0, 1], y] = [0.1, 0.5] for y = [0, 2].
        using var yHat = tensor(new[] { 0.1f, 0.3f, 0.6f, 0.3f, 0.2f, 0.5f }, [2, 3]);
        using var loss = SoftmaxRegressionModel.CrossEntropy(yHat, tensor(new long[] { 0, 2 }));
        Assert.That(loss.data<float>().ToArray(), Is.EqualTo(new[] { -MathF.Log(0.1f), -MathF.Log(0.5f) }).Within(1e-6));
    }
}
