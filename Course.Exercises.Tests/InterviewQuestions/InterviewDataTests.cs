using Course.Core.Data;
using Course.Tests;
using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 002 ("PyTorch面试题面经"): fine-tuning, optimizers and their parameter groups,
// building blocks (Sequential, ModuleList, LSTM, Embedding), nn.functional, custom autograd functions, data loading.
// The index (README.md, "002 and 003") maps every question to its test.

/// <summary>Q19–Q24: Dataset and DataLoader, torchvision's transforms, TensorBoard, unsqueeze.</summary>
public sealed class InterviewDataTests
{
    /// <summary>A dataset of (i, i²): Count is <c>__len__</c>, GetTensor is <c>__getitem__</c>.</summary>
    private sealed class Squares(int count) : utils.data.Dataset
    {
        public override long Count => count;

        public override Dictionary<string, Tensor> GetTensor(long index) => new()
        {
            ["x"] = tensor((float)index),
            ["y"] = tensor((float)(index * index)),
        };
    }

    private static List<float[]> Batches(DataLoader loader)
    {
        var batches = new List<float[]>();
        foreach (var batch in loader)
        {
            Assert.That(batch["y"].data<float>().ToArray(), Is.EqualTo(batch["x"].data<float>().Select(v => v * v).ToArray()));
            batches.Add(batch["x"].data<float>().ToArray());
        }
        return batches;
    }

    [Test]
    public void ADatasetGivesOneExampleAndTheDataLoaderBatchesShufflesAndDropsTheLast()
    {
        using var scope = NewDisposeScope();
        using var dataset = new Squares(10);
        Assert.That(dataset.Count, Is.EqualTo(10));
        Assert.That(dataset.GetTensor(3)["y"].item<float>(), Is.EqualTo(9f));

        using var loader = utils.data.DataLoader(new Squares(10), 4, shuffle: false);
        var batches = Batches(loader);
        Assert.That(batches.Select(b => b.Length), Is.EqualTo(new[] { 4, 4, 2 }), "the last batch holds the rest");
        Assert.That(batches.SelectMany(b => b), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (float)i)));

        using var dropLast = utils.data.DataLoader(new Squares(10), 4, shuffle: false, drop_last: true);
        Assert.That(Batches(dropLast).Select(b => b.Length), Is.EqualTo(new[] { 4, 4 }), "drop_last drops the short batch");

        using var shuffled = utils.data.DataLoader(new Squares(10), 4, shuffle: true, seed: 3);
        var order = Batches(shuffled).SelectMany(b => b).ToArray();
        Assert.That(order, Is.EquivalentTo(Enumerable.Range(0, 10).Select(i => (float)i)), "every example once per epoch");
        Assert.That(order, Is.Not.EqualTo(Enumerable.Range(0, 10).Select(i => (float)i)), "in another order");

        // The project's own load_array (3.3) batches whole tensors by indexing, without per-example objects.
        var features = arange(10, dtype: float32).unsqueeze(1);
        var loaderOfArrays = new ArrayLoader(features, arange(10), 4, shuffle: false);
        Assert.That(loaderOfArrays.Select(b => b.X.shape[0]), Is.EqualTo(new long[] { 4, 4, 2 }));
    }

    [Test]
    public void ToTensorScalesToTheUnitIntervalAndNormalizeWithHalvesMapsToMinusOneOne()
    {
        using var scope = NewDisposeScope();
        // An H × W × C image of bytes, as PIL or numpy hold it.
        var image = randint(0, 256, [4, 6, 3], dtype: uint8);
        image[0, 0, 0] = tensor((byte)0);
        image[0, 0, 1] = tensor((byte)255);
        // ToTensor: HWC → CHW, float, / 255.
        var t = image.permute(2, 0, 1).to(float32) / 255;
        Assert.That(t.shape, Is.EqualTo(new long[] { 3, 4, 6 }));
        Assert.That(t[1, 2, 5].item<float>(), Is.EqualTo(image[2, 5, 1].item<byte>() / 255f).Within(1e-7));
        Assert.That((t.min().item<float>(), t.max().item<float>()), Is.EqualTo((0f, 1f)));
        // Normalize(mean=.5, std=.5): (x − 0.5) / 0.5, so [0, 1] → [−1, 1].
        var normalised = (t - 0.5) / 0.5;
        Assert.That((normalised.min().item<float>(), normalised.max().item<float>()), Is.EqualTo((-1f, 1f)));

        // Resize(224) scales the shorter side to 224 and keeps the aspect ratio; CenterCrop(224) cuts the middle.
        var photo = rand(1, 3, 300, 400);
        long width = 400 * 224 / 300;
        var resized = nn.functional.interpolate(photo, size: [224, width], mode: InterpolationMode.Bilinear, align_corners: false);
        Assert.That(resized.shape, Is.EqualTo(new long[] { 1, 3, 224, 298 }));
        long left = (width - 224) / 2;
        var cropped = resized[.., .., .., TensorIndex.Slice(left, left + 224)];
        Assert.That(cropped.shape, Is.EqualTo(new long[] { 1, 3, 224, 224 }));
    }

    [Test]
    public void TensorBoardsSummaryWriterWritesAnEventFile()
    {
        string folder = TestEnvironment.TempFolder();
        var writer = utils.tensorboard.SummaryWriter(folder);
        for (int step = 0; step < 3; step++) writer.add_scalar("train/loss", 1f / (step + 1), step);
        var files = Directory.GetFiles(folder, "events.out.tfevents.*", SearchOption.AllDirectories);
        Assert.That(files, Has.Length.EqualTo(1));
        Assert.That(new FileInfo(files[0]).Length, Is.GreaterThan(0));
    }

    [Test]
    public void UnsqueezeAddsADimensionOfSizeOne()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 1f, 2f, 3f });
        Assert.That(x.unsqueeze(0).shape, Is.EqualTo(new long[] { 1, 3 }));
        Assert.That(x.unsqueeze(1).shape, Is.EqualTo(new long[] { 3, 1 }));
        Assert.That(x.unsqueeze(-1).shape, Is.EqualTo(new long[] { 3, 1 }));
        Assert.That(x[TensorIndex.None].shape, Is.EqualTo(new long[] { 1, 3 }), "x[None] is unsqueeze(0)");
        Assert.That(x.unsqueeze(0).squeeze(0).equal(x).all().item<bool>(), "squeeze undoes it");
        Assert.That(x.unsqueeze(0).data<float>().ToArray(), Is.EqualTo(x.data<float>().ToArray()), "the values do not move");
    }
}
