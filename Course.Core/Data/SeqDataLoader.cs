using System.Collections;
using static TorchSharp.torch;

namespace Course.Core.Data;

/// <summary>
/// d2l's <c>SeqDataLoader</c> (8.3): minibatches of (inputs, labels shifted by one) of <c>numSteps</c> tokens from a
/// corpus, by random sampling (<c>seq_data_iter_random</c>: subsequences in random order, not adjacent between
/// batches) or sequential partitioning (<c>seq_data_iter_sequential</c>: batch i+1 continues batch i row by row).
/// Each epoch draws a new random offset (and order) from the loader's seeded <see cref="Random"/>.
/// </summary>
public sealed class SeqDataLoader : IEnumerable<(Tensor X, Tensor Y)>, IEpochOrder
{
    private readonly int[] _corpus;
    private readonly Random _random;

    /// <summary>A loader over <paramref name="corpus"/>.</summary>
    public SeqDataLoader(int[] corpus, int batchSize, int numSteps, bool useRandomIter, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numSteps, 1);
        _corpus = corpus;
        BatchSize = batchSize;
        NumSteps = numSteps;
        UseRandomIter = useRandomIter;
        _random = new Random(seed);
    }

    /// <summary>Sequences per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Tokens per sequence.</summary>
    public int NumSteps { get; }

    /// <summary>Random sampling (true) or sequential partitioning (false).</summary>
    public bool UseRandomIter { get; }

    /// <summary>One epoch of batches.</summary>
    public IEnumerator<(Tensor X, Tensor Y)> GetEnumerator() => (UseRandomIter
        ? RandomBatches(_corpus, BatchSize, NumSteps, _random.Next(NumSteps), Shuffled)
        : SequentialBatches(_corpus, BatchSize, NumSteps, _random.Next(NumSteps + 1))).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public void SkipEpochs(int epochs)
    {
        for (int i = 0; i < epochs; i++)
        {
            if (!UseRandomIter)
            {
                _random.Next(NumSteps + 1);
                continue;
            }
            int offset = _random.Next(NumSteps);
            Shuffled(new int[(_corpus.Length - offset - 1) / NumSteps]);
        }
    }

    /// <summary>
    /// <c>seq_data_iter_random</c> after its random choices: the corpus from <paramref name="offset"/>, cut into
    /// subsequences of <paramref name="numSteps"/> whose start indices <paramref name="shuffle"/> orders.
    /// </summary>
    public static IEnumerable<(Tensor X, Tensor Y)> RandomBatches(int[] corpus, int batchSize, int numSteps, int offset, Func<int[], int[]> shuffle)
    {
        int subsequences = (corpus.Length - offset - 1) / numSteps;
        int[] starts = shuffle(Enumerable.Range(0, subsequences).Select(i => offset + i * numSteps).ToArray());
        int batches = subsequences / batchSize;
        for (int b = 0; b < batches; b++)
        {
            var rows = starts.Skip(b * batchSize).Take(batchSize).ToArray();
            yield return (Rows(corpus, rows, numSteps), Rows(corpus, rows.Select(r => r + 1).ToArray(), numSteps));
        }
    }

    /// <summary><c>seq_data_iter_sequential</c> after its random offset: the corpus from <paramref name="offset"/> in <paramref name="batchSize"/> parallel rows.</summary>
    public static IEnumerable<(Tensor X, Tensor Y)> SequentialBatches(int[] corpus, int batchSize, int numSteps, int offset)
    {
        int tokens = (corpus.Length - offset - 1) / batchSize * batchSize;
        int rowLength = tokens / batchSize;
        for (int i = 0; i + numSteps <= rowLength; i += numSteps)
        {
            int column = i;
            var starts = Enumerable.Range(0, batchSize).Select(r => offset + r * rowLength + column).ToArray();
            yield return (Rows(corpus, starts, numSteps), Rows(corpus, starts.Select(s => s + 1).ToArray(), numSteps));
        }
    }

    private int[] Shuffled(int[] items)
    {
        _random.Shuffle(items);
        return items;
    }

    private static Tensor Rows(int[] corpus, int[] starts, int numSteps)
    {
        long[] values = new long[starts.Length * numSteps];
        for (int r = 0; r < starts.Length; r++)
            for (int t = 0; t < numSteps; t++) values[r * numSteps + t] = corpus[starts[r] + t];
        return tensor(values, [starts.Length, numSteps]);
    }
}
