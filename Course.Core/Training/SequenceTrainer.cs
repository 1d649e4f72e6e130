using System.Globalization;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// What d2l's two sequence loops share, <c>train_ch8</c> (8.5) and <c>train_seq2seq</c> (9.7): one number per epoch
/// (perplexity or loss), gradient clipping at norm θ, an animator point every ten epochs, and live progress.
/// </summary>
public abstract class SequenceTrainer : Trainer<double>
{
    /// <summary>The gradient-clipping threshold θ (d2l: 1).</summary>
    public double ClipTheta { get; init; } = 1;

    /// <summary>Add a point to the animator every this many epochs, and after the last (d2l: 10).</summary>
    public int PointsEvery { get; init; } = 10;

    /// <summary>The name of the epoch's number in progress lines: <c>perplexity</c> or <c>loss</c>.</summary>
    protected abstract string MetricName { get; }

    /// <inheritdoc />
    protected override void Record(int epoch, double metric)
    {
        if (epoch % PointsEvery == 0 || epoch == Epochs) Animator?.Add(epoch, metric);
        Progress?.Report(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{Epochs}  {MetricName} {metric:F3}"));
        if (epoch == Epochs) Progress?.Clear();
    }

    /// <summary>
    /// d2l's <c>grad_clipping(net, theta)</c>: scales all gradients by θ / ‖g‖ when their joint L2 norm ‖g‖ exceeds θ.
    /// The scale min(1, θ / ‖g‖) is computed on the device, so clipping needs no host synchronisation.
    /// </summary>
    public static void GradClipping(IEnumerable<Tensor> parameters, double theta)
    {
        using var scope = NewDisposeScope();
        var grads = parameters.Where(p => p.requires_grad).Select(p => p.grad).OfType<Tensor>().ToArray();
        if (grads.Length == 0) return;
        var norm = stack(grads.Select(g => g.square().sum()).ToArray()).sum().sqrt();
        var scale = (theta / norm).clamp_max(1);
        using var noGrad = no_grad();
        foreach (var g in grads) g.mul_(scale);
    }
}
