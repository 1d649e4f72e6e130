using System.Globalization;
using Course.Core.Data;
using Course.Core.Kernels;
using Course.Core.Plotting;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Core.Runtime;

/// <summary>
/// Everything a section's run needs: the options, the device, the data store, the output folder, the console,
/// a seeded <see cref="Random"/>, and the record of hyperparameters and metrics that becomes <c>metrics.json</c>.
/// </summary>
public sealed class RunContext : IDisposable
{
    private readonly Dictionary<string, object> _hyperparameters = new();
    private readonly Dictionary<string, double> _metrics = new();
    private readonly IDisposable? _checkpointLock;
    private SummaryWriter? _tensorBoard;

    /// <summary>
    /// Sets threads and seeds, resolves the device (or takes <paramref name="device"/>, e.g. TorchSharp's <c>meta</c>
    /// device in the tests) and creates the (partial) output folder. The section may read only the options in
    /// <paramref name="declared"/>; reading another throws <see cref="InvalidOperationException"/>. Without
    /// <c>--threads</c> libtorch gets <paramref name="defaultThreads"/> intra-op threads.
    /// </summary>
    public RunContext(RunOptions options, string id, TextWriter? output = null, DataStore? data = null,
        SectionOptions declared = SectionOptions.All, Device? device = null, int defaultThreads = 1)
    {
        options.Validate();
        Options = options with { Readable = declared };
        Out = output ?? Console.Out;
        Threads = options.Threads ?? defaultThreads;
        TorchSetup.SetThreads(Threads);
        if (Threads > Environment.ProcessorCount)
            Out.WriteLine($"note: --threads {Threads} is more than this machine's {Environment.ProcessorCount} cores; libtorch's threads will wait on each other and slow the run.");
        Random = TorchSetup.Seed(options.Seed);
        Device = device ?? Devices.Resolve(options.Device);
        Kernels = KernelGuard.Ensure(Device);
        if (Kernels.Note is { } note) Out.WriteLine(note);
        Data = data ?? new DataStore(options.DataDir);
        Progress = new ProgressLine(Out);
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
        Id = id;
        if (Output.Swept > 0)
            Out.WriteLine($"note: removed {Output.Swept} unfinished run folder(s) that killed runs of {id} had left.");
    }

    /// <summary>The section's id.</summary>
    public string Id { get; }

    /// <summary>libtorch's intra-op threads for this run: <c>--threads</c>, or the section's default.</summary>
    public int Threads { get; }

    /// <summary>The run's options; reading a <see cref="SectionOptions"/> one the section did not declare throws.</summary>
    public RunOptions Options { get; }

    /// <summary>The device models and batches move to.</summary>
    public Device Device { get; }

    /// <summary>How the device's convolution kernels were checked and, where they were wrong, routed around.</summary>
    public KernelVerdict Kernels { get; }

    /// <summary>Where the data sets are found (and downloaded to).</summary>
    public DataStore Data { get; }

    /// <summary>The run's output folder.</summary>
    public RunDirectory Output { get; }

    /// <summary>Where the section prints its lines.</summary>
    public TextWriter Out { get; }

    /// <summary>A .NET random generator seeded with <see cref="RunOptions.Seed"/>.</summary>
    public Random Random { get; }

    /// <summary>The live progress line (a terminal) or per-epoch lines (redirected output).</summary>
    public ProgressLine Progress { get; }

    /// <summary>Train on the first N examples only, when <c>--limit</c> asks for it.</summary>
    public int? Limit => Options.Limit;

    /// <summary>Hyperparameters recorded so far.</summary>
    public IReadOnlyDictionary<string, object> Hyperparameters => _hyperparameters;

    /// <summary>Metrics recorded so far.</summary>
    public IReadOnlyDictionary<string, double> Metrics => _metrics;

    /// <summary>TensorBoard event files under <c>tensorboard/</c> of the run folder, created on first use.</summary>
    public SummaryWriter TensorBoard => _tensorBoard ??= utils.tensorboard.SummaryWriter(Output.File("tensorboard"));

    /// <summary>The number of epochs: <c>--epochs</c> or the book's.</summary>
    public int Epochs(int book) => Hyper("epochs", Options.Epochs ?? book);

    /// <summary>The minibatch size: <c>--batch-size</c> or the book's.</summary>
    public int BatchSize(int book) => Hyper("batch_size", Options.BatchSize ?? book);

    /// <summary>The learning rate: <c>--lr</c> or the book's.</summary>
    public double LearningRate(double book) => Hyper("lr", Options.LearningRate ?? book);

    /// <summary>Records a hyperparameter for <c>metrics.json</c> and returns it.</summary>
    public T Hyper<T>(string name, T value) where T : notnull
    {
        _hyperparameters[name] = value;
        return value;
    }

    /// <summary>Records a final metric for <c>metrics.json</c>; one that is not finite stops the run with the divergence sentence.</summary>
    public void Metric(string name, double value)
    {
        if (!double.IsFinite(value))
            throw Divergence.Of(Device, $"{name} became {value}");
        _metrics[name] = value;
    }

    /// <summary>
    /// The checkpoint of the run's training called <paramref name="name"/> (a section that trains several models names
    /// each), in a folder of that name under <c>--checkpoint</c>; null without <c>--checkpoint</c>. It is tagged with the
    /// section, the seed, <c>--limit</c>, <c>--resize</c> and every hyperparameter recorded so far but the epochs, so it
    /// resumes only the same run.
    /// </summary>
    public Checkpoint? Checkpoint(string name = "model")
    {
        if (Options.CheckpointDir is not { } folder) return null;
        var settings = _hyperparameters.Where(h => !h.Key.StartsWith("epochs", StringComparison.Ordinal))
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

    /// <summary>The path of a PNG figure in the run folder.</summary>
    public string Figure(string name) => Output.File(name + ".png");

    /// <summary>Deletes the output folder unless the run committed it.</summary>
    public void Dispose()
    {
        _checkpointLock?.Dispose();
        Output.Dispose();
    }
}
