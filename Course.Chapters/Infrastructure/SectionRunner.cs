using System.Diagnostics;
using Course.Core.Runtime;

namespace Course.Chapters.Infrastructure;

/// <summary>Runs one section: context, section, <c>metrics.json</c>, then the output folder is committed.</summary>
public static class SectionRunner
{
    /// <summary>
    /// Runs the section named <paramref name="idOrNumber"/>. On success its folder
    /// <c>&lt;out&gt;/&lt;id&gt;/&lt;timestamp&gt;/</c> holds <c>metrics.json</c>, figures and TensorBoard events;
    /// on failure nothing is left behind.
    /// </summary>
    public static RunResult Run(string idOrNumber, RunOptions options, TextWriter? output = null)
    {
        var (info, section) = SectionCatalog.Find(idOrNumber);
        output ??= Console.Out;
        var wall = Stopwatch.StartNew();
        using var ctx = new RunContext(options, info.Id, output);
        section.Run(ctx);
        var result = new RunResult
        {
            Id = info.Id,
            Section = info.Number,
            Title = info.Title,
            Metrics = new Dictionary<string, double>(ctx.Metrics),
            Hyperparameters = new Dictionary<string, object>(ctx.Hyperparameters),
            Device = Devices.Describe(ctx.Device),
            Threads = options.Threads,
            Seed = options.Seed,
            PeakMemoryMb = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1e6, 1),
            WallSeconds = Math.Round(wall.Elapsed.TotalSeconds, 3),
            OutputDirectory = ctx.Output.FinalPath,
        };
        File.WriteAllText(ctx.Output.File("metrics.json"), result.ToJson());
        ctx.Output.Commit();
        var files = Directory.EnumerateFileSystemEntries(result.OutputDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        output.WriteLine($"wrote {Path.GetRelativePath(Environment.CurrentDirectory, result.OutputDirectory)}/ ({string.Join(", ", files)})");
        if (options.Json) output.WriteLine(result.ToJsonLine());
        return result;
    }
}
