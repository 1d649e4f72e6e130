using Course.Core.Data;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Data;

public sealed class ArrayLoaderTests
{
    private static long[] Order(ArrayLoader loader)
    {
        using var scope = NewDisposeScope();
        return loader.SelectMany(b => b.Y.data<long>().ToArray()).ToArray();
    }

    [Test]
    public void ShuffledEpochsCoverEveryExampleOnceAndDiffer()
    {
        var loader = new ArrayLoader(arange(100).reshape(100, 1), arange(100), 7, shuffle: true, seed: 1);
        long[] first = Order(loader), second = Order(loader);
        Assert.That(first.Order(), Is.EqualTo(Enumerable.Range(0, 100).Select(i => (long)i)));
        Assert.That(second.Order(), Is.EqualTo(Enumerable.Range(0, 100).Select(i => (long)i)));
        Assert.That(first, Is.Not.EqualTo(second));
    }

    [Test]
    public void TheSameSeedGivesTheSameOrder()
    {
        long[] a = Order(new ArrayLoader(arange(50).reshape(50, 1), arange(50), 8, shuffle: true, seed: 7));
        long[] b = Order(new ArrayLoader(arange(50).reshape(50, 1), arange(50), 8, shuffle: true, seed: 7));
        Assert.That(a, Is.EqualTo(b));
    }

    [Test]
    public void UnshuffledBatchesKeepTheOrder()
    {
        var loader = new ArrayLoader(arange(10).reshape(10, 1), arange(10), 4, shuffle: false);
        Assert.That(Order(loader), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (long)i)));
        Assert.That(loader.BatchCount, Is.EqualTo(3));
    }

    [Test]
    public void MismatchedRowsAreRejected() =>
        Assert.That(() => new ArrayLoader(zeros(3, 2), zeros(4), 2, shuffle: false), Throws.ArgumentException);

    [Test]
    public void SyntheticDataFollowsTheLinearModel()
    {
        manual_seed(0);
        var (x, y) = SyntheticData.Linear(tensor(new[] { 2f, -3.4f }), 4.2, 1000);
        Assert.That(x.shape, Is.EqualTo(new long[] { 1000, 2 }));
        Assert.That(y.shape, Is.EqualTo(new long[] { 1000, 1 }));
        using var residual = y - (matmul(x, tensor(new[] { 2f, -3.4f })).reshape(-1, 1) + 4.2);
        Assert.That(residual.std().item<float>(), Is.EqualTo(0.01).Within(0.002));
    }
}
