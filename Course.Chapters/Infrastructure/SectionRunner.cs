using System.Diagnostics;
using Course.Core.Runtime;

namespace Course.Chapters.Infrastructure;

/// <summary>Runs one section: context, section, <c>metrics.json</c>, then the output folder is committed.</summary>
public static class SectionRunner
{
    /// <summary>
    /// Runs the section named <paramref name="idOrNumber"/>. On success its folder
    /// <c>&lt;out&gt;/&lt;id&gt;/&lt;timestamp&gt;/</c> holds <c>metrics.json</c>, figures and TensorBoard events;
    /// on failure nothing is left behind. An option the section does not declare is refused with a
    /// <see cref="UsageException"/> before any work.
    /// </summary>
    public static RunResult Run(string idOrNumber, RunOptions options, TextWriter? output = null)
    {
        var (info, section) = SectionCatalog.Find(idOrNumber);
        RefuseUndeclared(info, options);
        output ??= Console.Out;
        var wall = Stopwatch.StartNew();
        using var ctx = new RunContext(options, info.Id, output, declared: info.Options, defaultThreads: info.DefaultThreads);
        section.Run(ctx);
        var result = new RunResult
        {
            Id = info.Id,
            Section = info.Number,
            Title = info.Title,
            Metrics = new Dictionary<string, double>(ctx.Metrics),
            Hyperparameters = new Dictionary<string, object>(ctx.Hyperparameters),
            Device = Devices.Describe(ctx.Device),
            Kernels = ctx.Kernels.Describe(),
            Threads = ctx.Threads,
            Seed = options.Seed,
            PeakMemoryMb = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1e6, 1),
            WallSeconds = Math.Round(wall.Elapsed.TotalSeconds, 3),
            OutputDirectory = ctx.Output.FinalPath,
        };
        File.WriteAllText(ctx.Output.File("metrics.json"), result.ToJson());
        ctx.Output.Commit();
        var files = Directory.EnumerateFileSystemEntries(result.OutputDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        output.WriteLine($"wrote {Path.GetRelativePath(Environment.CurrentDirectory, result.OutputDirectory)}{Path.DirectorySeparatorChar} ({string.Join(", ", files)})");
        if (options.Json) output.WriteLine(result.ToJsonLine());
        return result;
    }

    private static void RefuseUndeclared(SectionAttribute info, RunOptions options)
    {
        var unused = options.Given() & ~info.Options;
        if (unused == SectionOptions.None) return;
        var names = CommandLine.NamesOf(unused);
        string refused = names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}";
        string takes = info.Options == SectionOptions.None
            ? "it takes only --device, --seed, --threads, --data-dir, --out and --json"
            : $"it takes {string.Join(", ", CommandLine.NamesOf(info.Options))}";
        throw new UsageException($"{info.Id} does not use {refused}; {takes}.");
    }
}
