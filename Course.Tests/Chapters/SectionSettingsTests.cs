using Course.Chapters.Ch04_MultilayerPerceptrons;
using Course.Chapters.Ch06_ConvolutionalNetworks;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using NUnit.Framework;

namespace Course.Tests.Chapters;

/// <summary>
/// A section's settings record is its options: the command line binds by name, checks each value, refuses an option
/// the section does not have, and every value the section runs with is its record's (the book's unless given).
/// </summary>
public sealed class SectionSettingsTests
{
    private static SectionSettings LeNet => SectionCatalog.Find("lenet").Settings!;

    [Test]
    public void TheBooksValuesAreTheDefaults()
    {
        var settings = (LeNetSection.Settings)LeNet.Bind(new Dictionary<string, string>());
        Assert.That(settings, Is.EqualTo(new LeNetSection.Settings(Epochs: 10, BatchSize: 256, Lr: 0.9, Limit: null)));
        Assert.That(LeNet.Values(settings), Is.EqualTo(new Dictionary<string, object> { ["epochs"] = 10, ["batch_size"] = 256, ["lr"] = 0.9 }));
    }

    [Test]
    public void OptionsBindByName()
    {
        var settings = (LeNetSection.Settings)LeNet.Bind(new Dictionary<string, string> { ["lr"] = "0.5", ["batch-size"] = "64", ["limit"] = "100" });
        Assert.That(settings, Is.EqualTo(new LeNetSection.Settings(Epochs: 10, BatchSize: 64, Lr: 0.5, Limit: 100)));
    }

    [TestCase("epochs", "0", "--epochs must be a positive whole number, not '0'.")]
    [TestCase("epochs", "1.5", "--epochs must be a positive whole number, not '1.5'.")]
    [TestCase("batch-size", "-1", "--batch-size must be a positive whole number, not '-1'.")]
    [TestCase("lr", "NaN", "--lr must be a positive number, not 'NaN'.")]
    [TestCase("lr", "-0.1", "--lr must be a positive number, not '-0.1'.")]
    [TestCase("lr", "1,5", "--lr must be a positive number, not '1,5'.")]
    public void ABadValueIsOneSentence(string name, string value, string sentence) =>
        Assert.That(() => LeNet.Bind(new Dictionary<string, string> { [name] = value }), Throws.TypeOf<UsageException>().With.Message.EqualTo(sentence));

    [Test]
    public void ARangeOnASettingBoundsIt()
    {
        var dropout = SectionCatalog.Find("dropout-concise").Settings!;
        Assert.That(((DropoutConcise.Settings)dropout.Bind(new Dictionary<string, string> { ["dropout1"] = "0" })).Dropout1, Is.Zero);
        Assert.That(() => dropout.Bind(new Dictionary<string, string> { ["dropout1"] = "1" }),
            Throws.TypeOf<UsageException>().With.Message.EqualTo("--dropout1 must be a number from 0 to 1 (not included), not '1'."));
    }

    [Test]
    public void AnOptionTheSectionLacksIsRefusedBeforeAnyWork()
    {
        var options = TestEnvironment.Options() with { Settings = new Dictionary<string, string> { ["num-hiddens"] = "8" } };
        Assert.That(() => SectionRunner.Run("lenet", options, TextWriter.Null), Throws.TypeOf<UsageException>().With.Message.EqualTo(
            "lenet does not use --num-hiddens; it takes --epochs, --batch-size, --lr, --limit, --checkpoint, --weights."));
        Assert.That(() => SectionRunner.Run("ndarray", TestEnvironment.Options(epochs: 1) with { CheckpointDir = "x" }, TextWriter.Null),
            Throws.TypeOf<UsageException>().With.Message.EqualTo(
                "ndarray does not use --epochs or --checkpoint; it takes only --device, --seed, --threads, --data-dir, --out, --json and --events."));
    }

    /// <summary>Every settings record: constructor parameters with defaults, of the types the command line parses, one meaning per name.</summary>
    [Test]
    public void EverySettingHasADefaultATypeTheCommandLineParsesAndOneTypePerName()
    {
        var all = SectionCatalog.All.Where(s => s.Settings is not null).SelectMany(s => s.Settings!.All.Select(setting => (s.Info.Id, setting))).ToArray();
        Assert.That(all, Is.Not.Empty);
        foreach (var (id, setting) in all)
        {
            Assert.That(setting.Parameter.HasDefaultValue, $"{id}: {setting.Name} has the book's value as its default");
            Assert.That(setting.Type, Is.EqualTo(typeof(int)).Or.EqualTo(typeof(double)), $"{id}: {setting.Name}");
        }
        foreach (var name in all.GroupBy(s => s.setting.Name))
            Assert.That(name.Select(s => s.setting.Type).Distinct().Count(), Is.EqualTo(1), $"--{name.Key} has one type in every section");
    }

    [Test]
    public void TheSectionsThatTrainAreThoseWithEpochs()
    {
        Assert.That(SectionCatalog.All.Count(s => s.Trains), Is.EqualTo(41));
        Assert.That(SectionCatalog.Find("fashion-mnist").Trains, Is.False, "3.5 reads batches but trains nothing");
        Assert.That(SectionCatalog.Find("kaggle-house").Settings!.Bind(new Dictionary<string, string>()),
            Is.EqualTo(new KaggleHousePrices.Settings(K: 5, Epochs: 100, Lr: 5, WeightDecay: 0, BatchSize: 64)));
    }
}
