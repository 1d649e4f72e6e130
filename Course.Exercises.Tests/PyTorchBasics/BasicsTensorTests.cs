using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.PyTorchBasics;

/// <summary>PyTorch basics, part 1: the tensor exercises 1–12.</summary>
public sealed class BasicsTensorTests
{
    private static (Tensor U, Tensor V) TwoRandomMatrices()
    {
        manual_seed(4);
        return (rand(4, 4), rand(4, 4));
    }

    [Test]
    public void ANestedListBecomesAnInt64Tensor()
    {
        using var t = tensor(new long[,] { { 5, 3 }, { 0, 9 } });
        Assert.That(t.shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(t.dtype, Is.EqualTo(ScalarType.Int64), "Python ints become int64");
        Assert.That(NotesCheck.Longs(t), Is.EqualTo(new long[] { 5, 3, 0, 9 }));
        Assert.That(t[1, 1].item<long>(), Is.EqualTo(9L));
    }

    [Test]
    public void RandIsUniformOnZeroToOne()
    {
        manual_seed(1);
        using var t = rand(5, 4);
        Assert.That(t.shape, Is.EqualTo(new long[] { 5, 4 }));
        Assert.That(NotesCheck.Floats(t), Is.All.InRange(0f, 1f).And.All.Not.EqualTo(1f));
        using var many = rand(100_000);
        Assert.That(many.mean().item<float>(), Is.EqualTo(0.5f).Within(0.01));
    }

    [Test]
    public void ANewTensorIsFloat32OnTheCpu()
    {
        using var t = rand(5, 4);
        Assert.That(t.device_type, Is.EqualTo(DeviceType.CPU));
        Assert.That(t.dtype, Is.EqualTo(ScalarType.Float32));
    }

    [Test]
    public void CatJoinsAlongAnExistingAxis()
    {
        var (u, v) = TwoRandomMatrices();
        var joined = cat([u, v], 0);
        Assert.That(joined.shape, Is.EqualTo(new long[] { 8, 4 }));
        Assert.That(joined.narrow(0, 4, 4).equal(v).all().item<bool>());
    }

    [Test]
    public void StackAddsANewAxisInFront()
    {
        var (u, v) = TwoRandomMatrices();
        var stacked = stack([u, v]);
        Assert.That(stacked.shape, Is.EqualTo(new long[] { 2, 4, 4 }));
        Assert.That(stacked[0].equal(u).all().item<bool>() && stacked[1].equal(v).all().item<bool>());
    }

    [Test]
    public void StackOnTheLastAxisPairsTheElements()
    {
        var (u, v) = TwoRandomMatrices();
        var w = stack([u, v], dim: 2);
        Assert.That(w.shape, Is.EqualTo(new long[] { 4, 4, 2 }));
        Assert.That(w[TensorIndex.Ellipsis, 0].equal(u).all().item<bool>());
        Assert.That(w[TensorIndex.Ellipsis, 1].equal(v).all().item<bool>());
    }

    [Test]
    public void IndexingEveryAxisGivesAZeroDimensionalTensor()
    {
        var (u, v) = TwoRandomMatrices();
        var e = stack([u, v], dim: 2)[3, 3, 0];
        Assert.That(e.shape, Is.Empty, "a 0-d tensor; e.item() gives the number");
        Assert.That(e.item<float>(), Is.EqualTo(u[3, 3].item<float>()));
    }

    [Test]
    public void TheElementComesFromU()
    {
        var (u, v) = TwoRandomMatrices();
        var e = stack([u, v], dim: 2)[3, 3, 0];
        Assert.That(e.equal(u[3, 3]).item<bool>(), "index 0 of the last axis is u");
        Assert.That(e.equal(v[3, 3]).item<bool>(), Is.False);
    }

    [Test]
    public void SelfMultiplicationIsElementwise()
    {
        using var a = ones(4, 3);
        var squared = a * a;
        Assert.That(squared.shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(NotesCheck.Floats(squared), Is.All.EqualTo(1f));
        a.mul_(a);
        Assert.That(NotesCheck.Floats(a), Is.All.EqualTo(1f), "in place too");
    }

    [Test]
    public void UnsqueezeAddsADimensionInFront()
    {
        using var a = ones(4, 3);
        Assert.That(a.unsqueeze(0).shape, Is.EqualTo(new long[] { 1, 4, 3 }));
        Assert.That(a[TensorIndex.None].shape, Is.EqualTo(new long[] { 1, 4, 3 }), "a[None]");
    }

    [Test]
    public void AMatrixTimesItsTranspose()
    {
        using var a = ones(4, 3);
        var product = a.matmul(a.T);
        Assert.That(product.shape, Is.EqualTo(new long[] { 4, 4 }));
        Assert.That(NotesCheck.Floats(product), Is.All.EqualTo(3f), "each entry sums three 1·1");
        var batched = a.unsqueeze(0);
        var batchedProduct = batched.matmul(batched.transpose(-2, -1));
        Assert.That(batchedProduct.shape, Is.EqualTo(new long[] { 1, 4, 4 }), "after exercise 10: transpose the last two axes");
        Assert.That(a.T.matmul(a).shape, Is.EqualTo(new long[] { 3, 3 }), "the other order is another matrix");
    }

    [Test]
    public void MulIsTheElementwiseProduct()
    {
        using var a = arange(12, dtype: float32).reshape(4, 3);
        var product = a.mul(a);
        Assert.That(product.shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(product.equal(a * a).all().item<bool>());
        Assert.That(NotesCheck.Floats(product), Is.EqualTo(Enumerable.Range(0, 12).Select(i => (float)(i * i))));
    }
}
