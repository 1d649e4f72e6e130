using System.Text.Json.Serialization;

namespace Course.Core.Events;

/// <summary>
/// One event of a run, in the order it happened: the one stream (<see cref="RunEvents"/>) that feeds the console,
/// the animators' PNGs, TensorBoard, <c>metrics.json</c> and <c>--events</c>. docs/events.md documents each as the JSON
/// line <see cref="EventWriter"/> writes; <see cref="Time"/> is the seconds since the run started.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RunStarted), "run_started")]
[JsonDerivedType(typeof(TrainingStarted), "training_started")]
[JsonDerivedType(typeof(ChartStarted), "chart")]
[JsonDerivedType(typeof(PointAdded), "point")]
[JsonDerivedType(typeof(ProgressMade), "progress")]
[JsonDerivedType(typeof(EpochEnded), "epoch_ended")]
[JsonDerivedType(typeof(LinePrinted), "line")]
[JsonDerivedType(typeof(FigureWritten), "figure")]
[JsonDerivedType(typeof(MetricRecorded), "metric")]
[JsonDerivedType(typeof(RunEnded), "run_ended")]
public abstract record RunEvent
{
    /// <summary>Seconds since the run started, stamped by <see cref="RunEvents.Emit"/>.</summary>
    [JsonPropertyOrder(-1)]
    public double Time { get; init; }
}

/// <summary>
/// A run began: its section, settings (the book's unless given), device, threads, kernel route and seed, and the
/// folder it writes (hidden until the run commits it under its final name, <see cref="RunEnded.Folder"/>).
/// </summary>
public sealed record RunStarted(string Section, IReadOnlyDictionary<string, object> Settings, string Device, int Threads, string Kernels, long Seed, string Folder) : RunEvent;

/// <summary>
/// A training began (d2l's loop was called): its name, the device its model and updater were checked on, its epochs,
/// and the epochs a checkpoint restored.
/// </summary>
public sealed record TrainingStarted(string Training, string Device, int Epochs, int Restored) : RunEvent;

/// <summary>
/// A live figure (d2l's <c>Animator</c>) began: the PNG <paramref name="Figure"/> (a name in the run folder, without
/// <c>.png</c>) and how it is drawn. Its points follow as <see cref="PointAdded"/>.
/// </summary>
public sealed record ChartStarted(string Figure, IReadOnlyList<string> Legend, string? XLabel, string? YLabel,
    double[]? XLim, double[]? YLim, bool LogY) : RunEvent;

/// <summary>One point of a live figure: x and the value of each series that has one at x (d2l's <c>None</c> leaves a series out).</summary>
public sealed record PointAdded(string Figure, double X, IReadOnlyDictionary<string, double> Values) : RunEvent;

/// <summary>Where a training is within its epoch: batch <paramref name="Batch"/> of <paramref name="Batches"/> of epoch <paramref name="Epoch"/>, at most ten a second.</summary>
public sealed record ProgressMade(string Training, int Epoch, int Epochs, int Batch, int Batches, string Status) : RunEvent;

/// <summary>
/// An epoch of the training <paramref name="Training"/> ended (or was restored from a checkpoint): its metrics by
/// name, and the seconds its steps took.
/// </summary>
public sealed record EpochEnded(string Training, int Epoch, int Epochs, IReadOnlyDictionary<string, double> Metrics, double Seconds, bool Restored) : RunEvent;

/// <summary>A line the section printed.</summary>
public sealed record LinePrinted(string Text) : RunEvent;

/// <summary>A figure was written whole: <paramref name="File"/> is its name in the run folder (<c>data.png</c>).</summary>
public sealed record FigureWritten(string File) : RunEvent;

/// <summary>A final metric was recorded for <c>metrics.json</c>.</summary>
public sealed record MetricRecorded(string Name, double Value) : RunEvent;

/// <summary>
/// The run ended: <paramref name="Status"/> is <c>completed</c>, <c>failed</c> or <c>interrupted</c>, with the
/// process's exit code, the one sentence of a failure, and the committed run folder of a completed run.
/// </summary>
public sealed record RunEnded(string Status, int ExitCode, string? Message, string? Folder) : RunEvent;
