using Course.Chapters.Ch06_ConvolutionalNetworks;
using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Course.Exercises.Tests.ChapterNotes;

/// <summary>The convolution and LeNet Q&amp;A (d2l 6.2 and 6.6).</summary>
public sealed class NotesChapter6Tests
{
    [Test]
    public void AHundredUnitHiddenLayerIsAHundredWideDenseLayer()
    {
        var (flatten, dense, relu) = (nn.Flatten(), nn.Linear(784, 100), nn.ReLU());
        var mlp = nn.Sequential(flatten, dense, relu, nn.Linear(100, 10));
        var hidden = relu.call(dense.call(flatten.call(rand(2, 1, 28, 28))));
        Assert.That(hidden.shape, Is.EqualTo(new long[] { 2, 100 }), "the hidden layer is nn.Linear(784, 100) and its activation");
        Assert.That(dense.parameters().Sum(p => p.numel()), Is.EqualTo(784 * 100 + 100));
        Assert.That(mlp.call(rand(2, 1, 28, 28)).shape, Is.EqualTo(new long[] { 2, 10 }));
    }

    [Test]
    public void ASmallerLearningRateOrALargerBatchSmoothsTheLossCurve()
    {
        manual_seed(1);
        var X = randn(200, 2);
        var Y = X.mm(tensor(new[] { 2f, -3.4f }).reshape(2, 1)) + 4.2 + 0.5 * randn(200, 1);
        double Jitter(double lr, int batch)
        {
            manual_seed(2);
            var net = nn.Linear(2, 1);
            var optimizer = optim.SGD(net.parameters(), lr);
            var generator = new Generator(3);
            var losses = new List<double>();
            for (int step = 0; step < 300; step++)
            {
                using var scope = NewDisposeScope();
                var idx = randint(0, 200, [batch], generator: generator);
                optimizer.zero_grad();
                (net.call(X[idx]) - Y[idx]).square().mean().backward();
                optimizer.step();
                using (no_grad()) if (step >= 150) losses.Add((net.call(X) - Y).square().mean().item<float>());
            }
            return NotesCheck.Std(losses);
        }
        double big = Jitter(0.1, 1), small = Jitter(0.01, 1), bigBatch = Jitter(0.1, 20);
        Assert.That(small, Is.LessThan(big / 5), "lowering the learning rate smooths the curve");
        Assert.That(bigBatch, Is.LessThan(big / 5), "so does a larger batch");
    }

    [Test]
    public void OneDimensionalConvolutionsHandleSequences()
    {
        manual_seed(3);
        var conv = nn.Conv1d(2, 4, 3);
        var pool = nn.MaxPool1d(2);
        var x = randn(1, 2, 20);
        var y = conv.call(x);
        Assert.That(y.shape, Is.EqualTo(new long[] { 1, 4, 18 }));
        Assert.That(pool.call(y).shape, Is.EqualTo(new long[] { 1, 4, 9 }));
        // Shifting the sequence shifts the features: the same detector at every time step.
        var shifted = conv.call(x.roll(1, 2));
        Assert.That(shifted[TensorIndex.Ellipsis, TensorIndex.Slice(1, null)].allclose(y[TensorIndex.Ellipsis, TensorIndex.Slice(0, -1)], atol: 1e-6));
    }

    [Test]
    public void LeNetTradesResolutionForChannels()
    {
        var net = new LeNet();
        var x = rand(1, 1, 28, 28);
        var sizes = new List<(long Channels, long Elements)> { (1, x.numel()) };
        foreach (var layer in net.children())
        {
            x = ((nn.Module<Tensor, Tensor>)layer).call(x);
            if (layer is AvgPool2d) sizes.Add((x.shape[1], x.numel()));
        }
        Assert.That(sizes, Is.EqualTo(new[] { (1L, 784L), (6L, 1176L), (16L, 400L) }));
    }

    [Test]
    public void ViewFailsOnANonContiguousTensorReshapeCopies()
    {
        using var X = arange(12).reshape(3, 4);
        var viewed = X.view(4, 3);
        viewed[0, 0] = tensor(99L);
        Assert.That(X[0, 0].item<long>(), Is.EqualTo(99L), "view shares the storage");
        var transposed = X.T;
        Assert.That(transposed.is_contiguous(), Is.False);
        Assert.That(() => transposed.view(12), Throws.Exception.With.Message.Contains("Use .reshape(...) instead"));
        var reshaped = transposed.reshape(12);
        reshaped[0] = tensor(-1L);
        Assert.That(X[0, 0].item<long>(), Is.EqualTo(99L), "reshape had to copy");
        var flat = X.reshape(12);
        flat[1] = tensor(-2L);
        Assert.That(X[0, 1].item<long>(), Is.EqualTo(-2L), "but on a contiguous tensor reshape is a view too");
    }

    [Test]
    public void EachOutputChannelSumsOverEveryInputChannel()
    {
        manual_seed(4);
        using var scope = NewDisposeScope();
        var conv = nn.Conv2d(6, 16, 5);
        var x = randn(1, 6, 14, 14);
        var y = conv.call(x);
        var weight = conv.weight!;
        var bias = conv.bias!;
        for (int k = 0; k < 16; k += 5)
        {
            var expected = bias[k].clone();
            for (int c = 0; c < 6; c++)
                expected = expected + F.conv2d(x.narrow(1, c, 1), weight[k, c].reshape(1, 1, 5, 5));
            Assert.That(y.narrow(1, k, 1).allclose(expected, atol: 1e-5), $"output channel {k}");
        }
    }

    [Test]
    public void AnOutputChannelRespondsToItsPattern()
    {
        var edges = ConvolutionLayer.Corr2d(ConvolutionLayer.StripeImage(), ConvolutionLayer.EdgeKernel());
        float[] row = NotesCheck.Floats(edges[0]);
        Assert.That(row, Is.EqualTo(new[] { 0f, 1, 0, 0, 0, -1, 0 }), "the edge kernel fires on the two edges only");
    }

    [Test]
    public void MaxPoolingKeepsTheStrongestResponse()
    {
        using var spike = zeros(1, 1, 4, 4);
        spike[0, 0, 1, 2] = tensor(1f);
        Assert.That(NotesCheck.Floats(F.max_pool2d(spike, 2)), Is.EqualTo(new[] { 0f, 1, 0, 0 }));
        Assert.That(NotesCheck.Floats(F.avg_pool2d(spike, 2)), Is.EqualTo(new[] { 0f, 0.25f, 0, 0 }), "averaging dilutes it");
    }

    [Test]
    public void OutputChannelsEqualTheNumberOfKernels()
    {
        var conv1 = (Conv2d)new LeNet()[0];
        Assert.That(conv1.weight!.shape, Is.EqualTo(new long[] { 6, 1, 5, 5 }), "six 1×5×5 kernels");
        Assert.That(conv1.call(rand(1, 1, 28, 28)).shape[1], Is.EqualTo(6));
    }
}
