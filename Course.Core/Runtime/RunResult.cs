using System.Text.Encodings.Web;
using System.Text.Json;

namespace Course.Core.Runtime;

/// <summary>What a run leaves behind: its metrics, hyperparameters, device, threads and wall time (<c>metrics.json</c>).</summary>
public sealed record RunResult
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions OneLine = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The section's id, e.g. <c>softmax-concise</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The book's section number, e.g. <c>3.7</c>.</summary>
    public required string Section { get; init; }

    /// <summary>The section's title.</summary>
    public required string Title { get; init; }

    /// <summary>Final metrics by name (e.g. <c>train_loss</c>, <c>test_acc</c>, <c>examples_per_sec</c>).</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>The hyperparameters the run used, book defaults included.</summary>
    public required IReadOnlyDictionary<string, object> Hyperparameters { get; init; }

    /// <summary>The device the run used, as d2l names it (<c>cpu</c>, <c>cuda:0</c>).</summary>
    public required string Device { get; init; }

    /// <summary>How convolutions were computed: <c>default</c>, or <c>oneDNN off</c> / <c>cuDNN off</c> where the default kernels failed the check.</summary>
    public required string Kernels { get; init; }

    /// <summary>libtorch intra-op threads.</summary>
    public required int Threads { get; init; }

    /// <summary>The seed.</summary>
    public required long Seed { get; init; }

    /// <summary>Peak working set of the process in megabytes.</summary>
    public required double PeakMemoryMb { get; init; }

    /// <summary>Wall time of the whole run in seconds.</summary>
    public required double WallSeconds { get; init; }

    /// <summary>Where the run's files went (metrics.json, figures, TensorBoard events).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The run as indented JSON, as written to <c>metrics.json</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    /// <summary>The run as one JSON line, as printed by <c>--json</c>.</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(this, OneLine);
}
