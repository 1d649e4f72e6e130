using Course.Core.Data;
using Course.Core.Runtime;
using Course.Exercises.Vision;
using static TorchSharp.torch;

namespace Course.Exercises.Data;

/// <summary>
/// CIFAR-10 in its binary format (<c>cifar-10-binary.tar.gz</c> from https://www.cs.toronto.edu/~kriz/cifar.html,
/// extracted): the folder <c>cifar-10-batches-bin/</c> holds <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c>
/// (50,000 training images) and <c>test_batch.bin</c> (10,000). Each file is a run of 3,073-byte records: one label
/// byte (0–9), then the 32×32 red plane, the green plane and the blue plane, row by row. A file is read straight into
/// one uint8 tensor and split into images (N, 3, 32, 32) and int64 labels, with no per-record copies; loaders convert
/// batches to float as they are drawn (torchvision's <c>datasets.CIFAR10</c> with <c>ToTensor</c>).
/// </summary>
public sealed class Cifar10
{
    /// <summary>The folder the archive extracts to.</summary>
    public const string FolderName = "cifar-10-batches-bin";

    /// <summary>The side of an image in pixels.</summary>
    public const int ImageSize = 32;

    /// <summary>Colour channels (R, G, B).</summary>
    public const int Channels = 3;

    /// <summary>The bytes of one record: a label byte and 3 × 32 × 32 pixel bytes.</summary>
    public const int RecordLength = 1 + Channels * ImageSize * ImageSize;

    /// <summary>The five training files, in order.</summary>
    public static IReadOnlyList<string> TrainFiles { get; } = [.. Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin")];

    /// <summary>The test file.</summary>
    public const string TestFile = "test_batch.bin";

    /// <summary>The text labels of the ten classes, in label order (<c>batches.meta.txt</c>).</summary>
    public static IReadOnlyList<string> TextLabels { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    private Cifar10(Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels)
    {
        TrainImages = trainImages;
        TrainLabels = trainLabels;
        TestImages = testImages;
        TestLabels = testLabels;
    }

    /// <summary>Training images, uint8 (N, 3, 32, 32); 50,000 in the real data set.</summary>
    public Tensor TrainImages { get; }

    /// <summary>Training labels, int64 (N).</summary>
    public Tensor TrainLabels { get; }

    /// <summary>Test images, uint8 (N, 3, 32, 32); 10,000 in the real data set.</summary>
    public Tensor TestImages { get; }

    /// <summary>Test labels, int64 (N).</summary>
    public Tensor TestLabels { get; }

    /// <summary>
    /// Loads the six files from <paramref name="folder"/>, which is either the <c>cifar-10-batches-bin</c> folder or
    /// the folder that holds it.
    /// </summary>
    public static Cifar10 Load(string folder)
    {
        string nested = Path.Combine(folder, FolderName);
        string batches = Directory.Exists(nested) ? nested
            : Directory.Exists(folder) && (Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))) == FolderName
                || File.Exists(Path.Combine(folder, TestFile))) ? folder
            : throw new CourseException($"CIFAR-10 was not found: '{folder}' has no '{FolderName}' folder; download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html and extract it there.");
        string[] missing = [.. TrainFiles.Append(TestFile).Where(name => !File.Exists(Path.Combine(batches, name)))];
        if (missing.Length > 0)
            throw new CourseException($"CIFAR-10 in '{batches}' is incomplete: {string.Join(", ", missing)} missing; extract cifar-10-binary.tar.gz there again.");

        using var scope = NewDisposeScope();
        var train = TrainFiles.Select(name => ReadBatch(Path.Combine(batches, name))).ToArray();
        var (testImages, testLabels) = ReadBatch(Path.Combine(batches, TestFile));
        var trainImages = cat(train.Select(t => t.Images).ToArray(), 0);
        var trainLabels = cat(train.Select(t => t.Labels).ToArray(), 0);
        return new Cifar10(trainImages.DetachFromDisposeScope(), trainLabels.DetachFromDisposeScope(),
            testImages.DetachFromDisposeScope(), testLabels.DetachFromDisposeScope());
    }

    /// <summary>Loads CIFAR-10 from the first root of <paramref name="store"/> that holds <c>cifar-10-batches-bin/</c>.</summary>
    public static Cifar10 Load(DataStore store)
    {
        string? folder = store.Roots.Select(root => Path.Combine(root, FolderName)).FirstOrDefault(Directory.Exists);
        return folder is not null
            ? Load(folder)
            : throw new CourseException($"CIFAR-10 was not found: none of {string.Join(", ", store.Roots)} holds a '{FolderName}' folder; download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html and extract it into one of them.");
    }

    /// <summary>Reads one batch file into images, uint8 (N, 3, 32, 32), and labels, int64 (N).</summary>
    public static (Tensor Images, Tensor Labels) ReadBatch(string path)
    {
        if (!File.Exists(path))
            throw new CourseException($"CIFAR-10 batch '{path}' was not found; extract cifar-10-binary.tar.gz again.");
        long length = new FileInfo(path).Length;
        if (length == 0 || length % RecordLength != 0)
            throw new CourseException($"'{path}' is truncated or not a CIFAR-10 batch: its {length:N0} bytes are not a whole number of {RecordLength:N0}-byte records; extract cifar-10-binary.tar.gz again.");
        if (length > int.MaxValue)
            throw new CourseException($"'{path}' holds {length:N0} bytes, more than one read can hold; CIFAR-10 batches hold 30,730,000.");

        using var scope = NewDisposeScope();
        long count = length / RecordLength;
        var records = empty([count, RecordLength], uint8);
        try
        {
            using var file = File.OpenRead(path);
            file.ReadExactly(records.bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CourseException($"'{path}' cannot be read ({e.Message}); extract cifar-10-binary.tar.gz again.", e);
        }
        var labels = records.select(1, 0).to(int64);
        long largest = labels.max().item<long>();
        if (largest >= TextLabels.Count)
            throw new CourseException($"'{path}' is not a CIFAR-10 batch: it holds label {largest} where labels run from 0 to 9.");
        var images = records.narrow(1, 1, RecordLength - 1).reshape(count, Channels, ImageSize, ImageSize).contiguous();
        return (images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Writes images, uint8 (N, 3, 32, 32), and labels (N, any integer type, 0–9) as one batch file in the binary format,
    /// e.g. to make a small CIFAR-format data set.
    /// </summary>
    public static void WriteBatch(string path, Tensor images, Tensor labels)
    {
        if (images.dtype != ScalarType.Byte || images.dim() != 4 || images.shape[1] != Channels || images.shape[2] != ImageSize || images.shape[3] != ImageSize)
            throw new ArgumentException($"CIFAR-10 images are uint8 (N, 3, 32, 32), not {images.dtype} ({string.Join(", ", images.shape)}).", nameof(images));
        if (labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new ArgumentException($"There must be one label per image: {images.shape[0]} images, labels of shape ({string.Join(", ", labels.shape)}).", nameof(labels));
        using var scope = NewDisposeScope();
        var labelBytes = labels.cpu().to(int64);
        if (labelBytes.numel() > 0 && (labelBytes.min().item<long>() < 0 || labelBytes.max().item<long>() >= TextLabels.Count))
            throw new ArgumentException("CIFAR-10 labels run from 0 to 9.", nameof(labels));
        var records = cat([labelBytes.to(uint8).unsqueeze(1), images.cpu().reshape(images.shape[0], -1)], 1).contiguous();
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        File.WriteAllBytes(path, records.bytes.ToArray());
    }

    /// <summary>
    /// A shuffled training loader and an ordered test loader, like <c>load_data_fashion_mnist</c>: each batch is
    /// converted to float32 in [0, 1] and then goes through <paramref name="trainTransform"/> or
    /// <paramref name="testTransform"/> (e.g. <see cref="Normalize"/>); <paramref name="limit"/> keeps the first N examples.
    /// </summary>
    public (ArrayLoader Train, ArrayLoader Test) Loaders(int batchSize, ITransform? trainTransform = null, ITransform? testTransform = null,
        int? limit = null, long seed = 0)
    {
        var toFloat = new ConvertImageDtype();
        ITransform train = trainTransform is null ? toFloat : new Compose(toFloat, trainTransform);
        ITransform test = testTransform is null ? toFloat : new Compose(toFloat, testTransform);
        return (
            new ArrayLoader(First(TrainImages, limit), First(TrainLabels, limit), batchSize, shuffle: true, seed, train.Apply),
            new ArrayLoader(First(TestImages, limit), First(TestLabels, limit), batchSize, shuffle: false, seed, test.Apply));
    }

    private static Tensor First(Tensor tensor, int? limit) =>
        limit is { } n && n < tensor.shape[0] ? tensor.narrow(0, 0, n) : tensor;
}
