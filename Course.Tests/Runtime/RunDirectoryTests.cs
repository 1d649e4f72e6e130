using Course.Core.Runtime;
using NUnit.Framework;

namespace Course.Tests.Runtime;

public sealed class RunDirectoryTests
{
    [Test]
    public void CommitRenamesThePartialFolder()
    {
        string root = TestEnvironment.TempFolder();
        using var run = new RunDirectory(root, "demo");
        Assert.That(Path.GetFileName(run.Path), Does.StartWith(".").And.EndWith(".partial"));
        File.WriteAllText(run.File("a.txt"), "x");
        string final = run.Commit();
        Assert.That(File.ReadAllText(Path.Combine(final, "a.txt")), Is.EqualTo("x"));
        Assert.That(Directory.GetDirectories(Path.Combine(root, "demo")), Is.EqualTo(new[] { final }));
    }

    [Test]
    public void AnUncommittedRunLeavesNothing()
    {
        string root = TestEnvironment.TempFolder();
        using (var run = new RunDirectory(root, "demo")) File.WriteAllText(run.File("half.png"), "x");
        Assert.That(Directory.GetFileSystemEntries(root), Is.Empty, "neither the partial folder nor the emptied section folder is left");
    }
}
