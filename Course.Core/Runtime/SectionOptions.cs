namespace Course.Core.Runtime;

/// <summary>
/// The options of a run that a section may use or not. The others (device, seed, threads, data folder, output
/// folder, JSON) every section takes.
/// </summary>
[Flags]
public enum SectionOptions
{
    /// <summary>None of them.</summary>
    None = 0,

    /// <summary><c>--epochs</c>, read through <see cref="RunContext.Epochs"/>.</summary>
    Epochs = 1,

    /// <summary><c>--batch-size</c>, read through <see cref="RunContext.BatchSize"/>.</summary>
    BatchSize = 2,

    /// <summary><c>--lr</c>, read through <see cref="RunContext.LearningRate"/>.</summary>
    LearningRate = 4,

    /// <summary><c>--limit</c>, read through <see cref="RunContext.Limit"/>.</summary>
    Limit = 8,

    /// <summary><c>--resize</c>, read through <see cref="RunOptions.Resize"/>.</summary>
    Resize = 16,

    /// <summary><c>--checkpoint</c>, read through <see cref="RunOptions.CheckpointDir"/>.</summary>
    Checkpoint = 32,

    /// <summary>
    /// <c>--weights</c>, read through <see cref="RunOptions.Weights"/>: a training starts from a PyTorch state_dict (and,
    /// whether given or not, writes its trained model as safetensors).
    /// </summary>
    Weights = 64,

    /// <summary>All of them.</summary>
    All = Epochs | BatchSize | LearningRate | Limit | Resize | Checkpoint | Weights,
}
