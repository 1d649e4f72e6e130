using System.Diagnostics;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Runtime;

/// <summary>TorchSharp's native library loads (through the GLIBCXX compatibility step where needed) and computes.</summary>
public sealed class TorchLoadTests
{
    [Test]
    public void TorchLoadsAndComputes()
    {
        using var a = arange(6, dtype: float32).reshape(2, 3);
        using var product = matmul(a, a.T);
        Assert.That(product.data<float>().ToArray(), Is.EqualTo(new[] { 5f, 14f, 14f, 50f }));
    }

    [Test]
    public void OutputCopyIsWeakenedOnlyWhereLibstdcxxLacksTheVersion()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("The compatibility step is Linux-only.");
        string output = Path.Combine(TestContext.CurrentContext.TestDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        string? flags = GlibcxxFlags(output);
        if (flags is null) Assert.Ignore("readelf is not installed.");
        bool systemHasIt = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }
            .Where(File.Exists).Any(p => File.ReadAllText(p, System.Text.Encoding.Latin1).Contains("GLIBCXX_3.4.32\0"));
        Assert.That(flags, Is.EqualTo(systemHasIt ? "none" : "WEAK"));

        string cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages", "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (File.Exists(cache)) Assert.That(GlibcxxFlags(cache), Is.EqualTo("none"), "the NuGet cache copy must stay untouched");
    }

    private static string? GlibcxxFlags(string library)
    {
        try
        {
            using var readelf = Process.Start(new ProcessStartInfo("readelf", ["-V", library]) { RedirectStandardOutput = true })!;
            string text = readelf.StandardOutput.ReadToEnd();
            readelf.WaitForExit();
            string line = text.Split('\n').Single(l => l.Contains("Name: GLIBCXX_3.4.32"));
            return line.Split("Flags:")[1].Trim().Split(' ')[0];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
