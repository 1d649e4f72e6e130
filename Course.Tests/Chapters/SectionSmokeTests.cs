using System.Text.Json;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using NUnit.Framework;

namespace Course.Tests.Chapters;

/// <summary>Every section runs by id and leaves a committed folder with metrics.json.</summary>
public sealed class SectionSmokeTests
{
    // Chapter 7's big networks take 35–130 s for 1000 images at the book's resolution on one thread; Chapter7Tests
    // runs each of them at a small --resize instead.
    private static IEnumerable<string> QuickSections() =>
        SectionCatalog.All.Select(s => s.Info.Id).Where(id => id is not ("softmax-scratch" or "softmax-concise" or "linreg-scratch" or "linreg-concise"
            or "alexnet" or "vgg" or "nin" or "googlenet" or "resnet" or "densenet"));

    [TestCaseSource(nameof(QuickSections))]
    public void RunsAndCommitsItsOutput(string id)
    {
        // One epoch on 1000 examples where the section takes those settings.
        var takes = SectionCatalog.Find(id).OptionNames.ToArray();
        var options = TestEnvironment.Options(takes.Contains("epochs") ? 1 : null, takes.Contains("limit") ? 1000 : null);
        var result = SectionRunner.Run(id, options, TextWriter.Null);
        Assert.That(Path.GetFileName(result.OutputDirectory), Does.Not.StartWith("."));
        AssertMetricsFileIs(result);
    }

    /// <summary>
    /// The committed folder's <c>metrics.json</c> is this run's record: its id, and every metric with its value (the
    /// runner writes the file or throws, so what is worth checking is what it holds).
    /// </summary>
    internal static void AssertMetricsFileIs(RunResult result)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(result.OutputDirectory, "metrics.json")));
        Assert.That(json.RootElement.GetProperty("id").GetString(), Is.EqualTo(result.Id));
        var metrics = json.RootElement.GetProperty("metrics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.That(metrics, Is.EqualTo(result.Metrics));
    }

    [Test]
    public void TheCatalogCoversChapters2And3()
    {
        Assert.That(SectionCatalog.All.Select(s => s.Info.Number), Is.SupersetOf(new[] { "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3", "3.5", "3.6", "3.7" }));
        Assert.That(SectionCatalog.All.Select(s => s.Info.Id), Is.Unique);
    }
}
