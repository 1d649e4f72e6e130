namespace Course.Core.Runtime;

/// <summary>
/// The options of one run, as the command line gives them: those every section takes, and the values given for the
/// section's own settings (its hyperparameters, bound by name to its <c>Settings</c> record).
/// </summary>
public sealed record RunOptions
{
    /// <summary>
    /// The values given for the section's settings, by option name without dashes (<c>lr</c>, <c>batch-size</c>), as
    /// written on the command line; the others keep the book's values.
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary><c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Seed for torch and every .NET <see cref="Random"/>.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>libtorch intra-op threads; null for the section's default (<see cref="RunContext.Threads"/>).</summary>
    public int? Threads { get; init; }

    /// <summary>Data folder searched first, before <c>COURSE_DATA</c> and <c>data/</c>.</summary>
    public string? DataDir { get; init; }

    /// <summary>Folder under which each run writes <c>&lt;id&gt;/&lt;timestamp&gt;/</c>.</summary>
    public string OutDir { get; init; } = "runs";

    /// <summary>Also print one JSON line with the run's result.</summary>
    public bool Json { get; init; }

    /// <summary>Write every event of the run as JSON lines to this file, or to standard output for <c>-</c>; null for none.</summary>
    public string? Events { get; init; }

    /// <summary>Folder to save a checkpoint to after every epoch, and to resume from when it holds one (training sections).</summary>
    public string? CheckpointDir { get; init; }

    /// <summary>
    /// A PyTorch state_dict (<c>.pt</c>, <c>.pth</c> or <c>.safetensors</c>) every training of the section starts from,
    /// or a folder holding one per training, named after it (e.g. a run folder's <c>model.safetensors</c>); null to
    /// start from the book's initialisation.
    /// </summary>
    public string? Weights { get; init; }

    /// <summary>Checks the values a user can get wrong and says which one is.</summary>
    public void Validate()
    {
        if (Threads is < 1) throw new CourseException($"--threads must be at least 1, not {Threads}.");
        if (DataDir is { } file && File.Exists(file)) throw new CourseException($"--data-dir '{file}' is a file; give the folder that holds the data sets.");
        if (DataDir is { } dir && !Directory.Exists(dir)) throw new CourseException($"--data-dir '{dir}' does not exist.");
        if (Weights is { } weights && !File.Exists(weights) && !Directory.Exists(weights))
            throw new CourseException($"--weights '{weights}' does not exist; give a .pt, .pth or .safetensors state_dict, or a folder of them.");
        if (Events is { } events && events != "-" && Directory.Exists(events))
            throw new CourseException($"--events '{events}' is a folder; give a file to write the events to, or - for standard output.");
    }
}
