namespace Course.Core.Training;

/// <summary>d2l's <c>Accumulator</c> (3.6): sums over <c>n</c> variables, e.g. (loss sum, correct predictions, examples).</summary>
public sealed class Accumulator(int n)
{
    private readonly double[] _data = new double[n];

    /// <summary>Adds each value to its variable.</summary>
    public void Add(params double[] values)
    {
        if (values.Length != _data.Length)
            throw new ArgumentException($"Accumulator holds {_data.Length} variables but {values.Length} values were added.");
        for (int i = 0; i < _data.Length; i++) _data[i] += values[i];
    }

    /// <summary>Sets every variable back to zero.</summary>
    public void Reset() => Array.Clear(_data);

    /// <summary>The sum of variable <paramref name="i"/>.</summary>
    public double this[int i] => _data[i];
}
