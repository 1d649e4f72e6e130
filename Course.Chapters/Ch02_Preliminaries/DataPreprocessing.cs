using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Chapters.Ch02_Preliminaries;

/// <summary>2.2 Data preprocessing: read a CSV with missing values, fill and one-hot encode it, turn it into tensors.</summary>
[Section("pandas", "2.2", "Data preprocessing", Dataset = "house_tiny.csv (made here)")]
public sealed class DataPreprocessing : ISection
{
    /// <summary>The four rows the book writes to <c>house_tiny.csv</c>.</summary>
    public const string HouseTiny = "NumRooms,Alley,Price\nNA,Pave,127500\n2,NA,106000\n4,NA,178100\nNA,NA,140000\n";

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        string file = ctx.Output.File("house_tiny.csv");
        File.WriteAllText(file, HouseTiny);
        var data = DataFrames.LoadCsv(file);
        ctx.Out.WriteLine($"read {Path.GetFileName(file)}:\n{data}");
        var (X, y) = Preprocess(data);
        ctx.Out.Show("X", X);
        ctx.Out.Show("y", y);
    }

    /// <summary>
    /// The book's steps: inputs are the first two columns, outputs the last; missing numbers take their column's
    /// mean, the category column is one-hot encoded with a NaN column; both become tensors.
    /// </summary>
    public static (Tensor X, Tensor Y) Preprocess(Microsoft.Data.Analysis.DataFrame data)
    {
        var inputs = new Microsoft.Data.Analysis.DataFrame(data.Columns.Take(2).Select(c => c.Clone()));
        var outputs = new Microsoft.Data.Analysis.DataFrame(data.Columns.Skip(2).Select(c => c.Clone()));
        inputs = DataFrames.OneHot(DataFrames.FillNumericWithMean(inputs));
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(DataFrames.ToTensor(inputs), DataFrames.ToTensor(outputs).reshape(-1).to(int64));
    }
}
