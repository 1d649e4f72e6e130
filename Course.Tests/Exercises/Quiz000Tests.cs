using Course.Chapters.Ch04_MultilayerPerceptrons;
using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Training;
using Course.Exercises.Data;
using Course.Exercises.Training;
using Course.Exercises.Vision;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Tests.Exercises;

// The lesson quiz answers of seed 000 (a PyTorch course's 思考题答案集锦), lesson by lesson; the index is
// Course.Tests/Exercises/README.md, section 000.

/// <summary>Lessons 2–5: NumPy-style reductions, masks, dtypes and masked_select.</summary>
public sealed class QuizTensorTests
{
    private static float[] Floats(Tensor t) => t.cpu().to(float32).reshape(-1).data<float>().ToArray();

    private static long[] Longs(Tensor t) => t.cpu().to(int64).reshape(-1).data<long>().ToArray();

    /// <summary>Lesson 2: rows are users and columns games, so each user's mean is the mean along axis (dim) 1.</summary>
    [Test]
    public void MeanPerUserIsAlongAxis1()
    {
        using var scope = NewDisposeScope();
        // interest_score[user, game]: three users, three games.
        var interestScore = tensor(new float[,] { { 4, 5, 6 }, { 1, 2, 9 }, { 7, 7, 1 } });
        Assert.That(Floats(interestScore.mean([1])), Is.EqualTo(new[] { 5f, 4f, 5f }).Within(1e-6), "per user");
        Assert.That(Floats(interestScore.mean([0])), Is.EqualTo(new[] { 4f, 14f / 3, 16f / 3 }).Within(1e-6), "axis 0 is per game");
    }

    /// <summary>
    /// Lesson 3: argmax over the channel axis gives 0 where channel 0 is larger and 1 where channel 1 is; on an exact
    /// tie (both 0.5) it gives 0, where the question asks for 1 ("otherwise 1"): <c>(s0 &lt;= s1)</c> is the exact answer.
    /// </summary>
    [Test]
    public void ArgmaxOverChannelsGivesTheMask()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var scores = rand(256, 256, 2);
        scores[TensorIndex.Colon, TensorIndex.Colon, 1] = 1 - scores[TensorIndex.Colon, TensorIndex.Colon, 0];
        var mask = scores.argmax(2);
        var exact = scores.select(2, 0).le(scores.select(2, 1)).to(int64);
        Assert.That(mask.shape, Is.EqualTo(new long[] { 256, 256 }));
        Assert.That(mask.equal(exact).all().item<bool>(), "argmax agrees with the rule when there is no tie");
        Assert.That(Longs(mask.unique().output), Is.EqualTo(new long[] { 0, 1 }));

        scores[0, 0, 0] = 0.5f;
        scores[0, 0, 1] = 0.5f;
        Assert.That(scores.argmax(2)[0, 0].item<long>(), Is.EqualTo(0L), "argmax takes the first of equal values");
        Assert.That(scores.select(2, 0).le(scores.select(2, 1))[0, 0].item<bool>(), "the question's rule says 1 on a tie");
    }

    /// <summary>
    /// Lesson 4: PyTorch's <c>torch.Tensor(data)</c> is the class (an alias of FloatTensor) and always makes float32;
    /// <c>torch.tensor(data)</c> is a function that infers the dtype from the data. TorchSharp has only the function,
    /// and it infers from the C# element type, which differs from Python for ints and doubles.
    /// </summary>
    [Test]
    public void TorchTensorInfersTheDtypeFromTheData()
    {
        using var scope = NewDisposeScope();
        Assert.That(tensor(new[] { 1, 2, 3 }).dtype, Is.EqualTo(ScalarType.Int32), "C# int (PyTorch's tensor([1, 2, 3]) is int64)");
        Assert.That(tensor(new long[] { 1, 2, 3 }).dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(tensor(new[] { 1.0, 2.0 }).dtype, Is.EqualTo(ScalarType.Float64), "C# double (PyTorch's tensor([1., 2.]) is float32)");
        Assert.That(tensor(new[] { 1f, 2f }).dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(tensor(new[] { true, false }).dtype, Is.EqualTo(ScalarType.Bool));
        // torch.Tensor([1, 2, 3]): float32 whatever the data.
        var classStyle = tensor(new[] { 1, 2, 3 }, dtype: float32);
        Assert.That(classStyle.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(FloatTensor(tensor(new[] { 1, 2, 3 })).dtype, Is.EqualTo(ScalarType.Float32), "torch.FloatTensor converts");
        // torch.Tensor(2, 3): an uninitialised float32 tensor of that shape.
        Assert.That(empty(2, 3).dtype, Is.EqualTo(get_default_dtype()));
        Assert.That(empty(2, 3).shape, Is.EqualTo(new long[] { 2, 3 }));
    }

    /// <summary>
    /// Lesson 5: a mask of A's shape selects [4, 3, 9, 4] in row-major order. The notes build it as a uint8
    /// ByteTensor; libtorch 2.10 (and so TorchSharp) accepts only a bool mask.
    /// </summary>
    [Test]
    public void MaskedSelectPicksFourThreeNineFour()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new long[,] { { 4, 5, 7 }, { 3, 9, 8 }, { 2, 3, 4 } });
        var b = tensor(new[,] { { true, false, false }, { true, true, false }, { false, false, true } });
        Assert.That(Longs(masked_select(a, b)), Is.EqualTo(new long[] { 4, 3, 9, 4 }));
        var byteMask = ByteTensor(b);
        Assert.That(() => masked_select(a, byteMask), Throws.Exception.With.Message.Contains("Boolean"), "uint8 masks are gone");
        Assert.That(Longs(masked_select(a, byteMask.to(@bool))), Is.EqualTo(new long[] { 4, 3, 9, 4 }));
    }
}

/// <summary>Lessons 6, 7 and 14: datasets, transforms and the CIFAR-10 CNN.</summary>
public sealed class QuizDataTests
{
    /// <summary>Lesson 6's answer in TorchSharp: a data set derives from <c>torch.utils.data.Dataset</c>.</summary>
    private sealed class SquaresDataset(int count) : utils.data.Dataset
    {
        public override long Count => count;

        public override Dictionary<string, Tensor> GetTensor(long index) =>
            new() { ["data"] = tensor(new[] { (float)index }), ["label"] = tensor(index * index) };
    }

    /// <summary>Lesson 6: a class derived from <c>torch.utils.data.Dataset</c> (Count, GetTensor) feeds a DataLoader.</summary>
    [Test]
    public void CustomDatasetDerivesFromTorchDataset()
    {
        using var dataset = new SquaresDataset(10);
        Assert.That(dataset, Is.InstanceOf<utils.data.Dataset>());
        using var loader = new DataLoader(dataset, batchSize: 4, shuffle: false);
        var batches = new List<(long[] Shape, long[] Labels)>();
        foreach (var batch in loader)
        {
            batches.Add((batch["data"].shape, batch["label"].data<long>().ToArray()));
            foreach (var t in batch.Values) t.Dispose();
        }
        Assert.That(batches.Select(b => b.Shape[0]), Is.EqualTo(new long[] { 4, 4, 2 }), "batches of 4, then the rest");
        Assert.That(batches[0].Shape, Is.EqualTo(new long[] { 4, 1 }), "samples are stacked");
        Assert.That(batches.SelectMany(b => b.Labels), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (long)i * i)));
    }

    /// <summary>
    /// Lesson 7: transforms are the common image operations — crops, flips, rotations, resizing, conversion from an
    /// (H, W, C) byte image to a (C, H, W) float tensor, normalisation — composed into a pipeline. This is lesson
    /// 14's pipeline on a 48×64 image.
    /// </summary>
    [Test]
    public void TransformsComposeTheLesson14Pipeline()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var image = randint(0, 256, [48, 64, 3], uint8);
        var pipeline = new Compose(
            new ToTensor(),
            new RandomResizedCrop(224, 224),
            new Normalize(Normalize.ImageNetMean, Normalize.ImageNetStd));
        var x = pipeline.Apply(image);
        Assert.That(x.shape, Is.EqualTo(new long[] { 3, 224, 224 }));
        Assert.That(x.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(x.min().item<float>(), Is.GreaterThanOrEqualTo((0 - 0.485f) / 0.229f - 0.01f));
        Assert.That(x.max().item<float>(), Is.LessThanOrEqualTo((1 - 0.406f) / 0.225f + 0.01f));
        Assert.That(image.shape, Is.EqualTo(new long[] { 48, 64, 3 }), "the input is untouched");
        var rotated = new RandomRotation(30).Apply(new ToTensor().Apply(image));
        Assert.That(rotated.shape, Is.EqualTo(new long[] { 3, 48, 64 }));
    }

    /// <summary>Lesson 14's network: one 3×3 convolution to 16 channels, flattened into a dense layer of 10 classes.</summary>
    private sealed class MyCnn : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly Linear fc;

        /// <summary>The lesson's network for <paramref name="inputSize"/>² inputs: 224 gives its 16·222·222 features.</summary>
        public MyCnn(int inputSize = 224) : base("MyCNN")
        {
            int side = inputSize - 2;
            conv1 = nn.Conv2d(3, 16, kernel_size: 3);
            fc = nn.Linear(16 * side * side, 10);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var x = conv1.call(input);
            x = x.view(x.shape[0], -1);
            return fc.call(x);
        }
    }

    /// <summary>Lesson 14: at the lesson's 224×224 input the dense layer takes 16·222·222 = 788,544 features.</summary>
    [Test]
    public void Lesson14CnnHasTheLessonsShapes()
    {
        using var scope = NewDisposeScope();
        using var net = new MyCnn();
        using (no_grad()) Assert.That(net.call(rand(2, 3, 224, 224)).shape, Is.EqualTo(new long[] { 2, 10 }));
        Assert.That(net.parameters().Sum(p => p.numel()), Is.EqualTo(16 * 3 * 9 + 16 + 16L * 222 * 222 * 10 + 10));
    }

    /// <summary>
    /// Lesson 14: the data reading, cross-entropy loss and SGD around MyCNN. No CIFAR-10 download is possible here,
    /// so the test writes a small data set in CIFAR-10's binary format (class = a colour plus noise), reads it with
    /// <see cref="Cifar10"/>, augments it as the lesson does (random resized crop, flip, normalise) and trains with
    /// d2l's <c>train_ch6</c> loop (<see cref="ClassifierTrainer"/>) at CIFAR's own 32×32.
    /// </summary>
    [Test]
    public void Lesson14CnnLearnsCifarFormatData()
    {
        manual_seed(14);
        string folder = Path.Combine(TestEnvironment.TempFolder(), Cifar10.FolderName);
        using (var scope = NewDisposeScope())
        {
            var palette = tensor(new float[,]
            {
                { 230, 30, 30 }, { 30, 230, 30 }, { 30, 30, 230 }, { 230, 230, 30 }, { 230, 30, 230 },
                { 30, 230, 230 }, { 128, 128, 128 }, { 250, 250, 250 }, { 20, 20, 20 }, { 128, 64, 0 },
            });
            (Tensor, Tensor) Synthetic(int count)
            {
                var labels = arange(count, dtype: int64) % 10;
                var pixels = palette.index_select(0, labels).view(count, 3, 1, 1) + 25 * randn(count, 3, 32, 32);
                return (pixels.clamp(0, 255).round().to(uint8), labels);
            }
            foreach (string file in Cifar10.TrainFiles)
            {
                var (x, y) = Synthetic(60);
                Cifar10.WriteBatch(Path.Combine(folder, file), x, y);
            }
            var (testX, testY) = Synthetic(100);
            Cifar10.WriteBatch(Path.Combine(folder, Cifar10.TestFile), testX, testY);
        }

        var data = Cifar10.Load(folder);
        Assert.That(data.TrainImages.shape, Is.EqualTo(new long[] { 300, 3, 32, 32 }));
        var normalize = new Normalize(Normalize.ImageNetMean, Normalize.ImageNetStd);
        var augment = new Compose(new RandomResizedCrop(32, 32, scale: (0.5, 1.0)), new RandomHorizontalFlip(), normalize);
        var (train, test) = data.Loaders(batchSize: 32, augment, normalize, seed: 14);
        var net = new MyCnn(inputSize: 32);
        var optimizer = Updaters.Optimizer<MyCnn>(moved => optim.SGD(moved.parameters(), learningRate: 0.001, momentum: 0.9, weight_decay: 1e-4));
        var history = new ClassifierTrainer { Epochs = 4 }.Fit(net, train, test,
            (yHat, y) => nn.functional.cross_entropy(yHat, y, reduction: nn.Reduction.None), optimizer);
        Assert.That(history.Epochs[^1].TrainLoss, Is.LessThan(history.Epochs[0].TrainLoss));
        Assert.That(history.Epochs[^1].TestAccuracy, Is.GreaterThan(0.9), "chance is 0.1");
    }
}

/// <summary>Lessons 8–10: VGG-16, 'same' padding with strides, depthwise-separable convolution.</summary>
public sealed class QuizConvolutionTests
{
    /// <summary>VGG-16's (number of 3×3 convolutions, channels) per block (configuration D of Simonyan and Zisserman).</summary>
    private static readonly (int NumConvs, int OutChannels)[] Vgg16Arch = [(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)];

    /// <summary>
    /// Lesson 8: VGG-16 built from its layer list with 7.2's <c>vgg_block</c> and the 4096-4096-1000 head has
    /// torchvision's 138,357,544 parameters and maps a 224×224 RGB image to 1000 logits. (The notes' <c>pretrained=True</c>
    /// downloads ImageNet weights; there are none here, and torchvision ≥ 0.13 spells it <c>weights=…</c>.)
    /// </summary>
    [Test]
    public void Vgg16HasTorchvisionsParameterCount()
    {
        using var scope = NewDisposeScope();
        var layers = new List<nn.Module<Tensor, Tensor>>();
        int inChannels = 3;
        foreach (var (numConvs, channels) in Vgg16Arch)
        {
            layers.Add(Vgg.VggBlock(numConvs, inChannels, channels));
            inChannels = channels;
        }
        layers.AddRange([
            nn.Flatten(),
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(4096, 1000)]);
        using var vgg16 = nn.Sequential(layers);
        Assert.That(vgg16.parameters().Sum(p => p.numel()), Is.EqualTo(138_357_544L));
        Assert.That(vgg16.modules().OfType<Conv2d>().Count() + vgg16.modules().OfType<Linear>().Count(), Is.EqualTo(16), "16 weight layers");
        vgg16.eval();
        using (no_grad()) Assert.That(vgg16.call(rand(1, 3, 224, 224)).shape, Is.EqualTo(new long[] { 1, 1000 }));
    }

    /// <summary>
    /// Lesson 9: PyTorch, and TorchSharp with it, refuse <c>padding='same'</c> when the stride is not 1 — the notes'
    /// "no" holds there. The idea itself exists (TensorFlow's 'same' gives ⌈n / s⌉ outputs); with explicit,
    /// possibly uneven padding it is reproduced.
    /// </summary>
    [Test]
    public void SamePaddingIsRejectedForStridedConvolutions()
    {
        using var scope = NewDisposeScope();
        var x = rand(1, 3, 8, 8);
        Assert.That(nn.Conv2d(3, 4, 3, stride: 1, padding: Padding.Same).call(x).shape, Is.EqualTo(new long[] { 1, 4, 8, 8 }));
        Assert.That(() => nn.Conv2d(3, 4, 3, stride: 2, padding: Padding.Same).call(x),
            Throws.ArgumentException.With.Message.Contains("not supported for strided convolutions"));

        foreach (int n in new[] { 7, 8 })
        {
            const int k = 3, s = 2;
            int outSize = (n + s - 1) / s, total = Math.Max((outSize - 1) * s + k - n, 0);
            var padded = nn.functional.pad(rand(1, 3, n, n), [total / 2, total - total / 2, total / 2, total - total / 2]);
            var y = nn.Conv2d(3, 4, k, stride: s).call(padded);
            Assert.That(y.shape, Is.EqualTo(new long[] { 1, 4, outSize, outSize }), $"TensorFlow-style 'same' on {n}×{n}");
        }
    }

    /// <summary>
    /// Lesson 10: a 3×3 depthwise convolution (groups = 3) and a 1×1 pointwise one to 10 channels turn (1, 3, 128, 128)
    /// into (1, 10, 126, 126) with 30 + 40 = 70 parameters, where a plain 3×3 convolution needs 280.
    /// </summary>
    [Test]
    public void DepthwiseSeparableConvolution()
    {
        using var scope = NewDisposeScope();
        manual_seed(10);
        var x = rand(3, 128, 128).unsqueeze(0);
        var dw = nn.Conv2d(3, 3, 3, stride: 1, groups: 3);
        var pw = nn.Conv2d(3, 10, 1, stride: 1);
        var plain = nn.Conv2d(3, 10, 3);
        var outSeparable = pw.call(dw.call(x));
        Assert.That(outSeparable.shape, Is.EqualTo(new long[] { 1, 10, 126, 126 }));
        Assert.That(plain.call(x).shape, Is.EqualTo(outSeparable.shape));
        long Count(nn.Module m) => m.parameters().Sum(p => p.numel());
        Assert.That(Count(dw), Is.EqualTo(3 * 1 * 3 * 3 + 3));
        Assert.That(Count(pw), Is.EqualTo(10 * 3 + 10));
        Assert.That(Count(plain), Is.EqualTo(10 * 3 * 3 * 3 + 10));
        // Each depthwise filter sees one channel only: changing channel 1 leaves channel 0's output alone.
        var changed = x.clone();
        changed[0, 1] = changed[0, 1] * 2 + 1;
        Assert.That(dw.call(changed)[0, 0].allclose(dw.call(x)[0, 0]));
        Assert.That(dw.call(changed)[0, 1].allclose(dw.call(x)[0, 1]), Is.False);
    }
}

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
        string path = Path.Combine(TestEnvironment.TempFolder(), "loss-acc.png");
        var animator = new Animator(path, ["loss", "acc"], new AxesStyle { XLabel = "step", XLim = (0, 9) });
        var random = new Random(15);
        for (int step = 0; step < 10; step++)
            animator.Add(step, 0.2 * random.NextDouble() + 1, 0.1 * random.NextDouble() + 0.5);
        Assert.That(animator.Series, Has.Count.EqualTo(2));
        Assert.That(animator.Series.Select(s => s.Y.Count), Is.All.EqualTo(10));
        Assert.That(animator.Series[0].Y, Is.All.InRange(1.0, 1.2));
        Assert.That(animator.Series[1].Y, Is.All.InRange(0.5, 0.6));
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

/// <summary>Lessons 18–20: precision and recall, one-channel segmentation output, mIoU and Dice.</summary>
public sealed class QuizMetricsTests
{
    /// <summary>
    /// Lesson 18: to find every poster, favour recall. Lowering the decision threshold flags more items: recall rises
    /// to 1 (all four posters found) while precision falls (more false alarms).
    /// </summary>
    [Test]
    public void FindingEveryPosterMeansRecall()
    {
        using var scope = NewDisposeScope();
        var isPoster = tensor(new[] { true, true, true, true, false, false, false, false, false, false });
        var scores = tensor(new[] { 0.9f, 0.8f, 0.4f, 0.3f, 0.7f, 0.35f, 0.2f, 0.1f, 0.05f, 0.5f });
        var strict = scores.gt(0.6f);
        Assert.That(BinaryConfusion.FromTensors(strict, isPoster).Precision, Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(BinaryConfusion.FromTensors(strict, isPoster).Recall, Is.EqualTo(0.5));
        var lenient = scores.gt(0.25f);
        Assert.That(BinaryConfusion.FromTensors(lenient, isPoster).Recall, Is.EqualTo(1.0), "every poster found");
        Assert.That(BinaryConfusion.FromTensors(lenient, isPoster).Precision, Is.EqualTo(4.0 / 7).Within(1e-12), "at the price of false alarms");
    }

    /// <summary>
    /// Lesson 19: one output channel through a sigmoid is enough for two classes: softmax over logits (0, z) gives
    /// class 1 the probability sigmoid(z), and cross-entropy on (0, z) equals binary cross-entropy with logits z. A
    /// one-channel network trained that way segments a thresholding task.
    /// </summary>
    [Test]
    public void OneSigmoidChannelSegmentsTwoClasses()
    {
        using var scope = NewDisposeScope();
        manual_seed(19);
        var z = randn(2, 1, 8, 8) * 3;
        var target = rand(2, 8, 8).gt(0.5f);
        var twoChannel = cat([zeros_like(z), z], 1);
        Assert.That(softmax(twoChannel, 1).select(1, 1).allclose(sigmoid(z).squeeze(1), atol: 1e-6));
        var ce = nn.functional.cross_entropy(twoChannel, target.to(int64));
        var bce = nn.functional.binary_cross_entropy_with_logits(z.squeeze(1), target.to(float32));
        Assert.That(ce.item<float>(), Is.EqualTo(bce.item<float>()).Within(1e-5));

        var images = rand(16, 1, 16, 16);
        var masks = images.gt(0.5f).to(float32);
        var net = nn.Conv2d(1, 1, 1);
        var adam = optim.Adam(net.parameters(), 0.1);
        for (int step = 0; step < 150; step++)
        {
            using var inner = NewDisposeScope();
            adam.zero_grad();
            nn.functional.binary_cross_entropy_with_logits(net.call(images), masks).backward();
            adam.step();
        }
        Tensor predicted;
        using (no_grad()) predicted = net.call(images).gt(0);
        Assert.That(SegmentationMetrics.MeanIoU(predicted, masks, 2), Is.GreaterThan(0.9));
        Assert.That(SegmentationMetrics.Dice(predicted, masks), Is.GreaterThan(0.95));
    }

    /// <summary>
    /// Lesson 20: mIoU and the Dice coefficient on a 4×4 mask. The true object covers rows 0–1, columns 0–1; the
    /// prediction is shifted one column right. Object: |A ∩ B| = 2, |A ∪ B| = 6, IoU = 1/3, Dice = 2·2/(4+4) = 1/2.
    /// Background: 10 of 14, IoU = 5/7. mIoU = (1/3 + 5/7)/2 = 11/21.
    /// </summary>
    [Test]
    public void MeanIoUAndDiceOnSmallMasks()
    {
        using var scope = NewDisposeScope();
        var target = zeros(4, 4, int64);
        target[TensorIndex.Slice(0, 2), TensorIndex.Slice(0, 2)] = tensor(1L);
        var predicted = zeros(4, 4, int64);
        predicted[TensorIndex.Slice(0, 2), TensorIndex.Slice(1, 3)] = tensor(1L);
        double[] iou = SegmentationMetrics.IntersectionOverUnion(predicted, target, 2);
        Assert.That(iou, Is.EqualTo(new[] { 5.0 / 7, 1.0 / 3 }).Within(1e-12));
        Assert.That(SegmentationMetrics.MeanIoU(predicted, target, 2), Is.EqualTo(11.0 / 21).Within(1e-12));
        Assert.That(SegmentationMetrics.Dice(predicted, target), Is.EqualTo(0.5).Within(1e-12));
        Assert.That(SegmentationMetrics.Dice(predicted, target), Is.EqualTo(2 * iou[1] / (1 + iou[1])).Within(1e-12), "Dice = 2 IoU / (1 + IoU)");
        Assert.That(SegmentationMetrics.MeanIoU(target, target, 2), Is.EqualTo(1.0));
        // A third class absent from both masks does not count in the mean.
        Assert.That(SegmentationMetrics.MeanIoU(predicted, target, 3), Is.EqualTo(11.0 / 21).Within(1e-12));
    }
}

/// <summary>Lessons 21–24: TF-IDF, word-vector length, sentiment prediction, BERT's 512 positions.</summary>
public sealed class QuizTextTests
{
    /// <summary>TF-IDF with tf = count / length and idf = ln(N / df), one dictionary per document.</summary>
    private static List<Dictionary<string, double>> TfIdf(IReadOnlyList<string[]> documents, int minCount = 1)
    {
        var df = documents.SelectMany(d => d.Distinct()).CountBy(w => w).ToDictionary();
        return [.. documents.Select(d => d.CountBy(w => w).Where(c => c.Value >= minCount)
            .ToDictionary(c => c.Key, c => (double)c.Value / d.Length * Math.Log((double)documents.Count / df[c.Key])))];
    }

    /// <summary>
    /// Lesson 21: TF-IDF rates a word by its rarity, not its meaning. In a finance corpus, the figure of speech
    /// "rocket" outranks "stock" and "price", the subject of the document, and "stock", in every document, scores 0.
    /// The notes' remedy, a minimum term count, lets "price" lead.
    /// </summary>
    [Test]
    public void TfIdfOverratesRareWords()
    {
        string[][] corpus =
        [
            ["stock", "price", "rocket", "stock", "price"],
            ["stock", "price", "fell"],
            ["stock", "market", "price"],
            ["stock", "bank", "rate"],
        ];
        var weights = TfIdf(corpus);
        var first = weights[0];
        Assert.That(first.MaxBy(p => p.Value).Key, Is.EqualTo("rocket"));
        Assert.That(first["rocket"], Is.EqualTo(0.2 * Math.Log(4)).Within(1e-12));
        Assert.That(first["price"], Is.EqualTo(0.4 * Math.Log(4.0 / 3)).Within(1e-12));
        Assert.That(first["stock"], Is.EqualTo(0), "a word in every document weighs nothing");
        Assert.That(TfIdf(corpus, minCount: 2)[0].MaxBy(p => p.Value).Key, Is.EqualTo("price"));
    }

    /// <summary>The rule of thumb n &gt; 8.33 ln N for the word-vector length n of a vocabulary of N words.</summary>
    private static double MinimumDimension(double vocabularySize) => 8.33 * Math.Log(vocabularySize);

    /// <summary>
    /// Lesson 22: longer is not always better; the rule n &gt; 8.33 ln N (natural log) asks for 96 dimensions for
    /// 100,000 words — 64 is too short, 128 enough — and grows by only 8.33 ln 2 ≈ 5.8 per doubling of the vocabulary,
    /// while the embedding's parameters grow linearly in n.
    /// </summary>
    [Test]
    public void WordVectorLengthRule()
    {
        Assert.That(MinimumDimension(100_000), Is.EqualTo(95.9).Within(0.05));
        Assert.That(MinimumDimension(100_000), Is.GreaterThan(64).And.LessThan(128));
        Assert.That(MinimumDimension(5_000_000), Is.GreaterThan(128), "five million words need more than 128");
        Assert.That(MinimumDimension(200_000) - MinimumDimension(100_000), Is.EqualTo(8.33 * Math.Log(2)).Within(1e-9));
        using var small = nn.Embedding(100_000, 128);
        using var large = nn.Embedding(100_000, 256);
        Assert.That(large.weight!.numel(), Is.EqualTo(2 * small.weight!.numel()));
    }

    /// <summary>A small LSTM sentiment classifier that reads padded token ids and their lengths, as the lesson's model does.</summary>
    private sealed class SentimentLstm : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Embedding embedding;
        private readonly LSTM lstm;
        private readonly Linear output;

        public SentimentLstm(int vocabSize) : base("SentimentLstm")
        {
            embedding = nn.Embedding(vocabSize, 16);
            lstm = nn.LSTM(16, 16, batchFirst: true);
            output = nn.Linear(16, 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor ids, Tensor lengths)
        {
            var (outputs, _, _) = lstm.call(embedding.call(ids));
            var last = outputs.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, outputs.shape[2])).squeeze(1);
            return output.call(last);
        }
    }

    private static string[] Tokenize(string text) =>
        text.ToLowerInvariant().Split([' ', '!', '.', ','], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Lesson 23's <c>predict_sentiment</c>: tokens → ids → logits → softmax; the arg-max class and its probability.</summary>
    private static (string Label, double Probability) PredictSentiment(string text, SentimentLstm model, Vocab vocab)
    {
        using var scope = NewDisposeScope();
        model.eval();
        int[] ids = vocab.ToIndices(Tokenize(text));
        using var noGrad = no_grad();
        var prediction = model.call(tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0), tensor(new long[] { ids.Length })).squeeze(0);
        var probability = softmax(prediction, -1);
        long predicted = prediction.argmax(-1).item<long>();
        return (predicted == 0 ? "neg" : "pos", probability[predicted].item<float>());
    }

    /// <summary>
    /// Lesson 23: <c>predict_sentiment</c> on a model trained here on a toy review corpus (the lesson's IMDb model is not
    /// available): "This film is terrible!" comes out 'neg' with the softmax probability of that class.
    /// </summary>
    [Test]
    public void PredictSentimentReturnsTheClassAndItsProbability()
    {
        manual_seed(23);
        string[] negative = ["this film is terrible", "a boring and awful movie", "terrible acting and a dull plot", "i hated this awful film", "the worst movie , boring", "dull , terrible and boring"];
        string[] positive = ["this film is wonderful", "a great and moving movie", "wonderful acting and a clever plot", "i loved this great film", "the best movie , brilliant", "clever , wonderful and great"];
        var reviews = negative.Select(t => (Tokens: Tokenize(t), Label: 0L)).Concat(positive.Select(t => (Tokens: Tokenize(t), Label: 1L))).ToArray();
        var vocab = new Vocab(reviews.SelectMany(r => r.Tokens), reservedTokens: ["<pad>"]);
        int width = reviews.Max(r => r.Tokens.Length);
        long[,] ids = new long[reviews.Length, width];
        for (int i = 0; i < reviews.Length; i++)
        {
            int[] row = vocab.ToIndices(reviews[i].Tokens);
            for (int j = 0; j < width; j++) ids[i, j] = j < row.Length ? row[j] : vocab["<pad>"];
        }
        var model = new SentimentLstm(vocab.Count);
        using (var scope = NewDisposeScope())
        {
            var x = tensor(ids);
            var lengths = tensor(reviews.Select(r => (long)r.Tokens.Length).ToArray());
            var y = tensor(reviews.Select(r => r.Label).ToArray());
            var adam = optim.Adam(model.parameters(), 0.05);
            for (int step = 0; step < 60; step++)
            {
                using var inner = NewDisposeScope();
                adam.zero_grad();
                nn.functional.cross_entropy(model.call(x, lengths), y).backward();
                adam.step();
            }
        }
        var (label, probability) = PredictSentiment("This film is terrible!", model, vocab);
        Assert.That(label, Is.EqualTo("neg"));
        Assert.That(probability, Is.GreaterThan(0.5).And.LessThanOrEqualTo(1.0));
        Assert.That(PredictSentiment("A wonderful, great film.", model, vocab).Label, Is.EqualTo("pos"));
    }

    /// <summary>
    /// Lesson 24 (open): BERT learns 512 position embeddings, so position 512 does not exist; a long text is cut into
    /// overlapping windows of at most 510 tokens (plus [CLS] and [SEP]) whose predictions are pooled, or truncated to
    /// its head and tail.
    /// </summary>
    [Test]
    public void LongTextsGoToBertInWindows()
    {
        using var scope = NewDisposeScope();
        using var positions = nn.Embedding(512, 8);
        Assert.That(positions.call(arange(512)).shape, Is.EqualTo(new long[] { 512, 8 }));
        Assert.That(() => positions.call(arange(513)), Throws.Exception, "no embedding for position 512");

        const int length = 1200, window = 510, stride = 255;
        var starts = new List<int>();
        for (int start = 0; ; start += stride)
        {
            starts.Add(start);
            if (start + window >= length) break;
        }
        var covered = new bool[length];
        foreach (int start in starts)
            for (int i = start; i < Math.Min(start + window, length); i++) covered[i] = true;
        Assert.That(covered, Is.All.True, "every token is in some window");
        Assert.That(starts, Has.Count.EqualTo(4));
        int[] tokens = [.. Enumerable.Range(0, length)];
        int[] headTail = [.. tokens.Take(128), .. tokens.TakeLast(window - 128)];
        Assert.That(headTail, Has.Length.EqualTo(510));
        Assert.That(headTail[^1], Is.EqualTo(length - 1));
    }
}
