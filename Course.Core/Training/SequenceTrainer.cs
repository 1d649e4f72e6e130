using Course.Core.Plotting;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// The settings d2l's two sequence loops share, <c>train_ch8</c> (8.5) and <c>train_seq2seq</c> (9.7): epochs,
/// device, gradient clipping at norm θ, an animator point every ten epochs, and live progress.
/// </summary>
public abstract class SequenceTrainer
{
    /// <summary>Number of epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>Where the model and batches live.</summary>
    public Device Device { get; init; } = CPU;

    /// <summary>The gradient-clipping threshold θ (d2l: 1).</summary>
    public double ClipTheta { get; init; } = 1;

    /// <summary>Live curve of the epoch metric (perplexity or loss), or null for none.</summary>
    public Animator? Animator { get; init; }

    /// <summary>Add a point to the animator every this many epochs, and after the last (d2l: 10).</summary>
    public int PointsEvery { get; init; } = 10;

    /// <summary>Live progress, or null to stay silent.</summary>
    public ProgressLine? Progress { get; init; }
}
