using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Course.Core.Data;
using Course.Core.Kernels;
using Course.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Chapters.Infrastructure;

/// <summary>
/// <c>course doctor</c>: the machine proves its own numbers (#19). One table: the versions, the processor and its
/// caches as reported, the threads, the convolution kernel check and the route it took, every book model's forward
/// and backward against float64 on the CPU (on the CPU, and on every CUDA device there is), and the data sets.
/// Exit 0 when everything holds, 1 with one sentence per failure otherwise.
/// </summary>
public static partial class Doctor
{
    private sealed record Row(string What, string Result, string? Failure = null);

    /// <summary>Runs every check, prints the table to <paramref name="output"/> as it goes, and returns the exit code.</summary>
    public static int Run(DataStore data, TextWriter output)
    {
        var rows = new List<Row>();
        void Add(Row row)
        {
            rows.Add(row);
            output.WriteLine($"{row.What,-30} {(row.Failure is null ? "ok  " : "FAIL")}  {row.Result}");
        }

        output.WriteLine($"{"check",-30} {"",-4}  result");
        var cpu = CpuInfo.Current;
        Add(new(".NET", RuntimeInformation.FrameworkDescription + " on " + RuntimeInformation.RuntimeIdentifier));
        Add(new("TorchSharp", typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3) ?? "?"));
        Add(new("libtorch", LibTorchPackage()));
        Add(new("CPU", $"{cpu.Vendor} family {cpu.Family}, {Environment.ProcessorCount} cores, {string.Join(" ", cpu.InstructionSets)}"));
        Add(new("caches", cpu.CachesText + (cpu.KnownFault is { } fault ? $": {fault}" : "")));
        Add(new("threads", $"{get_num_threads()} intra-op (a run's --threads sets it)"));

        var devices = new List<Device> { CPU };
        bool hasCuda = cuda.is_available();
        Add(new("CUDA", hasCuda ? $"{cuda.device_count()} device(s)" : "not available"));
        if (hasCuda) devices.AddRange(Enumerable.Range(0, cuda.device_count()).Select(i => new Device(DeviceType.CUDA, i)));
        foreach (var device in devices)
        {
            string name = Devices.Describe(device);
            if (!Kernels(device, name, Add)) continue;
            foreach (var model in BookModels.All) Add(Model(model, device, name));
        }
        foreach (var file in DataHub.Files) Add(Data(file.Name, data.Locate(file), path => DataStore.Verify(file, path)));
        foreach (var archive in DataHub.Archives)
            Add(Data(archive.Extracted.Name, data.Locate(archive.Extracted), path => DataStore.Verify(archive.Extracted, path)));

        var failures = rows.Where(r => r.Failure is not null).ToArray();
        output.WriteLine();
        foreach (var row in failures) output.WriteLine($"error: {row.Failure}");
        output.WriteLine(failures.Length == 0 ? "Every check holds: this machine computes the book's numbers." : $"{failures.Length} check(s) failed.");
        return failures.Length == 0 ? 0 : 1;
    }

    /// <summary>The kernel check's row; false when the kernels are wrong and no route is right (the models are not run then).</summary>
    private static bool Kernels(Device device, string name, Action<Row> add)
    {
        try
        {
            var verdict = KernelGuard.Ensure(device);
            string result = verdict.Route == KernelRoute.Default
                ? "default kernels pass every probe"
                : $"{verdict.Describe()}: the default kernels failed {verdict.Failed.Count} probes ({verdict.Failed[0]}); libtorch's own pass every probe";
            add(new($"kernels on {name}", result));
            return true;
        }
        catch (CourseException e)
        {
            add(new($"kernels on {name}", "wrong, and no route is right", e.Message));
            return false;
        }
    }

    private static Row Model(BookModels.Entry model, Device device, string name)
    {
        manual_seed(0);
        using var scope = NewDisposeScope();
        using var net = model.Build();
        ModelError error;
        try
        {
            error = ModelCheck.Compare(net, model.Call, model.Example(), device);
        }
        catch (ExternalException e)
        {
            return new($"{model.Name} on {name}", "could not run", $"{model.Name} on {name} could not be run: {Errors.FirstLine(e.Message)}.");
        }
        string result = string.Create(CultureInfo.InvariantCulture, $"forward {error.Forward:E1}, backward {error.Backward:E1} off float64");
        return new($"{model.Name} on {name}", result, error.Passed ? null
            : string.Create(CultureInfo.InvariantCulture, $"{model.Name} on {name} is {Math.Max(error.Forward, error.Backward):E1} off its float64 reference, more than {ModelError.Tolerance:E0}; report this table."));
    }

    private static Row Data(string name, string? path, Action<string> verify)
    {
        if (path is null) return new($"data {name}", "not here (`course data` downloads it)");
        try
        {
            verify(path);
            return new($"data {name}", $"verified, {path}");
        }
        catch (CourseException e)
        {
            return new($"data {name}", "damaged", e.Message);
        }
    }

    /// <summary>The libtorch package the build chose (its name says the platform and device), from the app's deps.json.</summary>
    private static string LibTorchPackage()
    {
        string deps = Path.Combine(AppContext.BaseDirectory, Path.GetFileNameWithoutExtension(Environment.ProcessPath ?? "course") + ".deps.json");
        if (!File.Exists(deps)) deps = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.deps.json").FirstOrDefault() ?? "";
        var match = deps.Length > 0 ? LibTorchLibrary().Match(File.ReadAllText(deps)) : Match.Empty;
        return match.Success ? $"{match.Groups[2].Value} ({match.Groups[1].Value})" : "unknown (no deps.json beside the app)";
    }

    [GeneratedRegex(@"""(libtorch-[a-z0-9.\-]+)/([0-9.]+)""")]
    private static partial Regex LibTorchLibrary();
}
