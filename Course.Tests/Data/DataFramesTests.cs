using Course.Chapters.Ch02_Preliminaries;
using Course.Core.Data;
using NUnit.Framework;

namespace Course.Tests.Data;

public sealed class DataFramesTests
{
    [Test]
    public void HouseTinyBecomesTheBooksTensors()
    {
        string file = Path.Combine(TestEnvironment.TempFolder(), "house_tiny.csv");
        File.WriteAllText(file, DataPreprocessing.HouseTiny);
        var frame = DataFrames.LoadCsv(file);
        Assert.That(frame["NumRooms"].NullCount, Is.EqualTo(2));
        Assert.That(frame["Alley"].NullCount, Is.EqualTo(3));

        var (x, y) = DataPreprocessing.Preprocess(frame);
        Assert.That(x.shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(x.data<double>().ToArray(), Is.EqualTo(new double[] { 3, 1, 0, 2, 0, 1, 4, 0, 1, 3, 0, 1 }));
        Assert.That(y.data<long>().ToArray(), Is.EqualTo(new long[] { 127500, 106000, 178100, 140000 }));
    }

    [Test]
    public void OneHotNamesColumnsLikePandas()
    {
        string file = Path.Combine(TestEnvironment.TempFolder(), "t.csv");
        File.WriteAllText(file, "a,kind\n1,y\n2,NA\n3,x\n");
        var encoded = DataFrames.OneHot(DataFrames.LoadCsv(file));
        Assert.That(encoded.Columns.Select(c => c.Name), Is.EqualTo(new[] { "a", "kind_x", "kind_y", "kind_nan" }));
    }
}
