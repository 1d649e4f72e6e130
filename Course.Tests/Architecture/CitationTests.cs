using NUnit.Framework;

namespace Course.Tests.Architecture;

/// <summary>
/// The repository cites only itself: no source or document names notes kept outside it (a design or reference file,
/// a folder of question seeds, a sibling <c>shared/</c> checkout). ARCHITECTURE.md and docs/parity.md say in the
/// repository what those said.
/// </summary>
public sealed class CitationTests
{
    private static readonly string[] Outside = ["DESIGN.md", "REFERENCE.md", "../shared", "seeds/"];

    /// <summary>
    /// <c>.ci/</c> is left out: it is the CI machine's set-up, and that machine keeps its data copies beside the checkout
    /// (it sets <c>COURSE_DATA</c> there); nothing else depends on that folder.
    /// </summary>
    private static readonly string[] Skipped = ["bin", "obj", ".git", ".ci", "TestResults", "runs"];

    [Test]
    public void NoFileCitesSomethingOutsideTheRepository()
    {
        string root = TestEnvironment.RepositoryRoot;
        var hits = Files(root)
            .Where(path => Path.GetFileName(path) != nameof(CitationTests) + ".cs")
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, line, i)))
            .Where(h => Outside.Any(o => h.line.Contains(o, StringComparison.Ordinal)))
            .Select(h => $"{Path.GetRelativePath(root, h.path)}:{h.i + 1}: {h.line.Trim()}")
            .ToArray();
        Assert.That(hits, Is.Empty);
    }

    [Test]
    public void TheScanReadsTheSourcesScriptsAndDocuments()
    {
        var names = Files(TestEnvironment.RepositoryRoot).Select(Path.GetFileName).ToArray();
        Assert.That(names, Does.Contain("README.md").And.Contain("ARCHITECTURE.md").And.Contain("parity.md"));
        Assert.That(names, Does.Contain("SectionCatalog.cs").And.Contain("benchmark.sh").And.Contain("Course.Tests.csproj"));
        Assert.That(names, Does.Not.Contain("run"), ".ci/run is the CI machine's set-up");
    }

    private static IEnumerable<string> Files(string root) =>
        Directory.EnumerateFiles(root).Where(path => Extensions.Contains(Path.GetExtension(path)))
            .Concat(Directory.EnumerateDirectories(root).Where(d => !Skipped.Contains(Path.GetFileName(d))).SelectMany(Files));

    private static readonly string[] Extensions = [".cs", ".md", ".sh", ".ps1", ".py", ".csproj", ".props", ".targets"];
}
