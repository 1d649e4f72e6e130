namespace Course.Core.Runtime;

/// <summary>
/// The options of one run, as the command line gives them. Unset hyperparameters (null) take the book's value,
/// which each section supplies. A <see cref="RunContext"/>'s copy lets its section read only the
/// <see cref="SectionOptions"/> it declares.
/// </summary>
public sealed record RunOptions
{
    /// <summary>Number of epochs; null for the book's.</summary>
    public int? Epochs { get => Read(SectionOptions.Epochs, field); init; }

    /// <summary>Minibatch size; null for the book's.</summary>
    public int? BatchSize { get => Read(SectionOptions.BatchSize, field); init; }

    /// <summary>Learning rate; null for the book's.</summary>
    public double? LearningRate { get => Read(SectionOptions.LearningRate, field); init; }

    /// <summary><c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Seed for torch and every .NET <see cref="Random"/>.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>libtorch intra-op threads; null for the section's default (<see cref="RunContext.Threads"/>).</summary>
    public int? Threads { get; init; }

    /// <summary>Image side length images are resized to; null for the book's.</summary>
    public int? Resize { get => Read(SectionOptions.Resize, field); init; }

    /// <summary>Train on the first N examples only (a quick try on a laptop CPU); null for all.</summary>
    public int? Limit { get => Read(SectionOptions.Limit, field); init; }

    /// <summary>Data folder searched first, before <c>COURSE_DATA</c> and <c>data/</c>.</summary>
    public string? DataDir { get; init; }

    /// <summary>Folder under which each run writes <c>&lt;id&gt;/&lt;timestamp&gt;/</c>.</summary>
    public string OutDir { get; init; } = "runs";

    /// <summary>Also print one JSON line with the run's result.</summary>
    public bool Json { get; init; }

    /// <summary>Folder to save a checkpoint to after every epoch, and to resume from when it holds one.</summary>
    public string? CheckpointDir { get => Read(SectionOptions.Checkpoint, field); init; }

    /// <summary>
    /// A PyTorch state_dict (<c>.pt</c>, <c>.pth</c> or <c>.safetensors</c>) every training of the section starts from,
    /// or a folder holding one per training, named after it (e.g. a run folder's <c>model.safetensors</c>); null to
    /// start from the book's initialisation.
    /// </summary>
    public string? Weights { get => Read(SectionOptions.Weights, field); init; }

    /// <summary>The section options that may be read: all of them, but in a <see cref="RunContext"/>'s copy only its section's.</summary>
    internal SectionOptions Readable { get; init; } = SectionOptions.All;

    /// <summary>The section options this run gives a value.</summary>
    public SectionOptions Given() =>
        (Epochs is null ? 0 : SectionOptions.Epochs) | (BatchSize is null ? 0 : SectionOptions.BatchSize)
        | (LearningRate is null ? 0 : SectionOptions.LearningRate) | (Limit is null ? 0 : SectionOptions.Limit)
        | (Resize is null ? 0 : SectionOptions.Resize) | (CheckpointDir is null ? 0 : SectionOptions.Checkpoint)
        | (Weights is null ? 0 : SectionOptions.Weights);

    /// <summary>Checks the values a user can get wrong and says which one is.</summary>
    public void Validate()
    {
        if (Epochs is <= 0) throw new CourseException($"--epochs must be a positive whole number, not {Epochs}.");
        if (BatchSize is <= 0) throw new CourseException($"--batch-size must be a positive whole number, not {BatchSize}.");
        if (LearningRate is { } lr && (!double.IsFinite(lr) || lr <= 0))
            throw new CourseException($"--lr must be a positive finite number, not {lr}.");
        if (Threads is < 1) throw new CourseException($"--threads must be at least 1, not {Threads}.");
        if (Resize is <= 0) throw new CourseException($"--resize must be a positive number of pixels, not {Resize}.");
        if (Limit is <= 0) throw new CourseException($"--limit must be a positive whole number, not {Limit}.");
        if (DataDir is { } file && File.Exists(file)) throw new CourseException($"--data-dir '{file}' is a file; give the folder that holds the data sets.");
        if (DataDir is { } dir && !Directory.Exists(dir)) throw new CourseException($"--data-dir '{dir}' does not exist.");
        if (Weights is { } weights && !File.Exists(weights) && !Directory.Exists(weights))
            throw new CourseException($"--weights '{weights}' does not exist; give a .pt, .pth or .safetensors state_dict, or a folder of them.");
    }

    private T Read<T>(SectionOptions option, T value) => Readable.HasFlag(option) ? value
        : throw new InvalidOperationException($"The section reads the {option} option but does not declare it among its SectionOptions.");
}
