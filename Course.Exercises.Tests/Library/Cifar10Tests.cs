using Course.Core.Data;
using Course.Core.Runtime;
using Course.Exercises.Data;
using Course.Exercises.Vision;
using Course.Tests;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.Library;

public sealed class Cifar10Tests
{
    /// <summary>One record written byte by byte: the label, then the R, G and B planes, each row by row.</summary>
    private static byte[] Record(byte label, Func<int, int, int, byte> pixel)
    {
        var bytes = new List<byte> { label };
        for (int c = 0; c < 3; c++)
            for (int h = 0; h < 32; h++)
                for (int w = 0; w < 32; w++)
                    bytes.Add(pixel(c, h, w));
        return [.. bytes];
    }

    private static string Folder(int perFile = 2)
    {
        string folder = Path.Combine(TestEnvironment.TempFolder(), Cifar10.FolderName);
        Directory.CreateDirectory(folder);
        int file = 0;
        foreach (string name in Cifar10.TrainFiles.Append(Cifar10.TestFile))
        {
            int f = file++;
            File.WriteAllBytes(Path.Combine(folder, name), [.. Enumerable.Range(0, perFile).SelectMany(i => Record((byte)((f + i) % 10), (c, h, w) => (byte)(f * 10 + c)))]);
        }
        return folder;
    }

    [Test]
    public void ReadsTheBinaryLayout()
    {
        string path = Path.Combine(TestEnvironment.TempFolder(), "batch.bin");
        File.WriteAllBytes(path, [.. Record(7, (c, h, w) => (byte)(c * 100 + (h == 1 && w == 2 ? 7 : 0))), .. Record(3, (c, h, w) => (byte)(h + w))]);
        var (images, labels) = Cifar10.ReadBatch(path);
        Assert.That(images.shape, Is.EqualTo(new long[] { 2, 3, 32, 32 }));
        Assert.That(images.dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(labels.dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(labels.data<long>().ToArray(), Is.EqualTo(new long[] { 7, 3 }));
        Assert.That(images[0, 0, 0, 0].item<byte>(), Is.EqualTo(0));
        Assert.That(images[0, 1, 5, 5].item<byte>(), Is.EqualTo(100), "green plane second");
        Assert.That(images[0, 2, 1, 2].item<byte>(), Is.EqualTo(207), "blue plane third, row 1, column 2");
        Assert.That(images[1, 0, 4, 30].item<byte>(), Is.EqualTo(34), "rows then columns");
    }

    [Test]
    public void WriteBatchRoundTrips()
    {
        manual_seed(0);
        var images = randint(0, 256, [5, 3, 32, 32], uint8);
        var labels = tensor(new long[] { 0, 9, 4, 4, 1 });
        string path = Path.Combine(TestEnvironment.TempFolder(), "sub", "data_batch_1.bin");
        Cifar10.WriteBatch(path, images, labels);
        Assert.That(new FileInfo(path).Length, Is.EqualTo(5 * Cifar10.RecordLength));
        var (read, readLabels) = Cifar10.ReadBatch(path);
        Assert.That(read.equal(images).all().item<bool>());
        Assert.That(readLabels.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 9, 4, 4, 1 }));
        Assert.That(() => Cifar10.WriteBatch(path, zeros(1, 3, 32, 32), labels.narrow(0, 0, 1)), Throws.ArgumentException, "float images");
        Assert.That(() => Cifar10.WriteBatch(path, images, labels.narrow(0, 0, 4)), Throws.ArgumentException, "one label per image");
        Assert.That(() => Cifar10.WriteBatch(path, images, labels + 1), Throws.ArgumentException, "label 10");
    }

    [Test]
    public void LoadsTheSixFilesInOrder()
    {
        string folder = Folder();
        foreach (string where in new[] { folder, Path.GetDirectoryName(folder)! })
        {
            var data = Cifar10.Load(where);
            Assert.That(data.TrainImages.shape, Is.EqualTo(new long[] { 10, 3, 32, 32 }));
            Assert.That(data.TestImages.shape, Is.EqualTo(new long[] { 2, 3, 32, 32 }));
            Assert.That(data.TrainLabels.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 1, 1, 2, 2, 3, 3, 4, 4, 5 }));
            Assert.That(data.TrainImages[9, 2, 0, 0].item<byte>(), Is.EqualTo(42), "data_batch_5's blue plane");
            Assert.That(data.TestImages[0, 0, 0, 0].item<byte>(), Is.EqualTo(50));
        }
        var store = new DataStore([Path.GetDirectoryName(folder)!], TestEnvironment.TempFolder(), allowDownload: false);
        Assert.That(Cifar10.Load(store).TestLabels.data<long>().ToArray(), Is.EqualTo(new long[] { 5, 6 }));
    }

    [Test]
    public void LoadersConvertToFloatAndTransform()
    {
        var data = Cifar10.Load(Folder(perFile: 3));
        var (train, test) = data.Loaders(batchSize: 4, testTransform: new Normalize([0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]), limit: 10);
        Assert.That(train.Count, Is.EqualTo(10));
        Assert.That(train.Shuffles);
        Assert.That(test.Shuffles, Is.False);
        var (x, y) = train.First();
        Assert.That(x.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(x.shape, Is.EqualTo(new long[] { 4, 3, 32, 32 }));
        Assert.That(x.max().item<float>(), Is.LessThanOrEqualTo(1f));
        Assert.That(y.dtype, Is.EqualTo(ScalarType.Int64));
        var (testX, _) = test.First();
        Assert.That(testX[0, 0, 0, 0].item<float>(), Is.EqualTo((50 / 255f - 0.5f) / 0.5f).Within(1e-6), "normalised");
    }

    [Test]
    public void AMissingFolderIsOneSentence()
    {
        string empty = TestEnvironment.TempFolder();
        Assert.That(() => Cifar10.Load(empty), Throws.TypeOf<CourseException>().With.Message.Contains("CIFAR-10 was not found").And.Message.Contains("cifar-10-binary.tar.gz"));
        Assert.That(() => Cifar10.Load(Path.Combine(empty, "nowhere")), Throws.TypeOf<CourseException>());
        var store = new DataStore([empty], empty, allowDownload: false);
        Assert.That(() => Cifar10.Load(store), Throws.TypeOf<CourseException>().With.Message.Contains("CIFAR-10 was not found"));
        string folder = Folder();
        File.Delete(Path.Combine(folder, "data_batch_3.bin"));
        Assert.That(() => Cifar10.Load(folder), Throws.TypeOf<CourseException>().With.Message.Contains("data_batch_3.bin missing"));
    }

    [Test]
    public void ATruncatedFileIsOneSentence()
    {
        string folder = Folder();
        string path = Path.Combine(folder, Cifar10.TestFile);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^100]);
        Assert.That(() => Cifar10.Load(folder), Throws.TypeOf<CourseException>().With.Message.Contains("truncated").And.Message.Contains(path));
        File.WriteAllBytes(path, []);
        Assert.That(() => Cifar10.ReadBatch(path), Throws.TypeOf<CourseException>().With.Message.Contains("truncated"));
        bytes[0] = 12;
        File.WriteAllBytes(path, bytes);
        Assert.That(() => Cifar10.ReadBatch(path), Throws.TypeOf<CourseException>().With.Message.Contains("label 12"));
    }
}
