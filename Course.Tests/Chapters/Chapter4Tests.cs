using Course.Chapters.Ch04_MultilayerPerceptrons;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>Chapter 4: activations, MLPs, model selection, weight decay, dropout, numerical stability, Kaggle.</summary>
public sealed class Chapter4Tests
{
    private static float[] Values(Tensor t) => t.cpu().to(float32).reshape(-1).data<float>().ToArray();

    private static RunContext Context() => new(TestEnvironment.Options(), "test", TextWriter.Null);

    [Test]
    public void ActivationGradientsComeFromAutograd()
    {
        using var x = tensor(new[] { -1f, 0f, 2f });
        var (relu, reluGrad) = Activations.WithGradient(Activations.Functions["relu"], x);
        Assert.That(Values(relu), Is.EqualTo(new[] { 0f, 0f, 2f }));
        Assert.That(Values(reluGrad), Is.EqualTo(new[] { 0f, 0f, 1f }));
        var (_, sigmoidGrad) = Activations.WithGradient(Activations.Functions["sigmoid"], x);
        Assert.That(Values(sigmoidGrad)[1], Is.EqualTo(0.25f));
        var (_, tanhGrad) = Activations.WithGradient(Activations.Functions["tanh"], x);
        Assert.That(Values(tanhGrad)[1], Is.EqualTo(1f));
    }

    [Test]
    public void TheScratchMlpHasTheBooksShapes()
    {
        var net = new MlpScratchModel();
        Assert.That(net.W1.shape, Is.EqualTo(new long[] { 784, 256 }));
        Assert.That(net.W2.shape, Is.EqualTo(new long[] { 256, 10 }));
        Assert.That(net.parameters().Sum(p => p.numel()), Is.EqualTo(784 * 256 + 256 + 256 * 10 + 10));
        Assert.That(net.call(rand(3, 1, 28, 28)).shape, Is.EqualTo(new long[] { 3, 10 }));
        Assert.That(Values(MlpScratchModel.Relu(tensor(new[] { -2f, 3f }))), Is.EqualTo(new[] { 0f, 3f }));
    }

    [TestCase("mlp-scratch")]
    [TestCase("mlp-concise")]
    [Category("Slow")]
    public void MlpsLearnFashionMnist(string id)
    {
        // The book's 10 epochs reach 0.85 (see the closing note); two epochs already prove learning.
        var metrics = SectionRunner.Run(id, TestEnvironment.Options(epochs: 2), TextWriter.Null).Metrics;
        Assert.That(metrics["test_acc"], Is.GreaterThan(0.78));
    }

    [Test]
    public void TheNormalPolynomialFitRecoversTheWeights()
    {
        manual_seed(4);
        using var ctx = Context();
        var (features, labels) = ModelSelection.Data();
        Assert.That(features.shape, Is.EqualTo(new long[] { 200, 20 }));
        Assert.That(Values(features[0])[0], Is.EqualTo(1f), "x⁰/0! = 1");
        var (weight, losses) = ModelSelection.Fit(ctx, features, labels, 100, 4, 400, 0.01);
        Assert.That(Values(weight), Is.EqualTo(ModelSelection.TrueW).Within(0.1));
        var (_, underfit) = ModelSelection.Fit(ctx, features, labels, 100, 2, 400, 0.01);
        Assert.That(underfit[^1][0], Is.GreaterThan(10 * losses[^1][0]), "a line cannot fit the cubic");
    }

    [Test]
    public void WeightDecayShrinksTheWeightsTenfold()
    {
        manual_seed(5);
        using var ctx = Context();
        var (plain, _) = WeightDecay.TrainScratch(ctx, 0, 100, 0.003);
        var (decayed, _) = WeightDecay.TrainScratch(ctx, 3, 100, 0.003);
        Assert.That(plain / decayed, Is.GreaterThan(10));
        var (plainConcise, _) = WeightDecay.TrainConcise(ctx, 0, 100, 0.003);
        var (decayedConcise, _) = WeightDecay.TrainConcise(ctx, 3, 100, 0.003);
        Assert.That(plainConcise / decayedConcise, Is.GreaterThan(10));
        Assert.That(WeightDecay.L2Penalty(tensor(new[] { 3f, 4f })).item<float>(), Is.EqualTo(12.5f));
    }

    [Test]
    public void DropoutLayerBehavesExactly()
    {
        using var x = arange(16, dtype: float32).reshape(2, 8) + 1;
        Assert.That(Values(DropoutMlp.DropoutLayer(x, 0)), Is.EqualTo(Values(x)));
        Assert.That(Values(DropoutMlp.DropoutLayer(x, 1)), Is.All.EqualTo(0f));
        manual_seed(6);
        float[] original = Values(x), dropped = Values(DropoutMlp.DropoutLayer(x, 0.5));
        for (int i = 0; i < dropped.Length; i++)
            Assert.That(dropped[i], Is.EqualTo(0f).Or.EqualTo(original[i] * 2f), $"element {i}");
        using var big = ones(100_000);
        Assert.That(DropoutMlp.DropoutLayer(big, 0.2).mean().item<float>(), Is.EqualTo(1f).Within(0.01), "the expectation is kept");
        Assert.That(() => DropoutMlp.DropoutLayer(x, 1.5), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void EvaluationModeSwitchesDropoutOff()
    {
        using var x = rand(4, 1, 28, 28);
        foreach (nn.Module<Tensor, Tensor> net in new nn.Module<Tensor, Tensor>[] { new DropoutMlp(), DropoutConcise.Net() })
        {
            net.eval();
            Assert.That(net.call(x).allclose(net.call(x)), "deterministic in evaluation mode");
            net.train();
            Assert.That(net.call(x).allclose(net.call(x)), Is.False, "random in training mode");
        }
    }

    [Test]
    public void ProductsOfRandomMatricesExplode()
    {
        manual_seed(7);
        var (start, product) = NumericalStability.MatrixProduct();
        Assert.That(start.abs().max().item<float>(), Is.LessThan(10));
        Assert.That(product.abs().max().item<float>(), Is.GreaterThan(1e10));
    }
}
