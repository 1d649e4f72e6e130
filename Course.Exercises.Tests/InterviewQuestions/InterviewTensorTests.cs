using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 003: saving and resuming, convolution arithmetic, initialisation, tensors,
// losses (BCE, KL, focal), classification and clustering metrics, k-means, and the optimizers from scratch.
// The index (README.md, "002 and 003") maps every question to its test and records where the notes are wrong.

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
