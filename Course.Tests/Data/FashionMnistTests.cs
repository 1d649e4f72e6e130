using Course.Core.Data;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Data;

public sealed class FashionMnistTests
{
    private static FashionMnist Data => FashionMnist.Load(TestEnvironment.Data);

    [Test]
    public void HasTheBooksCountsAndShapes()
    {
        Assert.That(Data.TrainImages.shape, Is.EqualTo(new long[] { 60000, 1, 28, 28 }));
        Assert.That(Data.TestImages.shape, Is.EqualTo(new long[] { 10000, 1, 28, 28 }));
        Assert.That(Data.TrainImages.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(Data.TrainLabels.dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(Data.TrainImages.is_contiguous());
    }

    [Test]
    public void EveryClassHas6000TrainingAnd1000TestImages()
    {
        using var train = bincount(Data.TrainLabels);
        using var test = bincount(Data.TestLabels);
        Assert.That(train.data<long>().ToArray(), Is.EqualTo(Enumerable.Repeat(6000L, 10)));
        Assert.That(test.data<long>().ToArray(), Is.EqualTo(Enumerable.Repeat(1000L, 10)));
    }

    [Test]
    public void PixelsAreScaledToTheUnitInterval()
    {
        Assert.That(Data.TrainImages.min().item<float>(), Is.EqualTo(0f));
        Assert.That(Data.TrainImages.max().item<float>(), Is.EqualTo(1f));
    }

    [Test]
    public void TheFirstLabelsAreTheOnesTheNotesShow()
    {
        using var first = Data.TrainLabels.narrow(0, 0, 18);
        Assert.That(first.data<long>().ToArray(), Is.EqualTo(new long[] { 9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9, 5, 5, 7, 9, 1, 0 }));
        Assert.That(FashionMnist.GetLabels(first).Take(4), Is.EqualTo(new[] { "ankle boot", "t-shirt", "t-shirt", "dress" }));
    }

    [Test]
    public void LoadsOncePerProcess() => Assert.That(FashionMnist.Load(TestEnvironment.Data), Is.SameAs(Data));

    [Test]
    public void LoadersBatchLikeTheBook()
    {
        var (train, test) = Data.Loaders(256);
        Assert.That(train.BatchCount, Is.EqualTo(235));
        Assert.That(test.BatchCount, Is.EqualTo(40));
        Assert.That(train.Shuffles && !test.Shuffles);
        using var scope = NewDisposeScope();
        var batches = train.ToList();
        Assert.That(batches.Sum(b => b.Y.shape[0]), Is.EqualTo(60000));
        Assert.That(batches[^1].X.shape, Is.EqualTo(new long[] { 96, 1, 28, 28 }));
    }

    [Test]
    public void ResizeHappensPerBatch()
    {
        var (train, _) = Data.Loaders(32, resize: 64);
        using var scope = NewDisposeScope();
        var (x, y) = train.First();
        Assert.That(x.shape, Is.EqualTo(new long[] { 32, 1, 64, 64 }));
        Assert.That(x.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(y.dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(Data.TrainImages.shape[2], Is.EqualTo(28), "the data set itself is not resized");
    }

    [Test]
    public void LimitKeepsTheFirstExamples()
    {
        var (train, test) = Data.Loaders(100, limit: 1000);
        Assert.That(train.Count, Is.EqualTo(1000));
        Assert.That(test.Count, Is.EqualTo(1000));
    }
}
