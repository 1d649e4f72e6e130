using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>8.1: the autoregressive windows and k-step predictions.</summary>
public sealed class SequenceModelTests
{
    [Test]
    public void WindowsHoldTheTauPreviousValues()
    {
        using var x = arange(10, dtype: float32);
        var (features, labels) = SequenceModels.Windows(x);
        Assert.That(features.shape, Is.EqualTo(new long[] { 6, 4 }));
        Assert.That(features[0].data<float>().ToArray(), Is.EqualTo(new[] { 0f, 1, 2, 3 }));
        Assert.That(labels.reshape(-1).data<float>().ToArray(), Is.EqualTo(new[] { 4f, 5, 6, 7, 8, 9 }));
    }

    [Test]
    public void OneStepPredictionsAreTheFirstPredictedColumn()
    {
        manual_seed(13);
        var x = SequenceModels.Series();
        var net = SequenceModels.Net();
        var k = SequenceModels.MultiStep(net, x, maxSteps: 4);
        Assert.That(k.shape, Is.EqualTo(new long[] { 1000 - 4 - 4 + 1, 8 }));
        using var noGrad = no_grad();
        var (features, _) = SequenceModels.Windows(x);
        var onestep = net.call(features.narrow(0, 0, k.shape[0])).reshape(-1);
        Assert.That(k[TensorIndex.Colon, SequenceModels.Tau].allclose(onestep, atol: 1e-6));
        Assert.That(k.narrow(1, 0, 4).allclose(features.narrow(0, 0, k.shape[0])), "the observed columns are the data");
    }

    [Test]
    public void TheSectionLearnsTheSine()
    {
        var metrics = Course.Chapters.Infrastructure.SectionRunner.Run("sequence", TestEnvironment.Options(), TextWriter.Null).Metrics;
        // The noise alone has variance 0.04; the book's 5th-epoch loss is 0.0517.
        Assert.That(metrics["train_loss"], Is.LessThan(0.08));
        Assert.That(metrics["mse_64_step"], Is.GreaterThan(metrics["mse_1_step"]), "errors accumulate over many steps");
    }
}
