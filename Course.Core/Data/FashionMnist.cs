using System.Collections.Concurrent;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Core.Data;

/// <summary>
/// Fashion-MNIST (3.5): 60,000 training and 10,000 test images of 28×28 pixels in 10 classes. Each split is loaded
/// once per process into a contiguous float32 tensor of shape (N, 1, 28, 28) with values in [0, 1] (torchvision's
/// <c>ToTensor</c>) and an int64 label tensor; loaders batch by indexing into them.
/// </summary>
public sealed class FashionMnist
{
    private static readonly ConcurrentDictionary<string, Lazy<FashionMnist>> Cache = new();

    private FashionMnist(Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels)
    {
        TrainImages = trainImages;
        TrainLabels = trainLabels;
        TestImages = testImages;
        TestLabels = testLabels;
    }

    /// <summary>The text labels of the ten classes, in label order (d2l's <c>get_fashion_mnist_labels</c>).</summary>
    public static IReadOnlyList<string> TextLabels { get; } =
        ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

    /// <summary>Training images, float32 (60000, 1, 28, 28) in [0, 1].</summary>
    public Tensor TrainImages { get; }

    /// <summary>Training labels, int64 (60000).</summary>
    public Tensor TrainLabels { get; }

    /// <summary>Test images, float32 (10000, 1, 28, 28) in [0, 1].</summary>
    public Tensor TestImages { get; }

    /// <summary>Test labels, int64 (10000).</summary>
    public Tensor TestLabels { get; }

    /// <summary>d2l's <c>get_fashion_mnist_labels</c>: the text label of each numeric label.</summary>
    public static IReadOnlyList<string> GetLabels(Tensor labels) =>
        labels.cpu().data<long>().Select(i => TextLabels[(int)i]).ToArray();

    /// <summary>Loads (once per process and location) the four files found by <paramref name="store"/>.</summary>
    public static FashionMnist Load(DataStore store)
    {
        string trainImages = store.Resolve(DataHub.FashionMnistTrainImages);
        string trainLabels = store.Resolve(DataHub.FashionMnistTrainLabels);
        string testImages = store.Resolve(DataHub.FashionMnistTestImages);
        string testLabels = store.Resolve(DataHub.FashionMnistTestLabels);
        string key = string.Join('|', trainImages, trainLabels, testImages, testLabels);
        return Cache.GetOrAdd(key, _ => new Lazy<FashionMnist>(() =>
        {
            var (trainX, trainY) = ReadSplit(trainImages, trainLabels);
            var (testX, testY) = ReadSplit(testImages, testLabels);
            return new FashionMnist(trainX, trainY, testX, testY);
        })).Value;
    }

    /// <summary>The side of a Fashion-MNIST image, in pixels.</summary>
    public const int Side = 28;

    /// <summary>
    /// d2l's <c>load_data_fashion_mnist(batch_size, resize)</c>: a shuffled training loader and an ordered test loader.
    /// <paramref name="resize"/> scales each batch to resize×resize (bilinear) as it is drawn; <paramref name="limit"/>
    /// keeps the first N training examples (and at most N test examples) for quick runs.
    /// </summary>
    public (ArrayLoader Train, ArrayLoader Test) Loaders(int batchSize, int? resize = null, int? limit = null, long seed = 0)
    {
        if (resize is <= 0) throw new CourseException($"resize must be a positive number of pixels, not {resize}.");
        Func<Tensor, Tensor>? transform = resize is { } size ? batch => Resize(batch, size) : null;
        return (
            new ArrayLoader(First(TrainImages, limit), First(TrainLabels, limit), batchSize, shuffle: true, seed, transform),
            new ArrayLoader(First(TestImages, limit), First(TestLabels, limit), batchSize, shuffle: false, seed, transform));
    }

    /// <summary>Resizes a batch (N, C, H, W) to (N, C, size, size), as torchvision's <c>Resize</c> does before <c>ToTensor</c>.</summary>
    public static Tensor Resize(Tensor batch, int size) =>
        nn.functional.interpolate(batch, [size, size], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);

    private static Tensor First(Tensor tensor, int? limit) =>
        limit is { } n && n < tensor.shape[0] ? tensor.narrow(0, 0, n) : tensor;

    private static (Tensor Images, Tensor Labels) ReadSplit(string imagesPath, string labelsPath)
    {
        using var scope = NewDisposeScope();
        var pixels = IdxReader.Read(imagesPath, IdxReader.ImagesMagic);
        var labels = IdxReader.Read(labelsPath, IdxReader.LabelsMagic);
        if (pixels.dim() != 3 || labels.shape[0] != pixels.shape[0])
            throw new CourseException($"'{imagesPath}' holds {pixels.shape[0]} images but '{labelsPath}' holds {labels.shape[0]} labels.");
        if (labels.max().item<byte>() >= TextLabels.Count)
            throw new CourseException($"'{labelsPath}' holds the label {labels.max().item<byte>()}, but Fashion-MNIST has {TextLabels.Count} classes (0–{TextLabels.Count - 1}); delete it and run `course data` again.");
        var images = pixels.unsqueeze(1).to(float32).div_(255f);
        return (images.DetachFromDisposeScope(), labels.to(int64).DetachFromDisposeScope());
    }
}
