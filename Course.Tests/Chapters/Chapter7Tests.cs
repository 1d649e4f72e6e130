using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using BatchNorm = Course.Chapters.Ch07_ModernConvolutionalNetworks.BatchNorm;

namespace Course.Tests.Chapters;

/// <summary>
/// Chapter 7: every network's layer-by-layer shapes against the book's printed tables, the blocks' shape anchors of
/// docs/parity.md, the scratch batch normalization against <c>nn.BatchNorm1d/2d</c>, the smallest inputs each network
/// takes, and short seeded runs on Fashion-MNIST that prove learning.
/// </summary>
public sealed class Chapter7Tests
{
    private static float[] Values(Tensor t) => t.detach().cpu().to(float32).reshape(-1).data<float>().ToArray();

    /// <summary>The walk as "Layer (d0, d1, …)" strings, which read like the book's tables in a failure message.</summary>
    /// <summary>Gives the scratch and the concise batch norm the same random, non-trivial γ and β.</summary>
    private static void SameScaleAndShift(BatchNorm scratch, NormBase concise, long features)
    {
        var gamma = rand(features) + 0.5;
        var beta = randn(features);
        concise.weight!.copy_(gamma);
        concise.bias!.copy_(beta);
        scratch.gamma.copy_(gamma.reshape(scratch.gamma.shape));
        scratch.beta.copy_(beta.reshape(scratch.beta.shape));
    }

    private static string[] Shapes(Sequential net, params long[] input) =>
        [.. ShapeTable.Walk(net, input).Select(row => $"{row.Layer} ({string.Join(", ", row.Shape)})")];

    private static Dictionary<string, double> Run(string id, int epochs, int limit, int resize, int? batchSize = null) =>
        new(SectionRunner.Run(id, TestEnvironment.Options(epochs, limit, resize, batchSize), TextWriter.Null).Metrics);

    // ---- The book's shape tables -------------------------------------------------------------------------------

    [Test]
    public void AlexNetHasTheBooksShapesAt224()
    {
        using var net = new AlexNet();
        Assert.That(Shapes(net, 1, 1, 224, 224), Is.EqualTo(new[]
        {
            "Conv2d (1, 96, 54, 54)", "ReLU (1, 96, 54, 54)", "MaxPool2d (1, 96, 26, 26)",
            "Conv2d (1, 256, 26, 26)", "ReLU (1, 256, 26, 26)", "MaxPool2d (1, 256, 12, 12)",
            "Conv2d (1, 384, 12, 12)", "ReLU (1, 384, 12, 12)",
            "Conv2d (1, 384, 12, 12)", "ReLU (1, 384, 12, 12)",
            "Conv2d (1, 256, 12, 12)", "ReLU (1, 256, 12, 12)", "MaxPool2d (1, 256, 5, 5)",
            "Flatten (1, 6400)",
            "Linear (1, 4096)", "ReLU (1, 4096)", "Dropout (1, 4096)",
            "Linear (1, 4096)", "ReLU (1, 4096)", "Dropout (1, 4096)",
            "Linear (1, 10)",
        }));
        // The book's Linear(6400, 4096) exactly.
        Assert.That(net[14], Is.TypeOf<Linear>());
        Assert.That(((Linear)net[14]).weight!.shape, Is.EqualTo(new long[] { 4096, 6400 }));
    }

    [Test]
    public void VggHasTheBooksShapesAt224()
    {
        using var net = new Vgg(Vgg.ConvArch);
        Assert.That(Shapes(net, 1, 1, 224, 224), Is.EqualTo(new[]
        {
            "Sequential (1, 64, 112, 112)", "Sequential (1, 128, 56, 56)", "Sequential (1, 256, 28, 28)",
            "Sequential (1, 512, 14, 14)", "Sequential (1, 512, 7, 7)",
            "Flatten (1, 25088)",
            "Linear (1, 4096)", "ReLU (1, 4096)", "Dropout (1, 4096)",
            "Linear (1, 4096)", "ReLU (1, 4096)", "Dropout (1, 4096)",
            "Linear (1, 10)",
        }));
        // VGG-11: 8 convolutions, 3 dense layers.
        Assert.That(net.modules().OfType<Conv2d>().Count(), Is.EqualTo(8));
        Assert.That(net.modules().OfType<Linear>().Count(), Is.EqualTo(3));
    }

    [Test]
    public void TheSmallVggHasAQuarterOfTheChannels()
    {
        Assert.That(Vgg.Small(4), Is.EqualTo(new[] { (1, 16), (1, 32), (2, 64), (2, 128), (2, 128) }));
        using var net = new Vgg(Vgg.Small(4));
        Assert.That(ShapeTable.Walk(net, 1, 1, 224, 224)[5].Shape, Is.EqualTo(new long[] { 1, 128 * 7 * 7 }));
        using var block = Vgg.VggBlock(2, 3, 8);
        Assert.That(block.call(rand(2, 3, 10, 10)).shape, Is.EqualTo(new long[] { 2, 8, 5, 5 }));
        Assert.That(block.children().Count(), Is.EqualTo(5), "conv, relu, conv, relu, pool");
    }

    [Test]
    public void NiNHasTheBooksShapesAt224()
    {
        using var net = new NiN();
        Assert.That(Shapes(net, 1, 1, 224, 224), Is.EqualTo(new[]
        {
            "Sequential (1, 96, 54, 54)", "MaxPool2d (1, 96, 26, 26)",
            "Sequential (1, 256, 26, 26)", "MaxPool2d (1, 256, 12, 12)",
            "Sequential (1, 384, 12, 12)", "MaxPool2d (1, 384, 5, 5)", "Dropout (1, 384, 5, 5)",
            "Sequential (1, 10, 5, 5)", "AdaptiveAvgPool2d (1, 10, 1, 1)", "Flatten (1, 10)",
        }));
    }

    [Test]
    public void GoogLeNetHasTheBooksShapesAt96()
    {
        using var net = new GoogLeNet();
        Assert.That(Shapes(net, 1, 1, 96, 96), Is.EqualTo(new[]
        {
            "Sequential (1, 64, 24, 24)", "Sequential (1, 192, 12, 12)", "Sequential (1, 480, 6, 6)",
            "Sequential (1, 832, 3, 3)", "Sequential (1, 1024)", "Linear (1, 10)",
        }));
        Assert.That(net.modules().OfType<Inception>().Count(), Is.EqualTo(9));
    }

    [Test]
    public void InceptionConcatenatesItsFourPaths()
    {
        // b3's two blocks: 64 + 128 + 32 + 32 = 256 and 128 + 192 + 96 + 64 = 480 channels; height and width kept.
        using var first = new Inception(192, 64, (96, 128), (16, 32), 32);
        using var second = new Inception(256, 128, (128, 192), (32, 96), 64);
        Assert.That((first.OutChannels, second.OutChannels), Is.EqualTo((256, 480)));
        using var y = second.call(first.call(rand(2, 192, 12, 12)));
        Assert.That(y.shape, Is.EqualTo(new long[] { 2, 480, 12, 12 }));
        Assert.That(first.named_children().Select(c => c.name), Is.EqualTo(new[] { "p1_1", "p2_1", "p2_2", "p3_1", "p3_2", "p4_1", "p4_2" }));
    }

    [Test]
    public void ResNetHasTheBooksShapesAt224()
    {
        using var net = new ResNet();
        Assert.That(Shapes(net, 1, 1, 224, 224), Is.EqualTo(new[]
        {
            "Sequential (1, 64, 56, 56)", "Sequential (1, 64, 56, 56)", "Sequential (1, 128, 28, 28)",
            "Sequential (1, 256, 14, 14)", "Sequential (1, 512, 7, 7)",
            "AdaptiveAvgPool2d (1, 512, 1, 1)", "Flatten (1, 512)", "Linear (1, 10)",
        }));
        // ResNet-18: 17 convolutions of 3×3 or 7×7 (1 + 4 × 2 × 2), three 1×1 shortcuts, one dense layer.
        Assert.That(net.modules().OfType<Conv2d>().Count(), Is.EqualTo(20));
        Assert.That(net.modules().OfType<Residual>().Count(), Is.EqualTo(8));
    }

    [Test]
    public void ResidualBlocksKeepOrHalveTheShape()
    {
        using var x = rand(4, 3, 6, 6);
        using var same = new Residual(3, 3);
        Assert.That(same.call(x).shape, Is.EqualTo(new long[] { 4, 3, 6, 6 }));
        using var halving = new Residual(3, 6, use1x1Conv: true, strides: 2);
        Assert.That(halving.call(x).shape, Is.EqualTo(new long[] { 4, 6, 3, 3 }));
        Assert.That(halving.named_children().Select(c => c.name), Is.EquivalentTo(new[] { "conv1", "conv2", "conv3", "bn1", "bn2" }));
        Assert.That(same.named_children().Select(c => c.name), Does.Not.Contain("conv3"));
        // The output is a ReLU: never negative.
        Assert.That(Values(halving.call(x - 0.5)), Is.All.GreaterThanOrEqualTo(0f));
    }

    [Test]
    public void DenseNetHasTheBooksShapesAt96()
    {
        using var net = new DenseNet();
        Assert.That(Shapes(net, 1, 1, 96, 96), Is.EqualTo(new[]
        {
            "Sequential (1, 64, 24, 24)",
            "DenseBlock (1, 192, 24, 24)", "Sequential (1, 96, 12, 12)",
            "DenseBlock (1, 224, 12, 12)", "Sequential (1, 112, 6, 6)",
            "DenseBlock (1, 240, 6, 6)", "Sequential (1, 120, 3, 3)",
            "DenseBlock (1, 248, 3, 3)",
            "BatchNorm2d (1, 248, 3, 3)", "ReLU (1, 248, 3, 3)", "AdaptiveAvgPool2d (1, 248, 1, 1)", "Flatten (1, 248)",
            "Linear (1, 10)",
        }));
    }

    [Test]
    public void DenseAndTransitionBlocksHaveTheBooksShapes()
    {
        using var blk = new DenseBlock(2, 3, 10);
        using var y = blk.call(rand(4, 3, 8, 8));
        Assert.That(y.shape, Is.EqualTo(new long[] { 4, 23, 8, 8 }));
        Assert.That(blk.OutChannels, Is.EqualTo(23));
        using var transition = DenseNet.TransitionBlock(23, 10);
        Assert.That(transition.call(y).shape, Is.EqualTo(new long[] { 4, 10, 4, 4 }));
    }

    [Test]
    public void DenseBlocksKeepTheirInputAsTheFirstChannels()
    {
        using var blk = new DenseBlock(2, 3, 10);
        blk.eval();
        using var x = rand(2, 3, 5, 5);
        using var y = blk.call(x);
        Assert.That(Values(y.narrow(1, 0, 3)), Is.EqualTo(Values(x)));
    }

    [Test]
    public void BatchNormLeNetHasTheBooksShapesAt28([Values] bool concise)
    {
        using var net = new BatchNormLeNet(concise);
        string norm2 = concise ? "BatchNorm2d" : "BatchNorm", norm1 = concise ? "BatchNorm1d" : "BatchNorm";
        Assert.That(Shapes(net, 1, 1, 28, 28), Is.EqualTo(new[]
        {
            "Conv2d (1, 6, 24, 24)", $"{norm2} (1, 6, 24, 24)", "Sigmoid (1, 6, 24, 24)", "AvgPool2d (1, 6, 12, 12)",
            "Conv2d (1, 16, 8, 8)", $"{norm2} (1, 16, 8, 8)", "Sigmoid (1, 16, 8, 8)", "AvgPool2d (1, 16, 4, 4)",
            "Flatten (1, 256)",
            "Linear (1, 120)", $"{norm1} (1, 120)", "Sigmoid (1, 120)",
            "Linear (1, 84)", $"{norm1} (1, 84)", "Sigmoid (1, 84)",
            "Linear (1, 10)",
        }));
    }

    // ---- The smallest inputs ----------------------------------------------------------------------------------

    [Test]
    public void AlexNetAndVggSizeTheirDenseHeadFromTheInput()
    {
        Assert.That(AlexNet.FeatureSize(224), Is.EqualTo(5));
        Assert.That(AlexNet.FeatureSize(AlexNet.MinimumInput), Is.EqualTo(1));
        Assert.That(AlexNet.FeatureSize(AlexNet.MinimumInput - 1), Is.LessThan(1));
        Assert.That(() => new AlexNet(AlexNet.MinimumInput - 1), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Vgg(Vgg.Small(4), Vgg.MinimumInput - 1), Throws.TypeOf<ArgumentOutOfRangeException>());
        using var alex = new AlexNet(AlexNet.MinimumInput);
        Assert.That(ShapeTable.Walk(alex, 2, 1, 65, 65)[^1].Shape, Is.EqualTo(new long[] { 2, 10 }));
        Assert.That(AlexNet.FeatureSize(128), Is.EqualTo(2));
        using var alex128 = new AlexNet(128);
        Assert.That(ShapeTable.Walk(alex128, 2, 1, 128, 128)[13].Shape, Is.EqualTo(new long[] { 2, 256 * 2 * 2 }));
        using var vgg = new Vgg(Vgg.Small(4), Vgg.MinimumInput);
        Assert.That(ShapeTable.Walk(vgg, 2, 1, 32, 32)[^1].Shape, Is.EqualTo(new long[] { 2, 10 }));
    }

    [Test]
    public void NiNAndDenseNetNeedTheirMinimumInput()
    {
        using var nin = new NiN();
        Assert.That(ShapeTable.Walk(nin, 1, 1, NiN.MinimumInput, NiN.MinimumInput)[^1].Shape, Is.EqualTo(new long[] { 1, 10 }));
        Assert.That(() => ShapeTable.Walk(nin, 1, 1, NiN.MinimumInput - 1, NiN.MinimumInput - 1), Throws.Exception);
        using var dense = new DenseNet();
        Assert.That(ShapeTable.Walk(dense, 1, 1, DenseNet.MinimumInput, DenseNet.MinimumInput)[^1].Shape, Is.EqualTo(new long[] { 1, 10 }));
        Assert.That(() => ShapeTable.Walk(dense, 1, 1, DenseNet.MinimumInput - 1, DenseNet.MinimumInput - 1), Throws.Exception);
        Assert.That(() => new BatchNormLeNet(false, BatchNormLeNet.MinimumInput - 1), Throws.TypeOf<ArgumentOutOfRangeException>());
        using var lenet = new BatchNormLeNet(false, BatchNormLeNet.MinimumInput);
        Assert.That(ShapeTable.Walk(lenet, 1, 1, 16, 16)[^1].Shape, Is.EqualTo(new long[] { 1, 10 }));
    }

    [Test]
    public void GoogLeNetAndResNetTakeFashionMnistsOwn28()
    {
        using var google = new GoogLeNet();
        Assert.That(ShapeTable.Walk(google, 1, 1, 28, 28).Select(r => r.Shape[^1]), Is.EqualTo(new long[] { 7, 4, 2, 1, 1024, 10 }));
        using var resnet = new ResNet();
        Assert.That(ShapeTable.Walk(resnet, 1, 1, 28, 28).Select(r => r.Shape[^1]), Is.EqualTo(new long[] { 7, 7, 4, 2, 1, 1, 512, 10 }));
    }

    [TestCase("alexnet", 64)]
    [TestCase("vgg", 31)]
    [TestCase("nin", 28)]
    [TestCase("densenet", 28)]
    public void ATooSmallResizeIsOneClearSentence(string id, int resize)
    {
        var options = TestEnvironment.Options(epochs: 1, limit: 100, resize: resize);
        Assert.That(() => SectionRunner.Run(id, options, TextWriter.Null),
            Throws.TypeOf<CourseException>().With.Message.Contains("needs inputs of at least").And.Message.Contains($"not {resize}×{resize}"));
    }

    // ---- Batch normalization -----------------------------------------------------------------------------------

    [Test]
    public void BatchNormalizationOfTwoExamplesGivesMinusOneAndOne()
    {
        // REFERENCE: BatchNorm1d on [[1, 2], [2, 3]] gives [[-1, -1], [1, 1]] (up to eps = 1e-5).
        using var x = tensor(new[] { 1f, 2f, 2f, 3f }, [2, 2]);
        using var concise = nn.BatchNorm1d(2);
        using var scratch = new BatchNorm(2, numDims: 2);
        float[] expected = [-1f, -1f, 1f, 1f];
        Assert.That(Values(concise.call(x)), Is.EqualTo(expected).Within(1e-4));
        Assert.That(Values(scratch.call(x)), Is.EqualTo(expected).Within(1e-4));
    }

    [TestCase(2)]
    [TestCase(4)]
    public void ScratchBatchNormMatchesTorchInTraining(int dims)
    {
        manual_seed(7);
        const int features = 3;
        long[] shape = dims == 2 ? [16, features] : [8, features, 5, 5];
        long m = dims == 2 ? 16 : 8 * 5 * 5;  // values per feature in a batch
        using var scratch = new BatchNorm(features, dims);
        using NormBase concise = dims == 2 ? nn.BatchNorm1d(features) : nn.BatchNorm2d(features);
        using (no_grad())
        {
            // The same non-trivial scale and shift in both.
            SameScaleAndShift(scratch, concise, features);
        }
        scratch.train();
        concise.train();
        const int steps = 3;
        for (int step = 0; step < steps; step++)
        {
            var xScratch = (randn(shape) * 2 + step + 1).requires_grad_();
            var xConcise = xScratch.detach().clone().requires_grad_();
            var weights = randn(shape);
            var yScratch = scratch.call(xScratch);
            var yConcise = concise.call(xConcise);
            Assert.That(Values(yScratch), Is.EqualTo(Values(yConcise)).Within(1e-5), $"outputs, step {step}");
            // Backpropagation through the scratch version gives PyTorch's gradients.
            (yScratch * weights).sum().backward();
            (yConcise * weights).sum().backward();
            Assert.That(Values(xScratch.grad!), Is.EqualTo(Values(xConcise.grad!)).Within(1e-4), $"input gradient, step {step}");
            Assert.That(Values(scratch.gamma.grad!), Is.EqualTo(Values(concise.weight!.grad!)).Within(1e-3), $"gamma gradient, step {step}");
            Assert.That(Values(scratch.beta.grad!), Is.EqualTo(Values(concise.bias!.grad!)).Within(1e-3), $"beta gradient, step {step}");
        }
        // The moving mean is the same average: the book's momentum 0.9 on the old value is PyTorch's 0.1 on the new.
        Assert.That(Values(scratch.moving_mean), Is.EqualTo(Values(concise.running_mean!)).Within(1e-6));
        // The moving variance is not: the book averages the biased batch variance, PyTorch the unbiased one. Both start
        // at 1, so after k steps: torch − 0.9^k = m/(m−1) · (book − 0.9^k).
        double start = Math.Pow(0.9, steps), correction = m / (m - 1.0);
        var expected = Values(scratch.moving_var).Select(v => (float)(start + correction * (v - start))).ToArray();
        Assert.That(Values(concise.running_var!), Is.EqualTo(expected).Within(1e-5));
        Assert.That(Values(concise.running_var!), Is.Not.EqualTo(Values(scratch.moving_var)).Within(1e-5));
    }

    [TestCase(2)]
    [TestCase(4)]
    public void ScratchBatchNormMatchesTorchInEvaluation(int dims)
    {
        manual_seed(8);
        const int features = 4;
        long[] shape = dims == 2 ? [5, features] : [3, features, 4, 4];
        using var scratch = new BatchNorm(features, dims);
        using NormBase concise = dims == 2 ? nn.BatchNorm1d(features) : nn.BatchNorm2d(features);
        using (no_grad())
        {
            var mean = randn(features);
            var variance = rand(features) + 0.1;
            concise.running_mean!.copy_(mean);
            concise.running_var!.copy_(variance);
            scratch.moving_mean.copy_(mean.reshape(scratch.moving_mean.shape));
            scratch.moving_var.copy_(variance.reshape(scratch.moving_var.shape));
            SameScaleAndShift(scratch, concise, features);
        }
        scratch.eval();
        concise.eval();
        using var x = randn(shape) * 3;
        float[] before = Values(scratch.moving_mean);
        Assert.That(Values(scratch.call(x)), Is.EqualTo(Values(concise.call(x))).Within(1e-5));
        Assert.That(Values(scratch.moving_mean), Is.EqualTo(before), "prediction leaves the moving statistics alone");
    }

    [Test]
    public void ScratchBatchNormKeepsItsMovingStatisticsAsBuffers()
    {
        using var bn = new BatchNorm(3, numDims: 4);
        Assert.That(bn.named_parameters().Select(p => p.name), Is.EquivalentTo(new[] { "gamma", "beta" }));
        Assert.That(bn.named_buffers().Select(b => b.name), Is.EquivalentTo(new[] { "moving_mean", "moving_var" }));
        Assert.That(bn.state_dict().Keys, Is.EquivalentTo(new[] { "gamma", "beta", "moving_mean", "moving_var" }));
        Assert.That(bn.moving_mean.requires_grad, Is.False);
        // The buffers move with the module (here to float64) and training updates the registered tensors.
        bn.to(float64);
        Assert.That(bn.moving_mean.dtype, Is.EqualTo(float64));
        bn.train();
        bn.call(ones(2, 3, 2, 2, dtype: float64) * 5);
        var buffer = bn.named_buffers().Single(b => b.name == "moving_mean").buffer;
        Assert.That(buffer.dtype, Is.EqualTo(float64));
        Assert.That(Values(buffer), Is.EqualTo(new[] { 0.5f, 0.5f, 0.5f }).Within(1e-6), "0.9 · 0 + 0.1 · 5");
        Assert.That(Values(bn.moving_mean), Is.EqualTo(Values(buffer)));
    }

    [Test]
    public void ScratchBatchNormRejectsThreeDimensionalInputs()
    {
        using var x = ones(2, 3, 4);
        Assert.That(() => BatchNorm.Normalize(x, ones(1, 3), zeros(1, 3), zeros(1, 3), ones(1, 3), 1e-5, 0.9, training: true),
            Throws.ArgumentException.With.Message.Contains("3-D"));
        Assert.That(() => new BatchNorm(3, numDims: 3), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    // ---- Learning on Fashion-MNIST -----------------------------------------------------------------------------

    [Test]
    [Category("Slow")]
    public void BatchNormLeNetLearnsFashionMnistAndTheScratchLayerTrainsLikeTorchs()
    {
        // Three epochs on 6000 images (70 steps at the book's batch 256 and lr 1.0): seeds 1–4 give train accuracy
        // 0.72–0.74 and test accuracy 0.64–0.74 (the test accuracy swings, as the book notes); chance is 0.1.
        var scratch = Run("batch-norm", epochs: 3, limit: 6000, resize: 28);
        var concise = Run("batch-norm-concise", epochs: 3, limit: 6000, resize: 28);
        Assert.That(scratch["train_acc"], Is.GreaterThan(0.65));
        Assert.That(scratch["test_acc"], Is.GreaterThan(0.55));
        Assert.That(concise["test_acc"], Is.GreaterThan(0.55));
        // Same seed, same initial weights, same normalisation: the two train alike (the moving variance differs, see
        // BatchNorm, so the test accuracies may differ slightly).
        Assert.That(concise["train_loss"], Is.EqualTo(scratch["train_loss"]).Within(1e-3));
        Assert.That(concise["train_acc"], Is.EqualTo(scratch["train_acc"]).Within(1e-3));
    }

    [Test]
    [Category("Slow")]
    public void ResNetLearnsFashionMnistAt28()
    {
        // One epoch on 3000 images at batch 64 (47 steps): seeds 1–3 and 42 give train accuracy 0.57–0.60 and test
        // accuracy 0.54–0.73.
        var metrics = Run("resnet", epochs: 1, limit: 3000, resize: 28, batchSize: 64);
        Assert.That(metrics["train_acc"], Is.GreaterThan(0.5));
        Assert.That(metrics["test_acc"], Is.GreaterThan(0.45));
    }

    [TestCase("alexnet", AlexNet.MinimumInput)]
    [TestCase("vgg", Vgg.MinimumInput)]
    [TestCase("nin", NiN.MinimumInput)]
    [TestCase("googlenet", 28)]
    [TestCase("densenet", 32)]
    [Category("Slow")]
    public void TheBigNetworksRunAtASmallResize(string id, int resize)
    {
        // Stands in for the section smoke test, which would take 35–130 s per network at the book's resolution.
        var output = new StringWriter();
        var options = TestEnvironment.Options(epochs: 1, limit: 256, resize: resize);
        var result = SectionRunner.Run(id, options, output);
        SectionSmokeTests.AssertMetricsFileIs(result);
        Assert.That(result.Hyperparameters["resize"], Is.EqualTo(resize));
        Assert.That(result.Metrics, Contains.Key("train_loss").And.ContainKey("test_acc"));
        Assert.That(output.ToString(), Does.Contain("output shape:").And.Contain("examples/sec on cpu"));
    }
}
