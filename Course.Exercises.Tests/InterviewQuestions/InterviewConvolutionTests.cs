using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 003: saving and resuming, convolution arithmetic, initialisation, tensors,
// losses (BCE, KL, focal), classification and clustering metrics, k-means, and the optimizers from scratch.
// The index (README.md, "002 and 003") maps every question to its test and records where the notes are wrong.

/// <summary>Q3, Q4 and Q6: convolution arithmetic, parameter sharing, locality, separable convolutions, Conv2d's options.</summary>
public sealed class InterviewConvolutionTests
{
    private static long ParameterCount(nn.Module module) => module.parameters().Sum(p => p.numel());

    [Test]
    public void AConvolutionHasInTimesOutTimesKernelParametersPlusOneBiasPerOutputChannel()
    {
        using var scope = NewDisposeScope();
        foreach (long cin in new long[] { 1, 3, 8 })
            foreach (long cout in new long[] { 2, 5 })
                foreach (var (kh, kw) in new (long, long)[] { (1, 1), (3, 3), (3, 5), (7, 2) })
                    foreach (bool bias in new[] { true, false })
                    {
                        var conv = nn.Conv2d(cin, cout, (kh, kw), bias: bias);
                        Assert.That(ParameterCount(conv), Is.EqualTo(cin * cout * kh * kw + (bias ? cout : 0)), $"{cin}→{cout}, {kh}×{kw}, bias {bias}");
                        Assert.That(conv.weight!.shape, Is.EqualTo(new[] { cout, cin, kh, kw }));
                    }
    }

    [Test]
    public void TheOutputSizeIsTheFloorOfMMinusNPlusTwoPOverSPlusOne()
    {
        using var scope = NewDisposeScope();
        int checkedCases = 0, fractional = 0;
        foreach (long m in new long[] { 5, 7, 8, 13, 28 })
            foreach (long n in new long[] { 1, 2, 3, 5 })
                foreach (long p in new long[] { 0, 1, 2 })
                    foreach (long s in new long[] { 1, 2, 3 })
                    {
                        if (n > m + 2 * p) continue;
                        var conv = nn.Conv2d(1, 1, n, stride: s, padding: p, bias: false);
                        long size = conv.call(zeros(1, 1, m, m)).shape[2];
                        Assert.That(size, Is.EqualTo((m - n + 2 * p) / s + 1), $"M {m}, N {n}, P {p}, S {s}"); // integer division = floor
                        if ((m - n + 2 * p) % s != 0) fractional++;
                        checkedCases++;
                    }
        Assert.That(checkedCases, Is.GreaterThan(150));
        Assert.That(fractional, Is.GreaterThan(0), "cases where (M − N + 2P)/S is not whole: the formula needs a floor");
    }

    [Test]
    public void AnOddKernelHasACentreAndPaddingOfHalfItKeepsTheSize()
    {
        using var scope = NewDisposeScope();
        var x = randn(1, 1, 9, 9);
        foreach (long k in new long[] { 1, 3, 5, 7 })
        {
            var conv = nn.Conv2d(1, 1, k, padding: (k - 1) / 2, bias: false);
            using (no_grad())
            {
                conv.weight!.zero_();
                conv.weight[0, 0, (k - 1) / 2, (k - 1) / 2] = tensor(1f); // a one at the centre
            }
            var y = conv.call(x);
            Assert.That(y.shape, Is.EqualTo(x.shape), $"k {k}");
            Assert.That(y.equal(x).all().item<bool>(), $"k {k}: the centre tap is the identity");
        }
        foreach (long k in new long[] { 2, 4 })
        {
            Assert.That(nn.Conv2d(1, 1, k, padding: k / 2).call(x).shape[2], Is.EqualTo(10), "an even kernel cannot pad symmetrically to the same size");
            Assert.That(nn.Conv2d(1, 1, k, padding: (k - 1) / 2).call(x).shape[2], Is.EqualTo(8));
        }
    }

    [Test]
    public void AConvolutionSharesOneKernelAcrossPositionsAndConnectsEachOutputToAWindowOnly()
    {
        using var scope = NewDisposeScope();
        manual_seed(15);
        var conv = nn.Conv2d(3, 16, 3);
        var dense = nn.Linear(3 * 32 * 32, 16 * 30 * 30);
        Assert.That(ParameterCount(conv), Is.EqualTo(3 * 16 * 9 + 16));
        Assert.That(ParameterCount(dense), Is.EqualTo(3L * 32 * 32 * 16 * 30 * 30 + 16 * 30 * 30), "the same map without sharing or locality");
        dense.Dispose();

        var x = randn(1, 3, 32, 32, requires_grad: true);
        var y = conv.call(x);
        // Sharing: the output at two positions is the same kernel dotted with two windows.
        foreach (var (i, j) in new[] { (0, 0), (17, 11) })
        {
            var window = x[0, .., TensorIndex.Slice(i, i + 3), TensorIndex.Slice(j, j + 3)];
            var expected = (window * conv.weight![5]).sum() + conv.bias![5];
            Assert.That(y[0, 5, i, j].item<float>(), Is.EqualTo(expected.item<float>()).Within(1e-5));
        }
        // Locality: one output depends on its 3×3 window only.
        y[0, 5, 10, 20].backward();
        var touched = x.grad!.abs().sum(dim: 1)[0].ne(0);
        Assert.That(touched.sum().item<long>(), Is.EqualTo(9));
        Assert.That(touched[TensorIndex.Slice(10, 13), TensorIndex.Slice(20, 23)].all().item<bool>());
    }

    [Test]
    public void ConvolutionIsTranslationEquivariantAndPoolingMakesItInvariant()
    {
        using var scope = NewDisposeScope();
        manual_seed(16);
        var conv = nn.Conv2d(1, 4, 3, padding: 1, bias: false);
        var image = zeros(1, 1, 20, 20);
        image[0, 0, TensorIndex.Slice(4, 8), TensorIndex.Slice(5, 9)] = rand(4, 4); // an object away from the border
        var shifted = image.roll([3, 6], [2, 3]);
        var y = conv.call(image);
        var yShifted = conv.call(shifted);
        Assert.That(yShifted.allclose(y.roll([3, 6], [2, 3]), atol: 1e-6), "the feature moves with the object");
        Assert.That(yShifted.allclose(y, atol: 1e-6), Is.False, "the feature map itself is not invariant");
        var pooled = y.amax([2, 3]);
        Assert.That(yShifted.amax([2, 3]).allclose(pooled, atol: 1e-6), "global max pooling of it is");
    }

    [Test]
    public void ADepthwiseSeparableConvolutionIsADepthwiseThenAPointwiseConvolution()
    {
        using var scope = NewDisposeScope();
        manual_seed(17);
        const int cin = 8, cout = 16, k = 3;
        var depthwise = nn.Conv2d(cin, cin, k, groups: cin, bias: false);
        var pointwise = nn.Conv2d(cin, cout, 1, bias: false);
        var standard = nn.Conv2d(cin, cout, k, bias: false);
        Assert.That(depthwise.weight!.shape, Is.EqualTo(new long[] { cin, 1, k, k }), "one kernel per input channel");
        Assert.That(ParameterCount(depthwise) + ParameterCount(pointwise), Is.EqualTo(cin * k * k + cin * cout));
        Assert.That(ParameterCount(standard), Is.EqualTo(cin * cout * k * k));

        var x = randn(2, cin, 10, 10);
        var separable = pointwise.call(depthwise.call(x));
        // It equals the standard convolution whose kernel (o, i) is pointwise[o, i] · depthwise[i]: a restricted family.
        using (no_grad())
            standard.weight!.copy_(pointwise.weight!.squeeze(-1).squeeze(-1).unsqueeze(-1).unsqueeze(-1) * depthwise.weight.squeeze(1).unsqueeze(0));
        Assert.That(separable.allclose(standard.call(x), rtol: 1e-4, atol: 1e-5));

        var oneChannel = zeros_like(x);
        oneChannel[.., 2] = x[.., 2];
        var d = depthwise.call(oneChannel);
        Assert.That(d.abs().sum(dim: new long[] { 0, 2, 3 }).ne(0).nonzero().flatten().data<long>().ToArray(), Is.EqualTo(new long[] { 2 }),
            "the depthwise step keeps the channels apart");
    }

    [Test]
    public void ARankOneKernelSplitsIntoAColumnAndARowButNotEveryKernelDoes()
    {
        using var scope = NewDisposeScope();
        var column = tensor(new[] { 1f, 2f, 1f });
        var row = tensor(new[] { 1f, 0f, -1f });
        var sobel = outer(column, row); // 3×3 from 3 + 3 numbers
        var x = randn(1, 1, 12, 12);
        var full = nn.functional.conv2d(x, sobel.view(1, 1, 3, 3));
        var split = nn.functional.conv2d(nn.functional.conv2d(x, column.view(1, 1, 3, 1)), row.view(1, 1, 1, 3));
        Assert.That(split.allclose(full, rtol: 1e-5, atol: 1e-5));
        Assert.That(linalg.matrix_rank(sobel).item<long>(), Is.EqualTo(1));

        var identity = eye(3);
        Assert.That(linalg.matrix_rank(identity).item<long>(), Is.EqualTo(3), "a kernel of rank > 1 is no column × row");
    }

    [Test]
    public void InputsNeedNotBeSquareButABatchNeedsOneSize()
    {
        using var scope = NewDisposeScope();
        var conv = nn.Conv2d(3, 4, 3);
        Assert.That(conv.call(randn(2, 3, 20, 37)).shape, Is.EqualTo(new long[] { 2, 4, 18, 35 }));
        Assert.That(() => stack([randn(3, 20, 20), randn(3, 24, 30)]), Throws.Exception, "images of different sizes do not stack into a batch");
        var resized = nn.functional.interpolate(randn(1, 3, 24, 30), size: [20, 20], mode: InterpolationMode.Bilinear, align_corners: false);
        Assert.That(stack([randn(3, 20, 20), resized[0]]).shape, Is.EqualTo(new long[] { 2, 3, 20, 20 }));
    }

    [Test]
    public void Conv2dsStrideDilationGroupsAndBiasDoWhatTheySay()
    {
        using var scope = NewDisposeScope();
        var x = randn(1, 8, 15, 15);
        Assert.That(nn.Conv2d(8, 4, 3, stride: 2).call(x).shape[2], Is.EqualTo(7));
        Assert.That(nn.Conv2d(8, 4, 3, dilation: 2).call(x).shape[2], Is.EqualTo(11), "a 3×3 kernel with dilation 2 spans 5×5");
        var grouped = nn.Conv2d(8, 4, 3, groups: 4, bias: false);
        Assert.That(grouped.weight!.shape, Is.EqualTo(new long[] { 4, 2, 3, 3 }), "(out, in / groups, kH, kW)");
        Assert.That(ParameterCount(grouped), Is.EqualTo(ParameterCount(nn.Conv2d(8, 4, 3, bias: false)) / 4), "n groups: 1/n of the weights");
        Assert.That(nn.Conv2d(8, 4, 3, bias: false).bias, Is.Null);

        // bias=True is the default: a learnable bias per output channel, initialised small — not the value 1.
        var conv = nn.Conv2d(8, 4, 3);
        Assert.That(conv.bias!.shape, Is.EqualTo(new long[] { 4 }));
        Assert.That(conv.bias.requires_grad);
        Assert.That(conv.bias.abs().max().item<float>(), Is.LessThanOrEqualTo(1 / MathF.Sqrt(8 * 9)));
        conv.call(x).sum().backward();
        Assert.That(conv.bias.grad!.allclose(full(4, 13f * 13f)), "d(sum)/d(bias) = the number of output positions");
    }
}
