using static TorchSharp.torch;

namespace Course.Core.Data;

/// <summary>Shuffled minibatches of (X, X valid length, Y, Y valid length) for d2l's machine translation (9.5).</summary>
public sealed class NmtLoader(Tensor source, Tensor sourceValid, Tensor target, Tensor targetValid, int batchSize, long seed)
    : IEnumerable<(Tensor X, Tensor XValidLength, Tensor Y, Tensor YValidLength)>, IEpochOrder, IDisposable
{
    private readonly Generator _generator = new(unchecked((ulong)seed));

    /// <summary>Number of sentence pairs.</summary>
    public int Count => (int)source.shape[0];

    /// <summary>One epoch of batches in a new random order.</summary>
    public IEnumerator<(Tensor X, Tensor XValidLength, Tensor Y, Tensor YValidLength)> GetEnumerator()
    {
        using var order = randperm(Count, generator: _generator);
        for (int start = 0; start < Count; start += batchSize)
        {
            using var index = order.narrow(0, start, Math.Min(batchSize, Count - start));
            yield return (source.index_select(0, index), sourceValid.index_select(0, index), target.index_select(0, index), targetValid.index_select(0, index));
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public void SkipEpochs(int epochs)
    {
        for (int i = 0; i < epochs; i++) randperm(Count, generator: _generator).Dispose();
    }

    /// <summary>Frees the loader's random generator.</summary>
    public void Dispose() => _generator.Dispose();
}
