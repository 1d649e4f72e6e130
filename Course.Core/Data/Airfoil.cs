using System.Globalization;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Core.Data;

/// <summary>
/// The airfoil self-noise data set as d2l's <c>get_data_ch11</c> reads it (11.5): five features (frequency, angle of
/// attack, chord length, free-stream velocity, suction-side displacement thickness) and the scaled sound pressure.
/// </summary>
public static class Airfoil
{
    /// <summary>The number of features.</summary>
    public const int FeatureDim = 5;

    /// <summary>
    /// d2l's <c>get_data_ch11(batch_size=10, n=1500)</c>: every column, the target included, standardised with the mean
    /// and population standard deviation of all 1,503 rows (in float32), then the first <paramref name="n"/> rows as
    /// (features (n, 5), labels (n)) in a shuffling loader of <paramref name="batchSize"/>; and the feature count.
    /// </summary>
    public static (ArrayLoader DataIter, int FeatureDim) GetDataCh11(DataStore store, int batchSize = 10, int n = 1500, long seed = 0)
    {
        using var scope = NewDisposeScope();
        var data = Read(store);
        data = (data - data.mean([0])) / data.std(0, unbiased: false);
        if (n > data.shape[0])
            throw new CourseException($"The airfoil data set has {data.shape[0]} rows, fewer than the {n} asked for.");
        var features = data[..n, ..FeatureDim].contiguous();
        var labels = data[..n, FeatureDim].contiguous();
        scope.MoveToOuter(features, labels);
        return (new ArrayLoader(features, labels, batchSize, shuffle: true, seed), FeatureDim);
    }

    /// <summary>The verified file as a (1503, 6) float32 tensor; a row that is not six numbers is one sentence.</summary>
    public static Tensor Read(DataStore store)
    {
        string path = store.Resolve(DataHub.Airfoil);
        var lines = File.ReadAllLines(path).Where(line => line.Trim().Length > 0).ToArray();
        var values = new float[lines.Length * (FeatureDim + 1)];
        for (int row = 0; row < lines.Length; row++)
        {
            string[] fields = lines[row].Trim().Split('\t');
            if (fields.Length != FeatureDim + 1)
                throw new CourseException($"{DataHub.Airfoil.Name}: line {row + 1} of '{path}' has {fields.Length} fields, not {FeatureDim + 1}; delete it and run `course data` again.");
            for (int column = 0; column < fields.Length; column++)
            {
                if (!float.TryParse(fields[column], NumberStyles.Float, CultureInfo.InvariantCulture, out values[row * fields.Length + column]))
                    throw new CourseException($"{DataHub.Airfoil.Name}: line {row + 1} of '{path}' holds '{fields[column]}', not a number; delete it and run `course data` again.");
            }
        }
        return tensor(values, [lines.Length, FeatureDim + 1]);
    }
}
