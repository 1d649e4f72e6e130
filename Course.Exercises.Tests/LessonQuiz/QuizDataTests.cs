using Course.Core.Training;
using Course.Exercises.Data;
using Course.Exercises.Vision;
using Course.Tests;
using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.LessonQuiz;

// The lesson quiz answers of seed 000 (a PyTorch course's 思考题答案集锦), lesson by lesson; the index is
// Course.Exercises.Tests/README.md, section 000.

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
    /// d2l's <c>train_ch6</c> loop (<see cref="Train.Ch3"/>) at CIFAR's own 32×32.
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
        var history = Train.Ch3(NotesCheck.Context(), net, train, test,
            (yHat, y) => nn.functional.cross_entropy(yHat, y, reduction: nn.Reduction.None), 4, optimizer);
        Assert.That(history.Final["train loss"], Is.LessThan(history.Epochs[0].Metrics["train loss"]));
        Assert.That(history.Final["test acc"], Is.GreaterThan(0.9), "chance is 0.1");
    }
}
