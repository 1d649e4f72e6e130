using System.Globalization;
using Course.Core.Runtime;
using Microsoft.Data.Analysis;
using static TorchSharp.torch;

namespace Course.Core.Data;

/// <summary>
/// The pandas steps of 2.2 and 4.10 on Microsoft.Data.Analysis data frames: <c>read_csv</c> with pandas'
/// missing-value markers, <c>fillna(mean)</c>, <c>get_dummies(dummy_na=True)</c> and the conversion to a tensor.
/// </summary>
public static class DataFrames
{
    /// <summary>The field values pandas reads as missing by default that d2l's files use.</summary>
    public static IReadOnlySet<string> MissingMarkers { get; } = new HashSet<string>(["", "NA", "NaN", "nan", "N/A", "NULL", "null"]);

    /// <summary>
    /// pandas' <c>read_csv</c> for simple comma-separated files (no quoted commas): a column whose present values all
    /// parse as numbers becomes a double column, any other a string column; missing markers become nulls.
    /// </summary>
    public static DataFrame LoadCsv(string path)
    {
        var (header, rows) = ReadCsv(path);
        return FromRows(header, rows);
    }

    /// <summary>
    /// The header and the rows of a simple CSV file, with missing markers as nulls. An empty file, a row whose field
    /// count differs from the header's, or a number too large for a double is a <see cref="CourseException"/> naming
    /// the line.
    /// </summary>
    public static (string[] Header, string?[][] Rows) ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Select((text, i) => (Text: text, Number: i + 1)).Where(l => l.Text.Length > 0).ToArray();
        if (lines.Length == 0) throw new CourseException($"'{path}' is empty; it should start with a header line.");
        string[] header = lines[0].Text.Split(',');
        var rows = new string?[lines.Length - 1][];
        for (int r = 1; r < lines.Length; r++)
        {
            string?[] fields = lines[r].Text.Split(',').Select(f => MissingMarkers.Contains(f) ? null : f).ToArray();
            if (fields.Length != header.Length)
                throw new CourseException($"'{path}' line {lines[r].Number} has {fields.Length} fields where the header has {header.Length}; fix the file, or delete it and run `course data` again.");
            if (fields.FirstOrDefault(f => double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && !double.IsFinite(v)) is { } huge)
                throw new CourseException($"'{path}' line {lines[r].Number} holds the number '{huge}', too large for a double; fix the file.");
            rows[r - 1] = fields;
        }
        return (header, rows);
    }

    /// <summary>A frame from rows of fields: numeric columns (every present value a number) become doubles, the rest strings.</summary>
    public static DataFrame FromRows(IReadOnlyList<string> header, IReadOnlyList<string?[]> rows)
    {
        var columns = new List<DataFrameColumn>();
        for (int c = 0; c < header.Count; c++)
        {
            string?[] values = rows.Select(r => r[c]).ToArray();
            bool numeric = values.All(v => v is null || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
            columns.Add(numeric
                ? new DoubleDataFrameColumn(header[c], values.Select(v => v is null ? (double?)null : double.Parse(v, CultureInfo.InvariantCulture)))
                : new StringDataFrameColumn(header[c], values));
        }
        return new DataFrame(columns);
    }

    /// <summary>
    /// pandas' <c>(x - x.mean()) / x.std()</c> on every numeric column: zero mean and unit sample standard deviation
    /// over the present values; missing values stay missing.
    /// </summary>
    public static DataFrame Standardize(DataFrame frame)
    {
        var result = frame.Clone();
        foreach (var column in result.Columns.OfType<DoubleDataFrameColumn>())
        {
            double[] present = column.Where(v => v.HasValue).Select(v => v!.Value).ToArray();
            if (present.Length < 2) continue;
            double mean = present.Average();
            double std = Math.Sqrt(present.Sum(v => (v - mean) * (v - mean)) / (present.Length - 1));
            for (long i = 0; i < column.Length; i++)
                if (column[i] is { } v) column[i] = std > 0 ? (v - mean) / std : 0;
        }
        return result;
    }

    /// <summary>pandas' <c>fillna(value)</c> on every numeric column.</summary>
    public static DataFrame FillNumeric(DataFrame frame, double value)
    {
        var filled = frame.Clone();
        foreach (var column in filled.Columns.OfType<DoubleDataFrameColumn>()) column.FillNulls(value, inPlace: true);
        return filled;
    }

    /// <summary>pandas' <c>fillna(df.mean())</c>: each numeric column's missing values become the mean of its present ones.</summary>
    public static DataFrame FillNumericWithMean(DataFrame frame)
    {
        var filled = frame.Clone();
        foreach (var column in filled.Columns.OfType<DoubleDataFrameColumn>())
        {
            if (column.NullCount > 0 && column.NullCount < column.Length) column.FillNulls(column.Mean(), inPlace: true);
        }
        return filled;
    }

    /// <summary>
    /// pandas' <c>get_dummies(df, dummy_na=True)</c>: every string column becomes one 0/1 column per category, in sorted
    /// order, named <c>column_category</c>, plus <c>column_nan</c> for missing values; numeric columns stay as they are.
    /// </summary>
    public static DataFrame OneHot(DataFrame frame)
    {
        var columns = new List<DataFrameColumn>();
        foreach (var column in frame.Columns)
        {
            if (column is not StringDataFrameColumn text)
            {
                columns.Add(column.Clone());
                continue;
            }
            string?[] values = Enumerable.Range(0, (int)text.Length).Select(i => text[i]).ToArray();
            foreach (string category in values.OfType<string>().Distinct().Order(StringComparer.Ordinal))
                columns.Add(new DoubleDataFrameColumn($"{text.Name}_{category}", values.Select(v => v == category ? 1.0 : 0.0)));
            columns.Add(new DoubleDataFrameColumn($"{text.Name}_nan", values.Select(v => v is null ? 1.0 : 0.0)));
        }
        return new DataFrame(columns);
    }

    /// <summary><c>torch.tensor(df.values)</c>: a (rows, columns) float64 tensor of an all-numeric frame; missing values become NaN.</summary>
    public static Tensor ToTensor(DataFrame frame)
    {
        int rows = (int)frame.Rows.Count, cols = frame.Columns.Count;
        double[] values = new double[rows * cols];
        for (int c = 0; c < cols; c++)
        {
            if (frame.Columns[c] is not DoubleDataFrameColumn column)
                throw new ArgumentException($"Column '{frame.Columns[c].Name}' is not numeric; one-hot encode it first.");
            for (int r = 0; r < rows; r++) values[r * cols + c] = column[r] ?? double.NaN;
        }
        return tensor(values, [rows, cols], float64);
    }
}
