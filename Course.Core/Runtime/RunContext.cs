using System.Globalization;
using Course.Core.Data;
using Course.Core.Events;
using Course.Core.Kernels;
using Course.Core.Plotting;
using Course.Core.Training;
using static TorchSharp.torch;

namespace Course.Core.Runtime;

/// <summary>
/// Everything a section's run needs: the device, the data store, the output folder, the console, a seeded
/// <see cref="Random"/>, the settings it runs with, and the run's one stream of events (<see cref="Events"/>), which
/// the console, the animators' PNGs, TensorBoard and <c>metrics.json</c> listen to.
/// </summary>
public sealed class RunContext : IDisposable
{
    private readonly Dictionary<string, double> _metrics = new();
    private readonly IDisposable? _checkpointLock;
    private EventWriter? _log;

    /// <summary>The file in the run folder that holds the run's events (docs/events.md), up to its commit.</summary>
    public const string EventsFile = "events.jsonl";

    /// <summary>
    /// Sets threads and seeds, resolves the device (or takes <paramref name="device"/>, e.g. TorchSharp's <c>meta</c>
    /// device in the tests), checks its kernels and creates the (partial) output folder. <paramref name="settings"/> are
    /// the section's hyperparameters by their snake_case names (<c>metrics.json</c>, the checkpoint's identity). Without
    /// <paramref name="events"/> the run gets a stream of its own that prints to <paramref name="output"/>; without
    /// <c>--threads</c> libtorch gets <paramref name="defaultThreads"/> intra-op threads.
    /// </summary>
    public RunContext(RunOptions options, string id, TextWriter? output = null, DataStore? data = null, Device? device = null,
        int defaultThreads = 1, IReadOnlyDictionary<string, object>? settings = null, RunEvents? events = null)
    {
        options.Validate();
        Options = options;
        Id = id;
        Hyperparameters = settings ?? new Dictionary<string, object>();
        if (events is null)
        {
            events = new RunEvents();
            events.Listen(new ProgressLine(output ?? Console.Out).On);
        }
        Events = events;
        Out = new LineWriter(events);
        Threads = options.Threads ?? defaultThreads;
        TorchSetup.SetThreads(Threads);
        Random = TorchSetup.Seed(options.Seed);
        Device = device ?? Devices.Resolve(options.Device);
        Kernels = KernelGuard.Ensure(Device);
        Data = data ?? new DataStore(options.DataDir);
        _checkpointLock = options.CheckpointDir is { } folder ? Training.Checkpoint.Lock(folder) : null;
        try
        {
            Output = new RunDirectory(options.OutDir, id);
        }
        catch
        {
            _checkpointLock?.Dispose();
            throw;
        }
        events.Listen(OnEvent);
        events.Listen(new AnimatorSink(name => Output.File(name + ".png")).On);
        events.Listen(new TensorBoardSink(Output).On);
        _log = new EventWriter(Output.File(EventsFile));
        events.Listen(e => _log?.Write(e));
        events.Emit(new RunStarted(id, Hyperparameters, Devices.Describe(Device), Threads, Kernels.Describe(), options.Seed, Output.Path));
        if (Threads > Environment.ProcessorCount)
            Out.WriteLine($"note: --threads {Threads} is more than this machine's {Environment.ProcessorCount} cores; libtorch's threads will wait on each other and slow the run.");
        if (Kernels.Note is { } note) Out.WriteLine(note);
        if (Output.Swept > 0)
            Out.WriteLine($"note: removed {Output.Swept} unfinished run folder(s) that killed runs of {id} had left.");
    }

    /// <summary>The section's id.</summary>
    public string Id { get; }

    /// <summary>libtorch's intra-op threads for this run: <c>--threads</c>, or the section's default.</summary>
    public int Threads { get; }

    /// <summary>The run's options.</summary>
    public RunOptions Options { get; }

    /// <summary>The device models and batches move to.</summary>
    public Device Device { get; }

    /// <summary>How the device's convolution kernels were checked and, where they were wrong, routed around.</summary>
    public KernelVerdict Kernels { get; }

    /// <summary>Where the data sets are found (and downloaded to).</summary>
    public DataStore Data { get; }

    /// <summary>The run's output folder.</summary>
    public RunDirectory Output { get; }

    /// <summary>The run's events: everything below reports through it.</summary>
    public RunEvents Events { get; }

    /// <summary>Where the section prints its lines: each line is a <see cref="LinePrinted"/> event.</summary>
    public TextWriter Out { get; }

    /// <summary>A .NET random generator seeded with the run's seed.</summary>
    public Random Random { get; }

    /// <summary>The section's settings by their snake_case names: the hyperparameters of <c>metrics.json</c>.</summary>
    public IReadOnlyDictionary<string, object> Hyperparameters { get; }

    /// <summary>Metrics recorded so far.</summary>
    public IReadOnlyDictionary<string, double> Metrics => _metrics;

    /// <summary>Records a final metric for <c>metrics.json</c>; one that is not finite stops the run with the divergence sentence.</summary>
    public void Metric(string name, double value)
    {
        if (!double.IsFinite(value))
            throw Divergence.Of(Device, $"{name} became {value}");
        Events.Emit(new MetricRecorded(name, value));
    }

    /// <summary>
    /// d2l's <c>Animator</c>: a figure <c>&lt;figure&gt;.png</c> in the run folder that grows point by point, its
    /// series named by <paramref name="legend"/>.
    /// </summary>
    public Animator Animator(string figure, IReadOnlyList<string> legend, AxesStyle? axes = null) => new(Events, figure, legend, axes ?? new AxesStyle());

    /// <summary>Writes the figure <c>&lt;name&gt;.png</c> with <paramref name="write"/> (given its path), then reports it.</summary>
    public void Figure(string name, Action<string> write) => Figure(name, path =>
    {
        write(path);
        return 0;
    });

    /// <summary>Writes the figure <c>&lt;name&gt;.png</c> with <paramref name="write"/> (given its path), reports it, and returns what <paramref name="write"/> did.</summary>
    public T Figure<T>(string name, Func<string, T> write)
    {
        var result = write(Output.File(name + ".png"));
        Events.Emit(new FigureWritten(name + ".png"));
        return result;
    }

    /// <summary>
    /// The checkpoint of the run's training called <paramref name="name"/> (a section that trains several models names
    /// each), in a folder of that name under <c>--checkpoint</c>; null without <c>--checkpoint</c>. It is tagged with the
    /// section, the seed and every setting but the epochs, so it resumes only the same run.
    /// </summary>
    public Checkpoint? Checkpoint(string name = "model")
    {
        if (Options.CheckpointDir is not { } folder) return null;
        var settings = Hyperparameters.Where(h => h.Key != "epochs")
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Key}={h.Value}"));
        string identity = string.Join(", ", new[] { $"section {Id}/{name}", $"seed={Options.Seed}" }.Concat(settings));
        return new Checkpoint(Path.Combine(folder, name), identity);
    }

    /// <summary>
    /// The PyTorch weights of the run's training called <paramref name="name"/> (the name it passes to
    /// <see cref="Checkpoint"/>): it starts from <c>--weights</c> (a file, or in a folder the file <c>&lt;name&gt;.safetensors</c>,
    /// <c>.pt</c> or <c>.pth</c>) and writes the trained model to <c>&lt;name&gt;.safetensors</c> in the run folder.
    /// </summary>
    public ModelWeights Weights(string name = "model")
    {
        string? start = Options.Weights;
        if (start is not null && Directory.Exists(start))
        {
            start = PyTorchWeights.Extensions.Select(e => Path.Combine(start, name + e)).FirstOrDefault(File.Exists)
                ?? throw new CourseException($"--weights folder '{start}' holds no {name}{string.Join($", {name}", PyTorchWeights.Extensions)} for the training '{name}'.");
        }
        return new ModelWeights(start, Output.File(name + ".safetensors"));
    }

    /// <summary>Ends the last printed line and the events file, then renames the run folder to its final name.</summary>
    public void Commit()
    {
        Out.Flush();
        CloseLog();
        Output.Commit();
    }

    private void CloseLog()
    {
        _log?.Dispose();
        _log = null;
    }

    private void OnEvent(RunEvent e)
    {
        if (e is MetricRecorded metric) _metrics[metric.Name] = metric.Value;
    }

    /// <summary>Ends the last printed line and deletes the output folder unless the run committed it.</summary>
    public void Dispose()
    {
        Out.Flush();
        CloseLog();
        _checkpointLock?.Dispose();
        Output.Dispose();
    }
}
