using Course.Chapters.Ch04_MultilayerPerceptrons;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>4.10 on the real Kaggle CSVs.</summary>
public sealed class KaggleHouseTests
{
    private static HouseData Data => KaggleHousePrices.Load(TestEnvironment.Data);

    [Test]
    public void PreprocessingGivesThe331FeaturesOfTheBook()
    {
        var data = Data;
        Assert.That(data.TrainFeatures.shape, Is.EqualTo(new long[] { 1460, 331 }));
        Assert.That(data.TestFeatures.shape, Is.EqualTo(new long[] { 1459, 331 }));
        Assert.That(data.TrainLabels.shape, Is.EqualTo(new long[] { 1460, 1 }));
        Assert.That(data.FeatureNames, Does.Contain("MSZoning_RL").And.Contain("MSZoning_nan").And.Contain("LotFrontage"));
        Assert.That(data.FeatureNames, Does.Not.Contain("Id").And.Not.Contain("SalePrice"));
        Assert.That(data.TestIds[0], Is.EqualTo("1461"));
        Assert.That(data.TrainLabels[0, 0].item<float>(), Is.EqualTo(208500f));

        // Standardised over train and test together; missing values became 0 (the mean).
        using var lotArea = cat([data.TrainFeatures, data.TestFeatures], 0)[TensorIndex.Colon, data.FeatureNames.ToList().IndexOf("LotArea")];
        Assert.That(lotArea.mean().item<float>(), Is.EqualTo(0f).Within(1e-5));
        Assert.That(lotArea.std().item<float>(), Is.EqualTo(1f).Within(1e-4));
        Assert.That(isnan(data.TrainFeatures).any().item<bool>(), Is.False);
    }

    [Test]
    public void KFoldSplitsIntoDisjointFolds()
    {
        using var x = arange(1460).reshape(-1, 1);
        for (int i = 0; i < 5; i++)
        {
            var (trainX, trainY, validX, validY) = KaggleHousePrices.KFoldData(5, i, x, x);
            Assert.That(trainX.shape[0], Is.EqualTo(1168));
            Assert.That(validX.shape[0], Is.EqualTo(292));
            Assert.That(validY.data<long>().First(), Is.EqualTo(292L * i));
            Assert.That(trainY.data<long>().Intersect(validY.data<long>()), Is.Empty);
        }
        Assert.That(() => KaggleHousePrices.KFoldData(1, 0, x, x), Throws.TypeOf<CourseException>());
    }

    [Test]
    [Category("Slow")]
    public void TheBooksRunValidatesAtTheBooksErrorAndWritesASubmission()
    {
        var result = SectionRunner.Run("kaggle-house", TestEnvironment.Options(), TextWriter.Null);
        Assert.That(result.Metrics["mean_valid_log_rmse"], Is.LessThanOrEqualTo(0.175));
        string[] submission = File.ReadAllLines(Path.Combine(result.OutputDirectory, "submission.csv"));
        Assert.That(submission[0], Is.EqualTo("Id,SalePrice"));
        Assert.That(submission, Has.Length.EqualTo(1460));
        Assert.That(submission[1], Does.Match(@"^1461,\d+(\.\d+)?$"));
        Assert.That(submission[^1], Does.StartWith("2919,"));
    }

    [Test]
    public void TheDeeperNetHasFiveHiddenLayersOf30()
    {
        var net = KaggleHousePricesDeep.Net(331);
        Assert.That(net.parameters().Sum(p => p.numel()), Is.EqualTo(331 * 30 + 30 + 4 * (30 * 30 + 30) + 31));
        Assert.That(net.call(zeros(2, 331)).shape, Is.EqualTo(new long[] { 2, 1 }));
    }
}
