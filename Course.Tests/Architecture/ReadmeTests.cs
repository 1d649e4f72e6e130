using System.Text;
using Course.Chapters.Infrastructure;
using NUnit.Framework;

namespace Course.Tests.Architecture;

/// <summary>README.md's section table is the catalog: one row per <c>[Section]</c>, in <c>course list</c>'s order.</summary>
public sealed class ReadmeTests
{
    [Test]
    public void TheSectionTableIsTheCatalog()
    {
        var expected = SectionCatalog.All.Select(s => new[] { s.Info.Id, s.Info.Number, s.Info.Title, s.Info.Dataset }).ToArray();
        var actual = SectionTable(File.ReadAllLines(Path.Combine(TestEnvironment.RepositoryRoot, "README.md")));
        var table = new StringBuilder("| id | § | title | data |\n|---|---|---|---|\n");
        foreach (var row in expected) table.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        Assert.That(actual, Is.EqualTo(expected), $"README.md's section table differs from the [Section] attributes; the table they give is:\n{table}");
    }

    /// <summary>The rows (cells trimmed) of the first table after the heading <c>## Sections</c>, without its header.</summary>
    private static string[][] SectionTable(string[] lines)
    {
        int heading = Array.IndexOf(lines, "## Sections");
        Assert.That(heading, Is.Not.Negative, "README.md has a '## Sections' heading");
        return lines.Skip(heading + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2)
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .ToArray();
    }
}
