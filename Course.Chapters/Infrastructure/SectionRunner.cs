using System.Diagnostics;
using Course.Core.Events;
using Course.Core.Plotting;
using Course.Core.Runtime;

namespace Course.Chapters.Infrastructure;

/// <summary>Runs one section: settings, context, section, <c>metrics.json</c>, then the output folder is committed.</summary>
public static class SectionRunner
{
    /// <summary>
    /// Runs the section named <paramref name="idOrNumber"/>. On success its folder
    /// <c>&lt;out&gt;/&lt;id&gt;/&lt;timestamp&gt;/</c> holds <c>metrics.json</c>, figures and TensorBoard events;
    /// on failure nothing is left behind. An option the section does not take is refused with a
    /// <see cref="UsageException"/> before any work. The run's events go to <paramref name="output"/> as lines, and as
    /// JSON lines to <c>--events</c>' file, or instead of the lines for <c>--events -</c>.
    /// </summary>
    public static RunResult Run(string idOrNumber, RunOptions options, TextWriter? output = null)
    {
        var section = SectionCatalog.Find(idOrNumber);
        var info = section.Info;
        RefuseUntaken(section, options);
        object? settings = section.Bind(options.Settings);
        output ??= Console.Out;
        var events = new RunEvents();
        if (options.Events != "-") events.Listen(new ProgressLine(output).On);
        using var log = options.Events switch { null => null, "-" => new EventWriter(output), string path => new EventWriter(path) };
        if (log is not null) events.Listen(log.Write);
        try
        {
            var result = Run(section, settings, options, events);
            events.Emit(new RunEnded("completed", 0, null, result.OutputDirectory));
            return result;
        }
        catch (Exception e)
        {
            var (code, sentence) = CommandLine.Describe(e);
            events.Emit(new RunEnded(e is RunInterruptedException ? "interrupted" : "failed", code, sentence, null));
            throw;
        }
    }

    private static RunResult Run(SectionEntry section, object? settings, RunOptions options, RunEvents events)
    {
        var info = section.Info;
        var wall = Stopwatch.StartNew();
        RunResult result;
        using (var ctx = new RunContext(options, info.Id, defaultThreads: info.DefaultThreads,
            settings: settings is null ? null : section.Settings!.Values(settings), events: events))
        {
            section.Run(ctx, settings);
            result = new RunResult
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
            ctx.Commit();
        }
        var files = Directory.EnumerateFileSystemEntries(result.OutputDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        events.Emit(new LinePrinted($"wrote {Path.GetRelativePath(Environment.CurrentDirectory, result.OutputDirectory)}{Path.DirectorySeparatorChar} ({string.Join(", ", files)})"));
        if (options.Json) events.Emit(new LinePrinted(result.ToJsonLine()));
        return result;
    }

    private static void RefuseUntaken(SectionEntry section, RunOptions options)
    {
        var takes = section.OptionNames.ToHashSet();
        var given = options.Settings.Keys
            .Concat(options.CheckpointDir is null ? [] : ["checkpoint"])
            .Concat(options.Weights is null ? [] : ["weights"]);
        var refused = given.Where(name => !takes.Contains(name)).Select(name => "--" + name).ToArray();
        if (refused.Length == 0) return;
        string names = refused.Length == 1 ? refused[0] : $"{string.Join(", ", refused[..^1])} or {refused[^1]}";
        string takesText = takes.Count == 0
            ? "it takes only --device, --seed, --threads, --data-dir, --out, --json and --events"
            : $"it takes {string.Join(", ", section.OptionNames.Select(n => "--" + n))}";
        throw new UsageException($"{section.Info.Id} does not use {names}; {takesText}.");
    }
}
