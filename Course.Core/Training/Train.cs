using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// d2l's training functions, one per kind of task, each read top to bottom beside the book's: <see cref="Ch3"/> and
/// <see cref="Ch6"/> (classification), <see cref="Ch8"/> (language models), <see cref="Seq2Seq"/> (translation) and
/// <see cref="Regression"/>; and the helpers they share, <see cref="GradClipping"/> and <see cref="XavierInit"/>. What
/// d2l's loops lack (checkpoints, the device contract, PyTorch weights, interruption, events) is the
/// <see cref="TrainingRun"/> they are written over.
/// </summary>
public static partial class Train
{
    /// <summary>
    /// d2l's <c>grad_clipping(net, theta)</c> (8.5): scales all gradients by θ / ‖g‖ when their joint L2 norm ‖g‖
    /// exceeds θ. The scale min(1, θ / ‖g‖) is computed on the device, so clipping needs no host synchronisation.
    /// </summary>
    public static void GradClipping(nn.Module net, double theta)
    {
        using var scope = NewDisposeScope();
        var grads = net.parameters().Where(p => p.requires_grad).Select(p => p.grad).OfType<Tensor>().ToArray();
        if (grads.Length == 0) return;
        var norm = stack(grads.Select(g => g.square().sum()).ToArray()).sum().sqrt();
        var scale = (theta / norm).clamp_max(1);
        using var noGrad = no_grad();
        foreach (var g in grads) g.mul_(scale);
    }

    /// <summary>
    /// The Xavier initialisation of <c>train_ch6</c>'s <c>init_weights</c> (6.6) and <c>train_seq2seq</c>'s
    /// <c>xavier_init_weights</c> (9.7): Xavier-uniform weights for every Linear and Conv2d layer and every weight matrix
    /// of a GRU. Returns <paramref name="net"/>.
    /// </summary>
    public static T XavierInit<T>(T net) where T : nn.Module
    {
        using var noGrad = no_grad();
        foreach (var module in net.modules())
        {
            switch (module)
            {
                case Linear linear:
                    nn.init.xavier_uniform_(linear.weight!);
                    break;
                case Conv2d conv:
                    nn.init.xavier_uniform_(conv.weight!);
                    break;
                case GRU gru:
                    foreach (var (name, parameter) in gru.named_parameters())
                        if (name.Contains("weight", StringComparison.Ordinal)) nn.init.xavier_uniform_(parameter);
                    break;
            }
        }
        return net;
    }
}
