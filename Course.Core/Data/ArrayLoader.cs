using System.Collections;
using static TorchSharp.torch;

namespace Course.Core.Data;

/// <summary>
/// Minibatches over tensors held in memory (d2l's <c>load_array</c>, 3.3, and the loaders of
/// <c>load_data_fashion_mnist</c>, 3.5): a batch is an index into the contiguous tensors, never a per-sample copy.
/// A shuffling loader draws a new order each epoch from its own seeded generator. An optional transform (e.g. a
/// resize, as torchvision's transforms run in d2l's <c>DataLoader</c>) runs on each batch. Batches are CPU tensors:
/// the training core moves them to the run's device. The caller owns each yielded batch.
/// </summary>
public sealed class ArrayLoader : IEnumerable<(Tensor X, Tensor Y)>, IEpochOrder
{
    private readonly Tensor _features;
    private readonly Tensor _labels;
    private readonly Generator? _generator;
    private readonly Func<Tensor, Tensor>? _transform;

    /// <summary>Batches of <paramref name="batchSize"/> over the first dimension of the two tensors.</summary>
    public ArrayLoader(Tensor features, Tensor labels, int batchSize, bool shuffle, long seed = 0,
        Func<Tensor, Tensor>? transform = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (features.shape[0] != labels.shape[0])
            throw new ArgumentException($"features have {features.shape[0]} rows but labels have {labels.shape[0]}.");
        _features = features;
        _labels = labels;
        BatchSize = batchSize;
        _generator = shuffle ? new Generator(unchecked((ulong)seed)) : null;
        _transform = transform;
    }

    /// <summary>Examples per batch (the last batch may be smaller).</summary>
    public int BatchSize { get; }

    /// <summary>Number of examples.</summary>
    public int Count => (int)_features.shape[0];

    /// <summary>Number of batches per epoch.</summary>
    public int BatchCount => (Count + BatchSize - 1) / BatchSize;

    /// <summary>Whether each epoch visits the examples in a new random order.</summary>
    public bool Shuffles => _generator is not null;

    /// <summary>One epoch of batches.</summary>
    public IEnumerator<(Tensor X, Tensor Y)> GetEnumerator()
    {
        using var order = _generator is null ? null : randperm(Count, generator: _generator);
        for (int start = 0; start < Count; start += BatchSize)
        {
            int length = Math.Min(BatchSize, Count - start);
            yield return order is null ? Batch(start, length) : Batch(order.narrow(0, start, length));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The same examples and batches in their stored order, for evaluating over the whole set without drawing from
    /// this loader's generator (so a resumed run's order stays the same).
    /// </summary>
    public ArrayLoader InOrder() => new(_features, _labels, BatchSize, shuffle: false, transform: _transform);

    /// <inheritdoc />
    public void SkipEpochs(int epochs)
    {
        if (_generator is null) return;
        for (int i = 0; i < epochs; i++) randperm(Count, generator: _generator).Dispose();
    }

    private (Tensor X, Tensor Y) Batch(int start, int length)
    {
        using var scope = NewDisposeScope();
        return Finish(_features.narrow(0, start, length), _labels.narrow(0, start, length), scope);
    }

    private (Tensor X, Tensor Y) Batch(Tensor indices)
    {
        using var scope = NewDisposeScope();
        return Finish(_features.index_select(0, indices), _labels.index_select(0, indices), scope);
    }

    private (Tensor X, Tensor Y) Finish(Tensor x, Tensor y, TorchSharp.DisposeScope scope)
    {
        if (_transform is not null) x = _transform(x);
        return scope.MoveToOuter(x, y);
    }
}
