using Course.Core.Runtime;
using Course.Core.Training;
using Course.Exercises.Training;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Tests.Exercises;

// The interview questions of the notes' question set 003: saving and resuming, convolution arithmetic, initialisation, tensors,
// losses (BCE, KL, focal), classification and clustering metrics, k-means, and the optimizers from scratch.
// The index (README.md, "002 and 003") maps every question to its test and records where the notes are wrong.

/// <summary>Q2: saving parameters (state_dict) and a checkpoint (epoch, model, optimizer) and resuming from it.</summary>
public sealed class InterviewCheckpointTests
{
    private static Sequential NewModel() => nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3));

    private static (Tensor X, Tensor Y)[] FixedBatches()
    {
        var generator = new Generator(11);
        return Enumerable.Range(0, 6).Select(_ => (randn([8, 4], generator: generator), randint(0, 3, [8], generator: generator))).ToArray();
    }

    private static float[] Train(Sequential model, IUpdater updater, IEnumerable<(Tensor X, Tensor Y)> batches) =>
        batches.Select(b =>
        {
            var perExample = nn.functional.cross_entropy(model.call(b.X), b.Y, reduction: nn.Reduction.None);
            float loss = perExample.mean().item<float>();
            updater.Step(perExample.mean());
            return loss;
        }).ToArray();

    [Test]
    public void SavedParametersLoadIntoAFreshModelOfTheSameArchitectureOnly()
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        var model = NewModel();
        string path = Path.Combine(TestEnvironment.TempFolder(), "mlp.params");
        TensorFiles.SaveState(model, path); // torch.save(model.state_dict(), path)
        Assert.That(TensorFiles.LoadDictionary(path).Keys, Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }),
            "a state_dict holds tensors by name, not the architecture");

        var clone = NewModel(); // the architecture comes from code ...
        TensorFiles.LoadState(clone, path); // ... model.load_state_dict(torch.load(path))
        var x = randn(5, 4);
        Assert.That(clone.call(x).equal(model.call(x)).all().item<bool>());
        Assert.That(() => TensorFiles.LoadState(nn.Sequential(nn.Linear(4, 3)), path), Throws.TypeOf<CourseException>());
    }

    [Test]
    public void ACheckpointOfEpochModelAndOptimizerResumesWithIdenticalNextSteps()
    {
        using var scope = NewDisposeScope();
        var batches = FixedBatches();
        manual_seed(13);
        var model = NewModel();
        var updater = new OptimizerUpdater(optim.Adam(model.parameters(), 0.01));
        Train(model, updater, batches[..3]);
        var checkpoint = new Checkpoint(TestEnvironment.TempFolder());
        checkpoint.Save(model, updater, [new EpochRecord<EpochMetrics>(new EpochMetrics(1, 0.9, 0.5, 0.5), 24, 0.1)]);
        var uninterrupted = Train(model, updater, batches[3..]);

        // Resume: a freshly built model and optimizer, both loaded from the checkpoint.
        manual_seed(14);
        var resumed = NewModel();
        var resumedUpdater = new OptimizerUpdater(optim.Adam(resumed.parameters(), 0.01));
        var epochs = checkpoint.Restore<EpochMetrics>(resumed, resumedUpdater);
        Assert.That(epochs.Single().Metrics.Epoch, Is.EqualTo(1), "the epoch comes back with the checkpoint");
        Assert.That(Train(resumed, resumedUpdater, batches[3..]), Is.EqualTo(uninterrupted), "identical losses, step by step");
        Assert.That(resumed.parameters().Zip(model.parameters()).All(p => p.First.equal(p.Second).all().item<bool>()), "identical parameters");

        // The model's parameters alone are not enough: a fresh Adam has lost its moment estimates and step count.
        var modelOnly = NewModel();
        checkpoint.Restore<EpochMetrics>(modelOnly, new MinibatchSgd(modelOnly.parameters(), 0.01)); // an updater without state reads none
        var freshAdam = new OptimizerUpdater(optim.Adam(modelOnly.parameters(), 0.01));
        Assert.That(Train(modelOnly, freshAdam, batches[3..]), Is.Not.EqualTo(uninterrupted));

        // An optimizer of another kind does not fit the saved state: one clear error.
        var other = NewModel();
        Assert.That(() => checkpoint.Restore<EpochMetrics>(other, new OptimizerUpdater(optim.SGD(other.parameters(), 0.01))),
            Throws.TypeOf<CourseException>().With.Message.Contains("does not fit"));
    }
}

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

/// <summary>Q5 and Q16: PyTorch's default initialisation, Xavier and He, and why weights must not start equal.</summary>
public sealed class InterviewInitialisationTests
{
    private static (double Max, double Std) Measure(Tensor t) => (t.abs().max().item<float>(), t.std().item<float>());

    [Test]
    public void LinearAndConv2dStartUniformOnPlusMinusOneOverRootFanInWeightsAndBiasAlike()
    {
        using var scope = NewDisposeScope();
        manual_seed(18);
        foreach (var (layer, fanIn) in new (nn.Module, int)[] { (nn.Linear(400, 300), 400), (nn.Conv2d(16, 64, 3), 16 * 9) })
        {
            double bound = 1 / Math.Sqrt(fanIn);
            var parameters = layer.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            var (max, std) = Measure(parameters["weight"]);
            Assert.That(max, Is.LessThanOrEqualTo(bound).And.GreaterThan(0.99 * bound), $"{layer.GetName()} weight: U(−1/√fan_in, 1/√fan_in)");
            Assert.That(std, Is.EqualTo(bound / Math.Sqrt(3)).Within(2).Percent);
            // kaiming_uniform_(a=√5): gain √(2/(1+5)), bound gain·√(3/fan_in) = 1/√fan_in — a third of He's √(6/fan_in).
            Assert.That(max, Is.LessThan(Math.Sqrt(6.0 / fanIn) / 2), "not He-uniform's bound");
            var (biasMax, _) = Measure(parameters["bias"]);
            Assert.That(biasMax, Is.LessThanOrEqualTo(bound).And.GreaterThan(0.9 * bound), "the bias: U(−1/√fan_in, 1/√fan_in), not U(−1, 1)");
        }
    }

    [Test]
    public void EmbeddingStartsStandardNormalNotUniform()
    {
        using var scope = NewDisposeScope();
        manual_seed(19);
        var weight = nn.Embedding(1000, 100).weight!;
        Assert.That(weight.mean().item<float>(), Is.EqualTo(0).Within(0.01));
        Assert.That(weight.std().item<float>(), Is.EqualTo(1).Within(0.01), "N(0, 1); U(−1, 1) would have std 1/√3 ≈ 0.577");
        double beyondOne = weight.abs().gt(1).to(float32).mean().item<float>();
        Assert.That(beyondOne, Is.EqualTo(0.3173).Within(0.01), "P(|z| > 1) of a standard normal; U(−1, 1) has none");
    }

    [Test]
    public void XavierAndHeBoundsAndStandardDeviations()
    {
        using var scope = NewDisposeScope();
        manual_seed(20);
        const int fanOut = 300, fanIn = 200;
        Tensor Fresh() => empty(fanOut, fanIn); // a Linear weight: (out, in)

        var (xuMax, xuStd) = Measure(nn.init.xavier_uniform_(Fresh()));
        double xavierBound = Math.Sqrt(6.0 / (fanIn + fanOut)), xavierStd = Math.Sqrt(2.0 / (fanIn + fanOut));
        Assert.That(xuMax, Is.LessThanOrEqualTo(xavierBound).And.GreaterThan(0.99 * xavierBound), "Xavier uniform: ±√(6/(fan_in + fan_out))");
        Assert.That(xuStd, Is.EqualTo(xavierStd).Within(2).Percent, "its std is √(2/(fan_in + fan_out)), the bound over √3");

        var (_, xnStd) = Measure(nn.init.xavier_normal_(Fresh()));
        Assert.That(xnStd, Is.EqualTo(xavierStd).Within(2).Percent, "Xavier normal: std √(2/(fan_in + fan_out)) — so the variance is 2/(fan_in + fan_out)");
        Assert.That(xnStd, Is.Not.EqualTo(Math.Sqrt(xavierStd)).Within(20).Percent, "the notes' reading (variance √(2/(…))) would mean std ≈ 0.25");

        var (huMax, huStd) = Measure(nn.init.kaiming_uniform_(Fresh(), nonlinearity: nn.init.NonlinearityType.ReLU));
        double heBound = Math.Sqrt(6.0 / fanIn), heStd = Math.Sqrt(2.0 / fanIn);
        Assert.That(huMax, Is.LessThanOrEqualTo(heBound).And.GreaterThan(0.99 * heBound), "He uniform: ±√(6/fan_in)");
        Assert.That(huStd, Is.EqualTo(heStd).Within(2).Percent);

        var (_, hnStd) = Measure(nn.init.kaiming_normal_(Fresh(), nonlinearity: nn.init.NonlinearityType.ReLU));
        Assert.That(hnStd, Is.EqualTo(heStd).Within(2).Percent, "He normal: std √(2/fan_in), variance 2/fan_in");
        Assert.That(hnStd, Is.Not.EqualTo(Math.Sqrt(heStd)).Within(20).Percent);
    }

    [Test]
    public void EqualInitialWeightsKeepHiddenUnitsIdentical()
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        var x = randn(32, 4);
        var y = randn(32, 1);
        Tensor TrainedHiddenWeights(bool constant)
        {
            var net = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 1));
            if (constant)
                foreach (var p in net.parameters()) nn.init.constant_(p, 0.3);
            var optimizer = optim.SGD(net.parameters(), 0.1);
            for (int step = 0; step < 20; step++)
            {
                optimizer.zero_grad();
                nn.functional.mse_loss(net.call(x), y).backward();
                optimizer.step();
            }
            return net.parameters().First().detach();
        }
        var symmetric = TrainedHiddenWeights(constant: true);
        Assert.That(symmetric[0].allclose(symmetric[1]) && symmetric[1].allclose(symmetric[2]), "the three hidden units learn the same thing");
        Assert.That(symmetric[0].allclose(full(4, 0.3f)), Is.False, "although they did learn");
        var random = TrainedHiddenWeights(constant: false);
        Assert.That(random[0].allclose(random[1], atol: 1e-3), Is.False);
    }
}

/// <summary>Q8–Q11: ToTensor, from_numpy and torch.Tensor; permute, cat, view and reshape; Sequential.</summary>
public sealed class InterviewTensorTests
{
    [Test]
    public void FromArraySharesMemoryAndKeepsTheTypeWhereATensorCopy()
    {
        using var scope = NewDisposeScope();
        // torch.from_numpy's counterpart: torch.from_array wraps the .NET array.
        var doubles = new[] { 1.0, 2.0, 3.0 };
        var shared = from_array(doubles);
        Assert.That(shared.dtype, Is.EqualTo(ScalarType.Float64), "the dtype is kept, not turned into float32");
        doubles[0] = 10;
        Assert.That(shared[0].item<double>(), Is.EqualTo(10), "the memory is shared");
        Assert.That(from_array(new[] { 1, 2, 3 }).dtype, Is.EqualTo(ScalarType.Int32));

        var copied = tensor(doubles);
        doubles[1] = 20;
        Assert.That(copied[1].item<double>(), Is.EqualTo(2), "torch.tensor copies");
        Assert.That(copied.dtype, Is.EqualTo(ScalarType.Float64));
        // torch.Tensor(x) is the default-dtype constructor: always float32.
        Assert.That(get_default_dtype(), Is.EqualTo(ScalarType.Float32));
        Assert.That(tensor(doubles, dtype: get_default_dtype()).dtype, Is.EqualTo(ScalarType.Float32));
    }

    [Test]
    public void PermuteReordersAxesCatJoinsAlongOneAndViewNeedsContiguousMemory()
    {
        using var scope = NewDisposeScope();
        var a = arange(24).reshape(2, 3, 4);
        var b = a.permute(1, 2, 0);
        Assert.That(b.shape, Is.EqualTo(new long[] { 3, 4, 2 }));
        Assert.That(b[2, 1, 1].item<long>(), Is.EqualTo(a[1, 2, 1].item<long>()), "b[i, j, k] = a[k, i, j]");
        Assert.That(b.is_contiguous(), Is.False, "permute only changes the strides");

        Assert.That(() => b.view(-1), Throws.Exception, "view cannot flatten a non-contiguous tensor");
        var flat = b.reshape(-1);
        Assert.That(flat.data<long>().Take(4), Is.EqualTo(new long[] { 0, 12, 1, 13 }), "reshape copies when it must");
        Assert.That(b.contiguous().view(-1).equal(flat).all().item<bool>());
        var view = a.view(6, 4);
        view[0, 0] = tensor(100L);
        Assert.That(a[0, 0, 0].item<long>(), Is.EqualTo(100), "a view shares the memory");

        Assert.That(cat([a, a], 0).shape, Is.EqualTo(new long[] { 4, 3, 4 }));
        Assert.That(cat([a, a[.., ..1]], 1).shape, Is.EqualTo(new long[] { 2, 4, 4 }), "the other sizes must agree");
        Assert.That(() => cat([a, a[.., ..1]], 0), Throws.Exception);
        Assert.That(stack([a, a], 0).shape, Is.EqualTo(new long[] { 2, 2, 3, 4 }), "stack adds a new axis; cat does not");
    }

    [Test]
    public void ASequentialChainsItsModulesInOrder()
    {
        using var scope = NewDisposeScope();
        var first = nn.Linear(3, 5);
        var second = nn.Linear(5, 2);
        var net = nn.Sequential(first, nn.ReLU(), second);
        var x = randn(4, 3);
        Assert.That(net.call(x).equal(second.call(nn.functional.relu(first.call(x)))).all().item<bool>());
        Assert.That(net.parameters().Count(), Is.EqualTo(4), "one module owning all the parameters");
    }
}

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

/// <summary>Q14, Q15 and Q22: BCE and BCE with logits; entropy, KL divergence and cross-entropy; the focal loss.</summary>
public sealed class InterviewLossTests
{
    [Test]
    public void BceOnTheSigmoidEqualsBceWithLogitsWhichAlsoSurvivesLargeLogits()
    {
        using var scope = NewDisposeScope();
        manual_seed(24);
        var logits = randn(50, dtype: float64) * 4;
        var targets = randint(0, 2, [50]).to(float64);
        var viaSigmoid = nn.functional.binary_cross_entropy(logits.sigmoid(), targets);
        var withLogits = nn.functional.binary_cross_entropy_with_logits(logits, targets);
        Assert.That(viaSigmoid.item<double>(), Is.EqualTo(withLogits.item<double>()).Within(1e-12));
        Assert.That(nn.BCELoss().call(logits.sigmoid(), targets).item<double>(), Is.EqualTo(nn.BCEWithLogitsLoss().call(logits, targets).item<double>()).Within(1e-12));

        // A confident wrong answer: σ(40) rounds to 1 in float32, so BCE clamps log 0 to −100; the fused form is exact.
        var big = tensor(new[] { 40f });
        var zero = tensor(new[] { 0f });
        Assert.That(nn.functional.binary_cross_entropy(big.sigmoid(), zero).item<float>(), Is.EqualTo(100f));
        Assert.That(nn.functional.binary_cross_entropy_with_logits(big, zero).item<float>(), Is.EqualTo(40f).Within(1e-4));
    }

    private static double Entropy(Tensor p) => -(p * p.log()).nan_to_num(0).sum().item<double>();

    private static double CrossEntropy(Tensor p, Tensor q) => -(p * q.log()).nan_to_num(0).sum().item<double>();

    private static double Kl(Tensor p, Tensor q) => (p * (p / q).log()).nan_to_num(0).sum().item<double>();

    [Test]
    public void EntropyIsZeroForACertainEventLargestWhenUniformAndAddsOverIndependentEvents()
    {
        using var scope = NewDisposeScope();
        Assert.That(Entropy(tensor(new[] { 1.0, 0, 0 })), Is.EqualTo(0));
        var uniform = full(4, 0.25, dtype: float64);
        Assert.That(Entropy(uniform), Is.EqualTo(Math.Log(4)).Within(1e-12));
        Assert.That(Entropy(tensor(new[] { 0.7, 0.1, 0.1, 0.1 })), Is.LessThan(Math.Log(4)));
        var p = tensor(new[] { 0.2, 0.8 });
        var q = tensor(new[] { 0.5, 0.3, 0.2 });
        Assert.That(Entropy(outer(p, q).flatten()), Is.EqualTo(Entropy(p) + Entropy(q)).Within(1e-12), "H(X, Y) = H(X) + H(Y) for independent X, Y");
    }

    [Test]
    public void KlIsCrossEntropyMinusEntropyNonNegativeZeroOnlyForEqualDistributionsAndNotSymmetric()
    {
        using var scope = NewDisposeScope();
        var p = tensor(new[] { 0.6, 0.3, 0.1 });
        var q = tensor(new[] { 0.2, 0.5, 0.3 });
        Assert.That(Kl(p, q), Is.EqualTo(CrossEntropy(p, q) - Entropy(p)).Within(1e-12), "D(p‖q) = H(p, q) − H(p)");
        Assert.That(Kl(p, q), Is.GreaterThan(0));
        Assert.That(Kl(p, p), Is.EqualTo(0).Within(1e-15));
        Assert.That(Kl(p, q), Is.Not.EqualTo(Kl(q, p)).Within(1e-3), "KL is not symmetric");
        Assert.That(CrossEntropy(p, q), Is.Not.EqualTo(CrossEntropy(q, p)).Within(1e-3), "nor is cross-entropy");
        Assert.That(CrossEntropy(p, p), Is.EqualTo(Entropy(p)).Within(1e-12), "cross-entropy's least value is H(p), not 0");

        var generator = new Generator(25);
        for (int i = 0; i < 20; i++)
        {
            var a = rand([5], dtype: float64, generator: generator) + 0.01;
            var b = rand([5], dtype: float64, generator: generator) + 0.01;
            Assert.That(Kl(a / a.sum(), b / b.sum()), Is.GreaterThanOrEqualTo(0), "Gibbs' inequality");
        }

        // PyTorch's kl_div(input = log q, target = p) is D(p‖q); TorchSharp's default is log_target = true, so say false.
        var library = nn.functional.kl_div(q.log().unsqueeze(0), p.unsqueeze(0), log_target: false, reduction: nn.Reduction.Sum);
        Assert.That(library.item<double>(), Is.EqualTo(Kl(p, q)).Within(1e-12));
        // cross_entropy with class probabilities as the target is H(p, softmax(logits)).
        var ce = nn.functional.cross_entropy(q.log().unsqueeze(0), p.unsqueeze(0));
        Assert.That(ce.item<double>(), Is.EqualTo(CrossEntropy(p, q)).Within(1e-12));
    }

    [Test]
    public void TheFocalLossIsAlphaTimesOneMinusPtToTheGammaTimesTheCrossEntropy()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new[] { 2.0, -1.0, 0.5, -3.0 });
        var targets = tensor(new[] { 1.0, 1.0, 0.0, 0.0 });
        var loss = FocalLoss.FromLogits(logits, targets, alpha: 0.25, gamma: 2, reduction: nn.Reduction.None).data<double>().ToArray();
        for (int i = 0; i < 4; i++)
        {
            double p = 1 / (1 + Math.Exp(-logits[i].item<double>()));
            bool positive = targets[i].item<double>() == 1;
            double pT = positive ? p : 1 - p, alphaT = positive ? 0.25 : 0.75;
            Assert.That(loss[i], Is.EqualTo(-alphaT * Math.Pow(1 - pT, 2) * Math.Log(pT)).Within(1e-12), $"element {i}");
        }
        Assert.That(FocalLoss.FromLogits(logits, targets).item<double>(), Is.EqualTo(loss.Average()).Within(1e-12), "the mean by default");
        Assert.That(FocalLoss.FromLogits(logits, targets, reduction: nn.Reduction.Sum).item<double>(), Is.EqualTo(loss.Sum()).Within(1e-12));
    }

    [Test]
    public void WithGammaZeroTheFocalLossIsTheAlphaWeightedCrossEntropy()
    {
        using var scope = NewDisposeScope();
        manual_seed(26);
        var logits = randn(40, dtype: float64) * 3;
        var targets = randint(0, 2, [40]).to(float64);
        var weights = 0.25 * targets + 0.75 * (1 - targets);
        var weighted = nn.functional.binary_cross_entropy_with_logits(logits, targets, weight: weights);
        Assert.That(FocalLoss.FromLogits(logits, targets, alpha: 0.25, gamma: 0).item<double>(), Is.EqualTo(weighted.item<double>()).Within(1e-12));
        Assert.That(FocalLoss.FromLogits(logits, targets, alpha: -1, gamma: 0).item<double>(),
            Is.EqualTo(nn.functional.binary_cross_entropy_with_logits(logits, targets).item<double>()).Within(1e-12), "no α: plain BCE");
    }

    [Test]
    public void TheFocalTermShrinksEasyExamplesFarMoreThanHardOnes()
    {
        using var scope = NewDisposeScope();
        // Two positives: an easy one (p = 0.9) and a hard one (p = 0.1).
        var logits = tensor(new[] { Math.Log(9), -Math.Log(9) });
        var targets = ones(2, dtype: float64);
        var focal = FocalLoss.FromLogits(logits, targets, alpha: -1, gamma: 2, reduction: nn.Reduction.None);
        var ce = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.None);
        var ratio = (focal / ce).data<double>().ToArray();
        Assert.That(ratio[0], Is.EqualTo(0.01).Within(1e-12), "(1 − 0.9)² for the easy one");
        Assert.That(ratio[1], Is.EqualTo(0.81).Within(1e-12), "(1 − 0.1)² for the hard one");

        // α = 0.25 weighs a positive by 0.25 and a negative by 0.75: it is γ that discounts the easy negatives.
        var sameDifficulty = FocalLoss.FromLogits(tensor(new[] { 1.0, -1.0 }), tensor(new[] { 1.0, 0.0 }), reduction: nn.Reduction.None).data<double>().ToArray();
        Assert.That(sameDifficulty[1] / sameDifficulty[0], Is.EqualTo(3).Within(1e-12));
    }
}

/// <summary>Q18: the confusion matrix, accuracy, precision, recall, F1, F-β, ROC and AUC.</summary>
public sealed class InterviewMetricsTests
{
    private static readonly bool[] Predicted = [true, true, false, true, false, false, true, false, true, false];
    private static readonly bool[] Actual = [true, false, false, true, true, false, true, false, false, false];

    [Test]
    public void TheConfusionMatrixAndItsRatiosOnAHandCheckedCase()
    {
        var m = BinaryConfusion.Count(Predicted, Actual);
        Assert.That(m, Is.EqualTo(new BinaryConfusion(TruePositives: 3, FalsePositives: 2, TrueNegatives: 4, FalseNegatives: 1)));
        Assert.That(m.Accuracy, Is.EqualTo(0.7).Within(1e-12));
        Assert.That(m.ErrorRate, Is.EqualTo(0.3).Within(1e-12));
        Assert.That(m.Precision, Is.EqualTo(0.6).Within(1e-12));
        Assert.That(m.Recall, Is.EqualTo(0.75).Within(1e-12));
        Assert.That(m.FalsePositiveRate, Is.EqualTo(1.0 / 3).Within(1e-12));
        Assert.That(m.F1, Is.EqualTo(2.0 / 3).Within(1e-12), "2 · 0.6 · 0.75 / 1.35");
        Assert.That(m.FBeta(2), Is.EqualTo(5.0 / 7).Within(1e-12), "β = 2 leans to the recall");
        Assert.That(m.FBeta(0.5), Is.EqualTo(0.625).Within(1e-12), "β = 0.5 leans to the precision");
        Assert.That(m.FBeta(1), Is.EqualTo(m.F1));

        using var scope = NewDisposeScope();
        Assert.That(BinaryConfusion.FromTensors(tensor(Predicted), tensor(Actual.Select(a => a ? 1L : 0L).ToArray())), Is.EqualTo(m));
    }

    [Test]
    public void OnImbalancedClassesAccuracyFlattersAConstantClassifier()
    {
        var actual = Enumerable.Range(0, 100).Select(i => i < 5).ToArray();
        var m = BinaryConfusion.Count(new bool[100], actual);
        Assert.That(m.Accuracy, Is.EqualTo(0.95).Within(1e-12));
        Assert.That((m.Recall, m.Precision, m.F1), Is.EqualTo((0.0, 0.0, 0.0)));
    }

    private static readonly double[] Scores = [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3];
    private static readonly bool[] Labels = [true, true, false, true, false, true, false, false];

    /// <summary>The notes' rule, literally: over every positive–negative pair, 1 if the positive scores higher, ½ on a tie.</summary>
    private static double PairwiseAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var positives = scores.Where((_, i) => labels[i]).ToArray();
        var negatives = scores.Where((_, i) => !labels[i]).ToArray();
        double wins = positives.Sum(p => negatives.Sum(n => p > n ? 1 : p == n ? 0.5 : 0));
        return wins / (positives.Length * negatives.Length);
    }

    private static double TrapezoidArea(IReadOnlyList<(double X, double Y)> curve) =>
        curve.Zip(curve.Skip(1), (a, b) => (b.X - a.X) * (a.Y + b.Y) / 2).Sum();

    [Test]
    public void RocAucIsTheShareOfPositiveNegativePairsRankedRightTiesCountingHalf()
    {
        Assert.That(Roc.Auc(Scores, Labels), Is.EqualTo(13.0 / 16).Within(1e-12), "4 + 4 + 3 + 2 of the 16 pairs");
        Assert.That(PairwiseAuc(Scores, Labels), Is.EqualTo(13.0 / 16).Within(1e-12));
        Assert.That(Roc.Auc([0.5, 0.5], [true, false]), Is.EqualTo(0.5), "a tie counts half");

        var curve = Roc.Curve(Scores, Labels);
        Assert.That(curve[0], Is.EqualTo((0.0, 0.0)));
        Assert.That(curve[^1], Is.EqualTo((1.0, 1.0)));
        Assert.That(curve[3], Is.EqualTo((0.25, 0.5)), "threshold 0.7: TP 2 of 4, FP 1 of 4");
        Assert.That(TrapezoidArea(curve), Is.EqualTo(13.0 / 16).Within(1e-12), "the area under the ROC curve");

        var random = new Random(27);
        for (int trial = 0; trial < 20; trial++)
        {
            var s = Enumerable.Range(0, 60).Select(_ => Math.Round(random.NextDouble() * 10) / 10).ToArray(); // many ties
            var l = Enumerable.Range(0, 60).Select(i => random.NextDouble() < 0.3 + 0.4 * s[i]).ToArray();
            if (l.All(v => v) || !l.Any(v => v)) continue;
            Assert.That(Roc.Auc(s, l), Is.EqualTo(PairwiseAuc(s, l)).Within(1e-12));
            Assert.That(TrapezoidArea(Roc.Curve(s, l)), Is.EqualTo(PairwiseAuc(s, l)).Within(1e-12));
        }
    }

    [Test]
    public void AucMeasuresRankingNotAccuracyAndIgnoresTheClassRatio()
    {
        // Every positive outscores every negative, but every score is below 0.5.
        double[] scores = [0.4, 0.3, 0.2, 0.1];
        bool[] labels = [true, true, false, false];
        Assert.That(Roc.Auc(scores, labels), Is.EqualTo(1));
        Assert.That(BinaryConfusion.Count(scores.Select(s => s >= 0.5).ToArray(), labels).Accuracy, Is.EqualTo(0.5));

        // Ten copies of every negative: the AUC stays, the precision at a threshold falls.
        var manyScores = Scores.Concat(Enumerable.Range(0, 9).SelectMany(_ => Scores.Where((_, i) => !Labels[i]))).ToArray();
        var manyLabels = Labels.Concat(Enumerable.Repeat(false, 9 * 4)).ToArray();
        Assert.That(Roc.Auc(manyScores, manyLabels), Is.EqualTo(Roc.Auc(Scores, Labels)).Within(1e-12));
        double Precision(double[] s, bool[] l) => BinaryConfusion.Count(s.Select(v => v >= 0.6).ToArray(), l).Precision;
        Assert.That(Precision(manyScores, manyLabels), Is.LessThan(Precision(Scores, Labels)));
        Assert.That(() => Roc.Auc([0.1, 0.2], [true, true]), Throws.ArgumentException, "AUC needs both classes");
    }
}

/// <summary>Q13 and Q20: k-means, purity and the Rand index.</summary>
public sealed class InterviewClusteringTests
{
    [Test]
    public void KMeansFindsThreeSeparableClusters()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(28);
        var centres = tensor(new float[,] { { 0, 0 }, { 10, 0 }, { 0, 10 } });
        var classes = arange(3).repeat_interleave(50);
        var points = centres[classes] + 0.5 * randn([150, 2], generator: generator);
        var result = KMeans.Fit(points, 3, generator: new Generator(29));

        Assert.That(result.Converged, "stops when no assignment changes");
        Assert.That(result.Iterations, Is.LessThan(10));
        var clusters = result.Labels.data<long>().Select(l => (int)l).ToArray();
        var truth = classes.data<long>().Select(l => (int)l).ToArray();
        Assert.That(ClusteringMetrics.Purity(clusters, truth), Is.EqualTo(1));
        Assert.That(ClusteringMetrics.RandIndex(clusters, truth), Is.EqualTo(1));
        foreach (var c in Enumerable.Range(0, 3))
        {
            double nearest = (result.Centroids - centres[c]).norm(1).min().item<float>();
            Assert.That(nearest, Is.LessThan(0.3), $"a centroid near centre {c}");
        }
        var ownMeans = stack(Enumerable.Range(0, 3).Select(c => points[result.Labels.eq(c)].mean([0])).ToArray());
        Assert.That(result.Centroids.allclose(ownMeans, atol: 1e-5), "every centroid is the mean of its points");
        Assert.That(result.Inertia, Is.EqualTo((points - result.Centroids[result.Labels]).square().sum().item<float>()).Within(1e-3));
    }

    // Manning, Raghavan and Schütze, Introduction to Information Retrieval, §16.3: three clusters of x, o and ◇.
    private static readonly int[] BookClusters = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2];
    private static readonly int[] BookClasses = [0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 2, 0, 0, 2, 2, 2];

    [Test]
    public void PurityAndTheRandIndexOnTheTextbookExample()
    {
        Assert.That(ClusteringMetrics.Purity(BookClusters, BookClasses), Is.EqualTo(12.0 / 17).Within(1e-12), "(5 + 4 + 3) / 17");
        Assert.That(ClusteringMetrics.RandIndex(BookClusters, BookClasses), Is.EqualTo((20.0 + 72) / 136).Within(1e-12), "(TP 20 + TN 72) / 136 pairs");
        Assert.That(ClusteringMetrics.Purity(Enumerable.Range(0, 17).ToArray(), BookClasses), Is.EqualTo(1), "one cluster per example is perfectly pure");
    }

    [Test]
    public void TheRandIndexIsTheAccuracyOfTheSameGroupDecisionOverPairs()
    {
        var random = new Random(30);
        for (int trial = 0; trial < 10; trial++)
        {
            var clusters = Enumerable.Range(0, 40).Select(_ => random.Next(4)).ToArray();
            var classes = Enumerable.Range(0, 40).Select(_ => random.Next(3)).ToArray();
            long agree = 0, pairs = 0;
            for (int i = 0; i < 40; i++)
                for (int j = i + 1; j < 40; j++, pairs++)
                    if ((clusters[i] == clusters[j]) == (classes[i] == classes[j])) agree++;
            Assert.That(ClusteringMetrics.RandIndex(clusters, classes), Is.EqualTo((double)agree / pairs).Within(1e-12));
        }
    }
}

/// <summary>Q17 and Q19: zero-centred inputs; the cost of a dense matrix product.</summary>
public sealed class InterviewNumericsTests
{
    [Test]
    public void WithAllPositiveInputsEveryWeightGradientOfANeuronHasOneSign()
    {
        using var scope = NewDisposeScope();
        manual_seed(31);
        var generator = new Generator(32);
        int sameSignPositive = 0, sameSignCentred = 0;
        for (int trial = 0; trial < 20; trial++)
        {
            var neuron = nn.Linear(6, 1);
            var positive = rand([1, 6], generator: generator) + 0.1; // e.g. the outputs of a sigmoid layer
            var centred = positive - 0.6;
            foreach (var (x, positiveInputs) in new[] { (positive, true), (centred, false) })
            {
                neuron.zero_grad();
                nn.functional.mse_loss(neuron.call(x), ones(1, 1)).backward();
                var signs = neuron.weight!.grad!.sign();
                bool oneSign = signs.eq(signs[0, 0]).all().item<bool>();
                if (positiveInputs && oneSign) sameSignPositive++;
                if (!positiveInputs && oneSign) sameSignCentred++;
            }
        }
        Assert.That(sameSignPositive, Is.EqualTo(20), "dL/dw_i = δ · x_i: one sign when every x_i > 0 (zig-zag updates)");
        Assert.That(sameSignCentred, Is.LessThan(5), "centred inputs free the directions");
    }

    [Test]
    public void AnMByNTimesNByPProductTakesMnpMultiplications()
    {
        using var scope = NewDisposeScope();
        const int m = 4, n = 5, p = 3;
        var a = randn(m, n, dtype: float64);
        var b = randn(n, p, dtype: float64);
        var av = a.data<double>().ToArray();
        var bv = b.data<double>().ToArray();
        var c = new double[m * p];
        long multiplications = 0;
        for (int i = 0; i < m; i++)
            for (int k = 0; k < p; k++)
                for (int j = 0; j < n; j++, multiplications++)
                    c[i * p + k] += av[i * n + j] * bv[j * p + k];
        Assert.That(multiplications, Is.EqualTo(m * n * p));
        Assert.That(tensor(c).view(m, p).allclose(matmul(a, b)));
    }
}

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

/// <summary>The Core pieces written for these answers refuse bad input with a clear message.</summary>
public sealed class InterviewLibraryInputTests
{
    [Test]
    public void MetricsLossesAndKMeansRejectInputsThatDoNotFit()
    {
        using var scope = NewDisposeScope();
        Assert.That(() => BinaryConfusion.Count([true], [true, false]), Throws.ArgumentException.With.Message.Contains("1 predictions for 2 labels"));
        Assert.That(() => BinaryConfusion.FromTensors(ones(2), ones(3)), Throws.ArgumentException);
        Assert.That(() => new BinaryConfusion(1, 0, 1, 0).FBeta(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(new BinaryConfusion(0, 0, 5, 0).Precision, Is.Zero, "no predicted positives: 0, not NaN");
        Assert.That(() => Roc.Auc([0.1, double.NaN], [true, false]), Throws.ArgumentException);
        Assert.That(() => FocalLoss.FromLogits(zeros(3), zeros(2)), Throws.ArgumentException);
        Assert.That(() => FocalLoss.FromLogits(zeros(3), zeros(3), gamma: -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => KMeans.Fit(zeros(4, 2), 5), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => KMeans.Fit(zeros(4, 2, dtype: int64), 2), Throws.ArgumentException);
        Assert.That(() => ClusteringMetrics.RandIndex([0], [0]), Throws.ArgumentException);
        Assert.That(() => ClusteringMetrics.Purity([0, 1], [0]), Throws.ArgumentException);

        var identical = KMeans.Fit(ones(5, 2), 2, generator: new Generator(33));
        Assert.That(identical.Converged && identical.Inertia == 0, "k-means copes with points that coincide");
    }
}
