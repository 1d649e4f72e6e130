using Course.Core.Kernels;
using NUnit.Framework;

namespace Course.Tests.Build;

/// <summary>
/// The route around wrong kernels (#19) switches oneDNN, NNPACK and cuDNN through C++ exports whose names differ by
/// compiler: each platform's libtorch 2.10 in the NuGet cache must hold the names <see cref="LibTorchContext"/> looks
/// up (Itanium on Linux, with the leading underscore Mach-O adds on macOS, MSVC on Windows). A platform whose package
/// was never restored on this machine is skipped (<c>scripts/check-publish.sh</c> restores them all).
/// </summary>
public sealed class LibTorchExportTests
{
    [TestCase("linux-x64", "libtorch_cpu.so", "")]
    [TestCase("osx-arm64", "libtorch_cpu.dylib", "_")]
    [TestCase("win-x64", "torch_cpu.dll", null)]
    [TestCase("win-arm64", "torch_cpu.dll", null)]
    public void EachPlatformsLibTorchExportsTheSwitches(string rid, string file, string? itaniumPrefix)
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(packages, $"libtorch-cpu-{rid}", "2.10.0", "runtimes", rid, "native", file);
        if (!File.Exists(path)) Assert.Ignore($"libtorch-cpu-{rid} 2.10.0 is not in the NuGet cache ({path}).");
        byte[] binary = File.ReadAllBytes(path);
        var missing = LibTorchContext.Symbols
            .Select(s => itaniumPrefix is null ? s.Msvc : itaniumPrefix + s.Itanium)
            .Where(name => binary.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(name + "\0")) < 0);
        Assert.That(missing, Is.Empty);
    }
}
