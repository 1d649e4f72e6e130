using System.Globalization;
using Course.Core.Data;
using Course.Core.Kernels;
using Course.Core.Plotting;
using Course.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// What every training loop shares (d2l's <c>train_ch3</c>, <c>train_ch6</c>, <c>train_ch8</c>, <c>train_seq2seq</c>
/// and the regression loops of chapters 3 and 4): the epochs, the device the run trains on, the live curves and
/// progress, the checkpoint, and <see cref="Begin"/>, which owns the device in d2l's order: move the model, then build
/// the updater from the moved parameters, then (in <see cref="TrainingRun{TEpoch}.Step"/>) move every batch.
/// </summary>
/// <typeparam name="TEpoch">What one epoch measures.</typeparam>
public abstract class Trainer<TEpoch> where TEpoch : notnull
{
    /// <summary>Number of epochs to train for (counting epochs restored from a checkpoint).</summary>
    public required int Epochs { get; init; }

    /// <summary>Where the model and every batch live.</summary>
    public Device Device { get; init; } = CPU;

    /// <summary>Live curves of the epoch metrics, or null for none.</summary>
    public Animator? Animator { get; init; }

    /// <summary>Live progress and per-epoch lines, or null to stay silent.</summary>
    public ProgressLine? Progress { get; init; }

    /// <summary>Saves a checkpoint here after every epoch and resumes from it when one is there, or null for none.</summary>
    public Checkpoint? Checkpoint { get; init; }

    /// <summary>
    /// The PyTorch state_dict the model starts from (loaded before it moves to <see cref="Device"/> and before a
    /// checkpoint is restored) and the file the trained model is exported to after the last epoch; null for neither.
    /// </summary>
    public ModelWeights? Weights { get; init; }

    /// <summary>Called after each epoch, restored or trained.</summary>
    public Action<int, TEpoch>? EpochEnded { get; init; }

    private KernelScope? _kernels;

    /// <summary>Shows one epoch's metrics: animator points, TensorBoard scalars, a progress line.</summary>
    protected abstract void Record(int epoch, TEpoch metrics);

    /// <summary>
    /// Loads <see cref="Weights"/>' start into <paramref name="net"/>, moves it to <see cref="Device"/>, builds its updater
    /// with <paramref name="updater"/>, checks both against the device, and restores the checkpoint (skipping
    /// <paramref name="order"/>'s draws of the restored epochs). The returned run trains the epochs that are left.
    /// </summary>
    protected TrainingRun<TEpoch> Begin(nn.Module net, UpdaterFactory updater, IEpochOrder? order)
    {
        if (Weights?.StartFrom is { } start) PyTorchWeights.Load(net, start);
        net.to(Device);
        var kernels = _kernels = KernelGuard.Accelerate(net, Device);
        var built = updater(net);
        DeviceContract.CheckModel(Device, net, built);
        var done = new List<EpochRecord<TEpoch>>();
        if (Checkpoint is { Exists: true })
        {
            done.AddRange(Checkpoint.Restore<TEpoch>(net, built));
            if (done.Count > Epochs)
                throw new CourseException($"The checkpoint in '{Checkpoint.Folder}' holds {done.Count} epochs, more than the {Epochs} asked for; raise --epochs or use another folder.");
            order?.SkipEpochs(done.Count);
            Progress?.Line($"resumed from {Checkpoint.Folder} after epoch {done.Count}");
        }
        var run = new TrainingRun<TEpoch>(this, net, built, done, kernels);
        for (int i = 0; i < done.Count; i++) Ended(i + 1, done[i].Metrics);
        if (done.Count == Epochs) Export(net);
        return run;
    }

    /// <summary>Writes the trained model to <see cref="Weights"/>' export file, if any (once, after the last epoch).</summary>
    internal void Export(nn.Module net)
    {
        if (Weights?.ExportTo is { } file) PyTorchWeights.Save(net, file);
    }

    internal void Ended(int epoch, TEpoch metrics)
    {
        Record(epoch, metrics);
        EpochEnded?.Invoke(epoch, metrics);
    }

    /// <summary>Stops with the divergence sentence (<see cref="Divergence"/>) if any of <paramref name="values"/> (a loss or metric) is not finite.</summary>
    protected void EnsureFinite(IEnumerable<double> values, int epoch, int? batch = null)
    {
        foreach (double value in values)
            if (!double.IsFinite(value))
                throw Divergence.Of(Device, string.Create(CultureInfo.InvariantCulture,
                    $"the loss became {value} in epoch {epoch}{(batch is { } b ? $" (by batch {b})" : "")}"), _kernels);
    }
}

/// <summary>
/// One run of a <see cref="Trainer{TEpoch}"/>: the model on its device, its updater, the epochs done (restored or
/// trained) and the timer. Each step runs in its own dispose scope with its batch moved to the device.
/// </summary>
/// <typeparam name="TEpoch">What one epoch measures.</typeparam>
public sealed class TrainingRun<TEpoch> where TEpoch : notnull
{
    private readonly Trainer<TEpoch> _trainer;
    private readonly nn.Module _net;
    private readonly List<EpochRecord<TEpoch>> _history;
    private readonly KernelScope? _kernels;
    private readonly Timer _timer = new();
    private double _seconds;
    private bool _verified;

    internal TrainingRun(Trainer<TEpoch> trainer, nn.Module net, IUpdater updater, List<EpochRecord<TEpoch>> history, KernelScope? kernels)
    {
        (_trainer, _net, Updater, _history, _kernels) = (trainer, net, updater, history, kernels);
    }

    /// <summary>
    /// The scope in which the model's convolution layers run on the kernels <see cref="KernelGuard.Accelerate"/>
    /// allowed it (every <see cref="Step"/> is in it); null where the process's route holds for the model too.
    /// </summary>
    public IDisposable? ModelKernels() => _kernels?.Enter();

    /// <summary>The updater, built from the moved model.</summary>
    public IUpdater Updater { get; }

    /// <summary>The device the run trains on.</summary>
    public Device Device => _trainer.Device;

    /// <summary>The epochs done so far, restored or trained.</summary>
    public IReadOnlyList<EpochRecord<TEpoch>> History => _history;

    /// <summary>The numbers of the epochs still to train.</summary>
    public IEnumerable<int> EpochsLeft => Enumerable.Range(_history.Count + 1, _trainer.Epochs - _history.Count);

    /// <summary>Examples (or tokens) per second of training step, over every epoch done.</summary>
    public double PerSecond
    {
        get
        {
            double seconds = _history.Sum(e => e.Seconds);
            return seconds > 0 ? _history.Sum(e => e.Count) / seconds : 0;
        }
    }

    /// <summary>
    /// One training step in its own dispose scope: <paramref name="batch"/> (CPU tensors from a loader, owned by the
    /// step) moves to the device and <paramref name="body"/> runs on the moved tensors. The step's time counts towards
    /// the speed. A SIGINT or SIGTERM (<see cref="Interruption"/>) stops the run here, between steps.
    /// </summary>
    public void Step(Tensor[] batch, Action<Tensor[]> body)
    {
        if (Interruption.Requested is { } signal)
            throw new RunInterruptedException(signal, _trainer.Checkpoint is { } checkpoint && _history.Count > 0
                ? $"in epoch {_history.Count + 1}; the checkpoint in '{checkpoint.Folder}' holds the {_history.Count} epoch(s) before it"
                : $"in epoch {_history.Count + 1}");
        _timer.Start();
        using (var scope = NewDisposeScope())
        using (ModelKernels())
        {
            foreach (var t in batch) scope.Attach(t);
            body(batch.Select(t => t.to(Device)).ToArray());
        }
        _seconds += _timer.Stop();
    }

    /// <summary>
    /// The device contract for what a step feeds the model (its batch, its initial state), checked on the first step
    /// only, right before the first forward pass.
    /// </summary>
    public void Verify(params (string What, Tensor? Value)[] inputs)
    {
        if (_verified) return;
        DeviceContract.CheckInputs(Device, inputs);
        _verified = true;
        DeviceContract.Passed();
    }

    /// <summary>Ends an epoch: records its metrics and the <paramref name="count"/> examples it trained on, shows them, saves the checkpoint.</summary>
    public void EndEpoch(TEpoch metrics, double count)
    {
        _history.Add(new EpochRecord<TEpoch>(metrics, count, _seconds));
        _seconds = 0;
        // The epoch's tensor wrappers are garbage whose native memory the dispose scopes already freed; collecting
        // them here keeps the managed heap from growing its budget over the first epochs (scripts/benchmark.sh).
        GC.Collect(0);
        _trainer.Checkpoint?.Save(_net, Updater, _history);
        if (_history.Count == _trainer.Epochs) _trainer.Export(_net);
        _trainer.Ended(_history.Count, metrics);
    }
}
