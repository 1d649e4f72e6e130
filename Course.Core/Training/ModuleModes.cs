using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// Evaluation mode as a scope (<c>net.eval()</c> now, the module's previous mode back when the scope ends, even on an
/// exception), the device a module lives on, and its predictions after training.
/// </summary>
public static class ModuleModes
{
    /// <summary>Puts <paramref name="module"/> in evaluation mode until the returned scope is disposed.</summary>
    public static IDisposable Evaluating(this nn.Module module)
    {
        var restore = new Restore(module, module.training);
        module.eval();
        return restore;
    }

    /// <summary>The device of <paramref name="module"/>'s first parameter, or the CPU for a module without any.</summary>
    public static Device DeviceOf(this nn.Module module) =>
        module.parameters().FirstOrDefault()?.device ?? CPU;

    /// <summary>
    /// <paramref name="net"/>'s output for <paramref name="x"/> after training: computed where the model is, in
    /// evaluation mode and without gradients, and returned on the CPU (d2l's <c>net(X).detach().cpu()</c>).
    /// </summary>
    public static Tensor Predict(this nn.Module<Tensor, Tensor> net, Tensor x)
    {
        using var scope = NewDisposeScope();
        using var evaluating = net.Evaluating();
        using var noGrad = no_grad();
        return net.call(x.to(net.DeviceOf())).cpu().MoveToOuterDisposeScope();
    }

    private sealed class Restore(nn.Module module, bool training) : IDisposable
    {
        public void Dispose() => module.train(training);
    }
}
