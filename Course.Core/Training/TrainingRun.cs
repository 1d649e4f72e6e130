using System.Diagnostics;
using System.Globalization;
using Course.Core.Data;
using Course.Core.Events;
using Course.Core.Kernels;
using Course.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// One training of a run, what d2l's loops (<c>train_ch3</c>, <c>train_ch6</c>, <c>train_ch8</c>,
/// <c>train_seq2seq</c>) do around their steps: it owns the device (moves the model, then builds the updater from the
/// moved parameters, then moves every batch), checks the device contract, times the steps, restores and saves the
/// checkpoint, loads and exports the PyTorch weights, steps a learning-rate scheduler after each epoch (11.11), stops
/// on an interruption or a loss that is not finite, and reports each epoch as an event.
/// </summary>
public sealed class TrainingRun
{
    private readonly RunContext _ctx;
    private readonly nn.Module _net;
    private readonly Checkpoint? _checkpoint;
    private readonly ModelWeights _weights;
    private readonly KernelScope? _kernels;
    private readonly EpochScheduler? _scheduler;
    private readonly List<EpochRecord> _history = [];
    private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
    private double _seconds;
    private bool _batchVerified, _stateVerified;

    private TrainingRun(RunContext ctx, string name, nn.Module net, UpdaterFactory updater, int epochs, IEpochOrder? order, EpochScheduler? scheduler)
    {
        (_ctx, Name, _net, Epochs) = (ctx, name, net, epochs);
        (_checkpoint, _weights) = (ctx.Checkpoint(name), ctx.Weights(name));
        if (_weights.StartFrom is { } start) PyTorchWeights.Load(net, start);
        net.to(Device);
        _kernels = KernelGuard.Accelerate(net, Device);
        Updater = updater(net);
        DeviceContract.CheckModel(Device, net, Updater);
        scheduler?.Bind(Updater);
        _scheduler = scheduler;
        if (_checkpoint is { Exists: true })
        {
            // The scheduler's own state is not saved: its steps are replayed from the start, as a straight run took them.
            _history.AddRange(_checkpoint.Restore(net, Updater, done =>
            {
                for (int epoch = 0; epoch < done; epoch++) scheduler?.Step(epoch);
            }));
            if (_history.Count > Epochs)
                throw new CourseException($"The checkpoint in '{_checkpoint.Folder}' holds {_history.Count} epochs, more than the {Epochs} asked for; raise --epochs or use another folder.");
            order?.SkipEpochs(_history.Count);
            ctx.Out.WriteLine($"resumed from {_checkpoint.Folder} after epoch {_history.Count}");
        }
    }

    /// <summary>
    /// Begins the training <paramref name="name"/> of <paramref name="net"/> for <paramref name="epochs"/> epochs on the
    /// run's device, its updater built by <paramref name="updater"/> once the model has moved, and stepped after each
    /// epoch by <paramref name="scheduler"/> when given; a checkpoint's epochs are restored (skipping
    /// <paramref name="order"/>'s draws for them) and reported again.
    /// </summary>
    public static TrainingRun Begin(RunContext ctx, nn.Module net, UpdaterFactory updater, int epochs, IEpochOrder? order = null, string name = "model",
        EpochScheduler? scheduler = null)
    {
        var run = new TrainingRun(ctx, name, net, updater, epochs, order, scheduler);
        ctx.Events.Emit(new TrainingStarted(name, Devices.Describe(ctx.Device), epochs, run._history.Count));
        foreach (var epoch in run._history) run.Report(epoch, restored: true);
        if (run._history.Count == epochs) run.Export();
        return run;
    }

    /// <summary>The training's name: <c>model</c>, or one per training of a section that trains several.</summary>
    public string Name { get; }

    /// <summary>The number of epochs to train for, counting those restored from a checkpoint.</summary>
    public int Epochs { get; }

    /// <summary>Where the model and every batch live.</summary>
    public Device Device => _ctx.Device;

    /// <summary>The updater, built from the moved model.</summary>
    public IUpdater Updater { get; }

    /// <summary>The numbers of the epochs still to train.</summary>
    public IEnumerable<int> EpochsLeft => Enumerable.Range(_history.Count + 1, Epochs - _history.Count);

    /// <summary>The epochs done so far, restored or trained, and the speed of their steps.</summary>
    public TrainingHistory History
    {
        get
        {
            double seconds = _history.Sum(e => e.Seconds);
            return new TrainingHistory(_history.ToArray(), seconds > 0 ? _history.Sum(e => e.Count) / seconds : 0);
        }
    }

    /// <summary>
    /// The scope in which the model's convolution layers run on the kernels <see cref="KernelGuard.Accelerate"/>
    /// allowed it (every <see cref="Step"/> is in it; evaluation enters it too); null where the process's route holds.
    /// </summary>
    public IDisposable? ModelKernels() => _kernels?.Enter();

    /// <summary>
    /// One training step, for <c>using var step = run.Step(x, y)</c>: the batch (CPU tensors from a loader, owned by the
    /// step) moves to the device, and what the step computes is freed when it ends. Its time counts towards the speed.
    /// A SIGINT or SIGTERM (<see cref="Interruption"/>) stops the run here, between steps.
    /// </summary>
    public Step Step(params Tensor[] batch)
    {
        if (Interruption.Requested is { } signal)
            throw new RunInterruptedException(signal, _checkpoint is { } checkpoint && _history.Count > 0
                ? $"in epoch {_history.Count + 1}; the checkpoint in '{checkpoint.Folder}' holds the {_history.Count} epoch(s) before it"
                : $"in epoch {_history.Count + 1}");
        var step = new Step(this, batch);
        if (!_batchVerified)
        {
            DeviceContract.CheckInputs(Device, step.Batch.Select((t, i) => ($"the batch's tensor {i}", (Tensor?)t)).ToArray());
            _batchVerified = true;
        }
        return step;
    }

    /// <summary>
    /// The device contract for what a step feeds the model besides its batch (an initial state), checked on the first
    /// step only, before the first forward pass.
    /// </summary>
    public void Verify(params (string What, Tensor? Value)[] inputs)
    {
        if (_stateVerified) return;
        DeviceContract.CheckInputs(Device, inputs);
        _stateVerified = true;
    }

    /// <summary>Reports where epoch <paramref name="epoch"/> is (at most ten times a second), with the speed of its <paramref name="examples"/> so far.</summary>
    public void Progress(int epoch, int batch, int batches, double examples, double seconds)
    {
        if (_sinceProgress.ElapsedMilliseconds < 100) return;
        _sinceProgress.Restart();
        _ctx.Events.Emit(new ProgressMade(Name, epoch, Epochs, batch, batches, string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch}/{Epochs}  batch {batch}/{batches}  {examples / Math.Max(seconds, 1e-9):F0} examples/sec")));
    }

    /// <summary>Stops with the divergence sentence (<see cref="Divergence"/>) if any of <paramref name="values"/> (a loss or metric) is not finite.</summary>
    public void EnsureFinite(IEnumerable<double> values, int epoch, int? batch = null)
    {
        foreach (double value in values)
            if (!double.IsFinite(value))
                throw Divergence.Of(Device, string.Create(CultureInfo.InvariantCulture,
                    $"the loss became {value} in epoch {epoch}{(batch is { } b ? $" (by batch {b})" : "")}"), _kernels);
    }

    /// <summary>
    /// Ends an epoch: checks and records its <paramref name="metrics"/> and the <paramref name="count"/> examples (or
    /// tokens) it trained on, with a scheduler also the rate it trained at (<c>lr</c>) and then the scheduler's step,
    /// saves the checkpoint, exports the model after the last epoch, and reports the epoch; returns its record.
    /// </summary>
    public EpochRecord EndEpoch(IReadOnlyDictionary<string, double> metrics, double count)
    {
        EnsureFinite(metrics.Values, _history.Count + 1);
        if (_scheduler is not null) metrics = new Dictionary<string, double>(metrics) { ["lr"] = _scheduler.LearningRate };
        var epoch = new EpochRecord(_history.Count + 1, metrics, count, _seconds);
        _history.Add(epoch);
        _seconds = 0;
        _scheduler?.Step(epoch.Epoch - 1);
        // The epoch's tensor wrappers are garbage whose native memory the dispose scopes already freed; collecting
        // them here keeps the managed heap from growing its budget over the first epochs (scripts/benchmark.sh).
        GC.Collect(0);
        _checkpoint?.Save(_net, Updater, _history);
        if (_history.Count == Epochs) Export();
        Report(epoch, restored: false);
        return epoch;
    }

    internal void Add(double seconds) => _seconds += seconds;

    private void Report(EpochRecord epoch, bool restored) =>
        _ctx.Events.Emit(new EpochEnded(Name, epoch.Epoch, Epochs, epoch.Metrics, epoch.Seconds, restored));

    private void Export()
    {
        if (_weights.ExportTo is { } file) PyTorchWeights.Save(_net, file);
    }
}

/// <summary>
/// One step of a <see cref="TrainingRun"/>: its batch on the device (<see cref="X"/>, <see cref="Y"/>, or by index),
/// in a dispose scope and the model's kernel scope, both ended with the step.
/// </summary>
public sealed class Step : IDisposable
{
    private readonly TrainingRun _run;
    private readonly DisposeScope _scope;
    private readonly IDisposable? _kernels;
    private readonly long _started = Stopwatch.GetTimestamp();

    internal Step(TrainingRun run, Tensor[] batch)
    {
        _run = run;
        _scope = NewDisposeScope();
        foreach (var t in batch) _scope.Attach(t);
        _kernels = run.ModelKernels();
        Batch = batch.Select(t => t.to(run.Device)).ToArray();
    }

    /// <summary>The batch's tensors on the device, in the order given.</summary>
    public IReadOnlyList<Tensor> Batch { get; }

    /// <summary>The batch's features (its first tensor).</summary>
    public Tensor X => Batch[0];

    /// <summary>The batch's labels (its second tensor).</summary>
    public Tensor Y => Batch[1];

    /// <summary>Frees what the step computed and adds its time to the epoch's.</summary>
    public void Dispose()
    {
        _kernels?.Dispose();
        _scope.Dispose();
        _run.Add(Stopwatch.GetElapsedTime(_started).TotalSeconds);
    }
}

/// <summary>What a training measured: each epoch's record, and examples (or tokens) per second over their steps.</summary>
public sealed record TrainingHistory(IReadOnlyList<EpochRecord> Epochs, double PerSecond)
{
    /// <summary>The last epoch's metrics.</summary>
    public IReadOnlyDictionary<string, double> Final => Epochs[^1].Metrics;
}
