using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Course.Core.Data;
using Course.Core.Runtime;

namespace Course.Chapters.Infrastructure;

/// <summary>The command line: <c>list</c>, <c>run &lt;id|section&gt;</c>, <c>data</c> and <c>doctor</c> (ARCHITECTURE.md, "How a section runs").</summary>
public static class CommandLine
{
    /// <summary>The environment variable that, set to 1 or true, shows the trace of a failure as <c>--verbose</c> does.</summary>
    public const string VerboseVariable = "COURSE_VERBOSE";

    /// <summary>
    /// Parses and runs one command; returns the exit code: 0 success, 1 a failure the user can act on, 2 bad usage,
    /// 130 or 143 a run stopped by SIGINT or SIGTERM. Every failure is one sentence on <paramref name="error"/>; with
    /// <c>--verbose</c> (or <c>COURSE_VERBOSE=1</c>) its trace follows, for a bug report.
    /// </summary>
    public static int Invoke(string[] args, TextWriter output, TextWriter error)
    {
        var root = Build(output);
        var parsed = root.Parse(args);
        bool verbose = args.Contains("--verbose") || Switches.IsOn(Environment.GetEnvironmentVariable(VerboseVariable));
        if (parsed.Errors.Count > 0)
        {
            string message = parsed.CommandResult.Command == root && parsed.UnmatchedTokens.Count > 0
                ? $"'{parsed.UnmatchedTokens[0]}' is not a command; use list, run, studio, data or doctor"
                : parsed.Errors[0].Message.TrimEnd('.');
            error.WriteLine($"error: {message} (see `course --help`).");
            return 2;
        }
        using var signals = Interruption.Listen();
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            var (code, sentence) = Describe(e);
            error.WriteLine($"error: {sentence}");
            if (verbose) error.WriteLine(e);
            return code;
        }
    }

    /// <summary>The exit code and the one sentence of a failure.</summary>
    internal static (int Code, string Sentence) Describe(Exception e) => e switch
    {
        UsageException => (2, e.Message),
        CourseException => (1, e.Message),
        RunInterruptedException interrupted => (interrupted.ExitCode, e.Message),
        OutOfMemoryException or InsufficientExecutionStackException =>
            (1, "The machine ran out of memory; try a smaller --batch-size, --resize or --limit."),
        IOException or UnauthorizedAccessException => (1, $"{Errors.FirstLine(e.Message)}; check the paths and the free space."),
        System.Runtime.InteropServices.ExternalException when e.Message.Contains("allocate", StringComparison.OrdinalIgnoreCase) =>
            (1, $"libtorch could not allocate the memory it needed ({Errors.FirstLine(e.Message)}); try a smaller --batch-size, --resize or --limit."),
        System.Runtime.InteropServices.ExternalException => (1, $"libtorch failed: {Errors.FirstLine(e.Message)}."),
        _ => (1, $"Unexpected {e.GetType().Name}: {Errors.FirstLine(e.Message)}; this is a bug in Course: run again with --verbose and report the trace."),
    };

    /// <summary>The defaults of a run, written once in <see cref="RunOptions"/>.</summary>
    private static readonly RunOptions Defaults = new();

    private static RootCommand Build(TextWriter output)
    {
        var root = new RootCommand("Course: Dive into Deep Learning, chapters 2–11, in C# on TorchSharp.");
        root.Options.Add(new Option<bool>("--verbose") { Description = $"Show the trace of a failure after its sentence (also {VerboseVariable}=1).", Recursive = true });

        var list = new Command("list", "List the runnable sections: id, section, title, data set and the options each takes.");
        list.SetAction(_ => List(output));
        root.Subcommands.Add(list);

        var id = new Argument<string>("id") { Description = "A section id (softmax-concise) or number (3.7)." };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => Defaults.Device, CustomParser = ParseDevice };
        var seed = new Option<long>("--seed") { Description = "Seed for torch and .NET random numbers.", DefaultValueFactory = _ => Defaults.Seed };
        var threads = PositiveInt("--threads", "libtorch intra-op threads (default: one per core for the MLPs of 4.2, 4.3 and 4.6, the CNNs of 6.6, chapter 7 and 11.11 and the LSTMs of 9.2 (from scratch and concise), 9.3 and 9.4, else 1).");
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder searched for data first (then COURSE_DATA, then data/)." };
        var outDir = new Option<string>("--out") { Description = "Folder for run outputs.", DefaultValueFactory = _ => Defaults.OutDir };
        var json = new Option<bool>("--json") { Description = "Also print the run's result as one JSON line." };
        var events = new Option<string?>("--events") { Description = "Write the run's events as JSON lines to this file, or to standard output for - (docs/events.md)." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Save a checkpoint here after each epoch; resume from it when present (sections that train)." };
        var weights = new Option<string?>("--weights") { Description = "Start from this PyTorch state_dict (.pt, .pth, .safetensors; d2l's names), or a folder of one per training (sections that train)." };
        var stopWhenInputEnds = new Option<bool>("--stop-when-input-ends") { Description = "Stop cleanly, as Ctrl-C does, when standard input ends (how course studio stops its runs, on every OS)." };
        var settings = SettingOptions();

        var run = new Command("run", "Run a section with the book's hyperparameters, or the ones given.");
        run.Arguments.Add(id);
        foreach (var option in new Option[] { device, seed, threads, dataDir, outDir, json, events, checkpoint, weights, stopWhenInputEnds }.Concat(settings.Values))
            run.Options.Add(option);
        run.SetAction(result =>
        {
            var options = new RunOptions
            {
                Settings = settings.Where(s => result.GetResult(s.Value) is { Implicit: false })
                    .ToDictionary(s => s.Key, s => result.GetValue(s.Value)!),
                Device = result.GetValue(device)!,
                Seed = result.GetValue(seed),
                Threads = result.GetValue(threads),
                DataDir = result.GetValue(dataDir),
                OutDir = result.GetValue(outDir)!,
                Json = result.GetValue(json),
                Events = result.GetValue(events),
                CheckpointDir = result.GetValue(checkpoint),
                Weights = result.GetValue(weights),
            };
            if (result.GetValue(stopWhenInputEnds)) Interruption.StopWhenInputEnds();
            SectionRunner.Run(result.GetValue(id)!, options, output);
            return 0;
        });
        root.Subcommands.Add(run);

        var data = new Command("data", "Show where each data set is, and download the missing ones.");
        var dataDirForData = new Option<string?>("--data-dir") { Description = "Folder searched first and downloaded into." };
        data.Options.Add(dataDirForData);
        data.SetAction(result => Data(new DataStore(result.GetValue(dataDirForData)), output));
        root.Subcommands.Add(data);

        var studio = new Command("studio", "Serve a local page that runs sections, draws their curves live and compares every run.");
        var port = new Option<int>("--port") { Description = "The port to listen on.", DefaultValueFactory = _ => 5050 };
        var host = new Option<string?>("--host") { Description = "Listen on this address instead of the loopback one (the page can then be reached from other machines)." };
        var studioOut = new Option<string>("--out") { Description = "The runs folder.", DefaultValueFactory = _ => Defaults.OutDir };
        foreach (var option in new Option[] { port, host, studioOut }) studio.Options.Add(option);
        studio.SetAction(result => Studio.StudioCommand.Run(result.GetValue(studioOut)!, result.GetValue(port), result.GetValue(host), output));
        root.Subcommands.Add(studio);

        var doctor = new Command("doctor", "Check this machine: versions, CPU and caches, the convolution kernels, every book model against float64, CUDA, the data sets.");
        var dataDirForDoctor = new Option<string?>("--data-dir") { Description = "Folder searched first for the data sets." };
        doctor.Options.Add(dataDirForDoctor);
        doctor.SetAction(result => Doctor.Run(new DataStore(result.GetValue(dataDirForDoctor)), output));
        root.Subcommands.Add(doctor);
        return root;
    }

    private static int List(TextWriter output)
    {
        output.WriteLine($"{"id",-22} {"section",-8} {"title",-52} {"data",-26} options (the book's values)");
        foreach (var s in SectionCatalog.All)
        {
            var options = (s.Settings?.All.Select(o => o.ToString()) ?? []).Concat(s.Trains ? ["checkpoint", "weights"] : []).ToArray();
            output.WriteLine($"{s.Info.Id,-22} {s.Info.Number,-8} {s.Info.Title,-52} {s.Info.Dataset,-26} {(options.Length == 0 ? "–" : string.Join(' ', options))}");
        }
        return 0;
    }

    /// <summary>
    /// One option for each setting any section has (<c>--lr</c>, <c>--num-hiddens</c>), its value kept as written: the
    /// section's <see cref="Setting.Parse"/> checks it, and <see cref="SectionRunner"/> refuses one the section lacks.
    /// </summary>
    private static Dictionary<string, Option<string>> SettingOptions() =>
        SectionCatalog.All.SelectMany(s => (s.Settings?.All ?? []).Select(setting => (setting.Name, s.Info.Number)))
            .GroupBy(s => s.Name)
            .ToDictionary(g => g.Key, g => new Option<string>("--" + g.Key)
            {
                Description = SettingDescriptions.GetValueOrDefault(g.Key,
                    $"A setting of {string.Join(", ", g.Select(s => s.Number).Distinct())} (default: the book's; `course list` shows each)."),
            });

    private static readonly Dictionary<string, string> SettingDescriptions = new()
    {
        ["epochs"] = "Number of epochs (default: the book's).",
        ["batch-size"] = "Minibatch size (default: the book's).",
        ["lr"] = "Learning rate (default: the book's).",
        ["limit"] = "Train on the first N examples only, for a quick try.",
        ["resize"] = "Resize images to N×N pixels (default: the book's).",
    };

    private static int Data(DataStore store, TextWriter output)
    {
        output.WriteLine($"searching {string.Join(", ", store.Roots)}");
        int failures = 0;
        foreach (var file in DataHub.Files)
            failures += Report(file.Name, () => store.Resolve(file), output);
        foreach (var archive in DataHub.Archives)
            failures += Report(archive.Zip.Name, () => store.ResolveFolder(archive), output);
        return failures == 0 ? 0 : 1;
    }

    private static int Report(string name, Func<string> resolve, TextWriter output)
    {
        try
        {
            output.WriteLine($"{name,-28} ok      {resolve()}");
            return 0;
        }
        catch (CourseException e)
        {
            output.WriteLine($"{name,-28} FAILED  {e.Message}");
            return 1;
        }
    }

    private static Option<int?> PositiveInt(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            string token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0) return value;
            result.AddError($"{name} must be a positive whole number, not '{token}'");
            return null;
        },
    };

    private static string ParseDevice(ArgumentResult result)
    {
        string token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "auto";
        if (!Devices.IsValidName(token)) result.AddError($"--device must be auto, cpu, cuda or cuda:N, not '{token}'");
        return token;
    }
}
