using System.IO.Compression;
using Course.Core.Data;
using Course.Core.Runtime;
using NUnit.Framework;

namespace Course.Tests.Data;

public sealed class ZipExtractorTests
{
    private static string Zip(params (string Name, string Text)[] entries)
    {
        string path = Path.Combine(TestEnvironment.TempFolder(), "archive.zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, text) in entries)
        {
            using var writer = new StreamWriter(zip.CreateEntry(name).Open());
            writer.Write(text);
        }
        return path;
    }

    [Test]
    public void ExtractsIntoTheTargetDroppingTheTopFolder()
    {
        string target = Path.Combine(TestEnvironment.TempFolder(), "fra-eng");
        ZipExtractor.Extract(Zip(("fra-eng/fra.txt", "Go.\tVa !"), ("fra-eng/_about.txt", "about")), target);
        Assert.That(File.ReadAllText(Path.Combine(target, "fra.txt")), Is.EqualTo("Go.\tVa !"));
        Assert.That(File.Exists(Path.Combine(target, "_about.txt")));
    }

    [TestCase("../evil.txt")]
    [TestCase("fra-eng/../../evil.txt")]
    [TestCase("/tmp/evil.txt")]
    public void AnEntryEscapingTheFolderIsRejectedAndNothingIsWritten(string entry)
    {
        string parent = TestEnvironment.TempFolder();
        string target = Path.Combine(parent, "fra-eng");
        Assert.That(() => ZipExtractor.Extract(Zip(("fra-eng/fra.txt", "ok"), (entry, "evil")), target),
            Throws.TypeOf<CourseException>().With.Message.Contains("outside"));
        Assert.That(Directory.GetFileSystemEntries(parent), Is.Empty);
    }
}
