using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using NUnit.Framework;

namespace Course.Tests.Build;

/// <summary>
/// build/NativePackages.props picks one platform's native packages: Course.Core is evaluated with
/// <c>dotnet msbuild -getItem</c> (no restore, no download) for every platform and device, all cases at once.
/// </summary>
public sealed class NativePackageTests
{
    private static readonly string[] Managed = ["TorchSharp", "TorchSharp.PyBridge", "ScottPlot", "Spectre.Console", "Microsoft.Data.Analysis"];

    private static readonly Dictionary<string, string[]> DrawingPackages = new()
    {
        ["linux"] = ["SkiaSharp.NativeAssets.Linux.NoDependencies", "HarfBuzzSharp.NativeAssets.Linux"],
        ["win"] = ["SkiaSharp.NativeAssets.Win32", "HarfBuzzSharp.NativeAssets.Win32"],
        ["osx"] = ["SkiaSharp.NativeAssets.macOS", "HarfBuzzSharp.NativeAssets.macOS"],
    };

    private static readonly (string? Rid, string Device)[] Cases =
    [
        (null, "cpu"), ("linux-x64", "cpu"), ("win-x64", "cpu"), ("win-arm64", "cpu"), ("osx-arm64", "cpu"),
        ("linux-x64", "cuda"), ("win-x64", "cuda"), ("osx-arm64", "cuda"), ("win-arm64", "cuda"), ("linux-arm64", "cpu"),
    ];

    private static readonly Lazy<ConcurrentDictionary<(string?, string), Evaluation>> Evaluations = new(EvaluateAll);

    private static string HostRid =>
        (OperatingSystem.IsWindows() ? "win-" : OperatingSystem.IsMacOS() ? "osx-" : "linux-")
        + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    [TestCase(null, "libtorch-cpu-")]
    [TestCase("linux-x64", "libtorch-cpu-linux-x64")]
    [TestCase("win-x64", "libtorch-cpu-win-x64")]
    [TestCase("win-arm64", "libtorch-cpu-win-arm64")]
    [TestCase("osx-arm64", "libtorch-cpu-osx-arm64")]
    public void CpuBuildReferencesOnePlatformsPackages(string? rid, string libtorch)
    {
        string platform = rid ?? HostRid;
        if (rid is null) libtorch += HostRid;
        AssertPackages(Evaluations.Value[(rid, "cpu")], libtorch, platform);
    }

    [TestCase("linux-x64", "libtorch-cuda-12.8-linux-x64")]
    [TestCase("win-x64", "libtorch-cuda-12.8-win-x64")]
    public void CudaBuildReferencesTheCuda128Package(string rid, string libtorch) =>
        AssertPackages(Evaluations.Value[(rid, "cuda")], libtorch, rid);

    [TestCase("osx-arm64", "cuda", "TorchDevice=cuda has no libtorch package for osx-arm64")]
    [TestCase("win-arm64", "cuda", "TorchDevice=cuda has no libtorch package for win-arm64")]
    [TestCase("linux-arm64", "cpu", "No libtorch package for RuntimeIdentifier 'linux-arm64'")]
    public void UnsupportedPlatformStopsWithOneSentence(string rid, string device, string message)
    {
        var evaluation = Evaluations.Value[(rid, device)];
        Assert.That(evaluation.ExitCode, Is.Not.Zero, evaluation.Log);
        Assert.That(evaluation.Log, Does.Contain(message));
    }

    private static void AssertPackages(Evaluation evaluation, string libtorch, string platform)
    {
        Assert.That(evaluation.ExitCode, Is.Zero, evaluation.Log);
        using var json = JsonDocument.Parse(evaluation.Json);
        var items = json.RootElement.GetProperty("Items");
        string[] references = [.. items.GetProperty("PackageReference").EnumerateArray().Select(i => i.GetProperty("Identity").GetString()!)];
        var versions = items.GetProperty("PackageVersion").EnumerateArray()
            .ToDictionary(i => i.GetProperty("Identity").GetString()!, i => i.GetProperty("Version").GetString()!);

        string[] drawing = DrawingPackages[platform.Split('-')[0]];
        Assert.That(references, Is.EquivalentTo(Managed.Append(libtorch).Concat(drawing)));
        Assert.That(references, Has.All.Matches<string>(versions.ContainsKey), "every reference needs a version in Directory.Packages.props");
        Assert.That(versions[libtorch], Is.EqualTo("2.10.0"), "TorchSharp 0.107.0 is built against libtorch 2.10.0");
        Assert.That(versions[drawing[0]], Is.EqualTo(versions["SkiaSharp"]), "SkiaSharp's native assets must match SkiaSharp");
    }

    private static ConcurrentDictionary<(string?, string), Evaluation> EvaluateAll()
    {
        string project = Path.Combine(RepositoryRoot(), "Course.Core", "Course.Core.csproj");
        var results = new ConcurrentDictionary<(string?, string), Evaluation>();
        Parallel.ForEach(Cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, c => results[c] = Evaluate(project, c.Rid, c.Device));
        return results;
    }

    /// <summary>
    /// Evaluates Course.Core and runs only its platform check, without restoring. No node reuse, so no MSBuild
    /// process outlives the test holding its output pipes.
    /// </summary>
    private static Evaluation Evaluate(string project, string? rid, string device)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] arguments =
        [
            "msbuild", project, "-nologo", "-nodeReuse:false", "-m:1", "-t:CourseCheckNativePlatform",
            "-getItem:PackageReference", "-getItem:PackageVersion", $"-p:TorchDevice={device}",
        ];
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        if (rid is not null) start.ArgumentList.Add($"-p:RuntimeIdentifier={rid}");
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            return new Evaluation(-1, "", "dotnet msbuild did not finish within 2 minutes.");
        }
        return new Evaluation(process.ExitCode, output, error.Result);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Course.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No Course.sln above {TestContext.CurrentContext.TestDirectory}.");
    }

    /// <summary>An evaluation's exit code, its JSON (standard output) and its messages (standard error).</summary>
    private sealed record Evaluation(int ExitCode, string Json, string Messages)
    {
        public string Log => Json + Messages;
    }
}
