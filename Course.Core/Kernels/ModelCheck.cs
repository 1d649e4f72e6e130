using TorchSharp;
using static TorchSharp.torch;

namespace Course.Core.Kernels;

/// <summary>A model's float32 forward and backward on a device, against the same weights in float64 on the CPU.</summary>
/// <param name="Forward">The largest relative error of the outputs (see <see cref="KernelCheck.RelativeError"/>).</param>
/// <param name="Backward">The relative error of all parameter gradients taken together.</param>
public sealed record ModelError(double Forward, double Backward)
{
    /// <summary>
    /// The largest relative error a whole book model may have against float64. float32 rounds each operation to
    /// 6e-8; through the book's deepest networks (DenseNet and ResNet: about 60 layers of sums of up to 4,600
    /// products, batch norms that divide by small variances) right kernels stay within about 1e-5, while the wrong
    /// kernels seen are 1e-3 and more off. 1e-4 sits between the two.
    /// </summary>
    public const double Tolerance = 1e-4;

    /// <summary>Whether both errors are within <see cref="Tolerance"/> (a NaN never is).</summary>
    public bool Passed => Forward <= Tolerance && Backward <= Tolerance;
}

/// <summary>
/// Checks a whole model the way <see cref="KernelCheck"/> checks single kernels: in evaluation mode, its outputs and
/// the gradients of their sum, weighted by a fixed random tensor, are computed in float32 on the device and in float64
/// on the CPU (libtorch's own kernels, which take no oneDNN, cuDNN or NNPACK), from the same weights.
/// </summary>
public static class ModelCheck
{
    /// <summary>
    /// Compares <paramref name="call"/> of <paramref name="net"/> (float32, on the CPU, where it is left afterwards in
    /// float32) on <paramref name="inputs"/> (CPU tensors) between <paramref name="device"/> and float64 on the CPU.
    /// Tensors the model creates itself are float64 in the reference too.
    /// </summary>
    public static ModelError Compare(nn.Module net, Func<nn.Module, Tensor[], Tensor[]> call, Tensor[] inputs, Device device)
    {
        using var scope = NewDisposeScope();
        var ((y32, g32), (y64, g64)) = InBothPrecisions(net, inputs, device, x => ForwardBackward(net, call, x));
        return new ModelError(y32.Zip(y64, KernelCheck.RelativeError).Max(), KernelCheck.RelativeError(g32, g64));
    }

    /// <summary>The forward half of <see cref="Compare"/>: the largest relative error of the outputs, without gradients.</summary>
    public static double CompareForward(nn.Module net, Func<nn.Module, Tensor[], Tensor[]> call, Tensor[] inputs, Device device)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (y32, y64) = InBothPrecisions(net, inputs, device, x => call(net, x));
        return y32.Zip(y64, KernelCheck.RelativeError).Max();
    }

    /// <summary>Runs <paramref name="compute"/> in evaluation mode in float32 on the device, then in float64 on the CPU.</summary>
    private static (T Float32, T Float64) InBothPrecisions<T>(nn.Module net, Tensor[] inputs, Device device, Func<Tensor[], T> compute)
    {
        net.eval();
        net.to(device);
        var result32 = compute(inputs.Select(t => t.to(device)).ToArray());
        var dtype = get_default_dtype();
        net.to(CPU).to(float64);
        set_default_dtype(float64);
        try
        {
            return (result32, compute(inputs.Select(t => t.is_floating_point() ? t.to(float64) : t).ToArray()));
        }
        finally
        {
            set_default_dtype(dtype);
            net.to(float32);
        }
    }

    private static (Tensor[] Outputs, Tensor Gradients) ForwardBackward(nn.Module net, Func<nn.Module, Tensor[], Tensor[]> call, Tensor[] inputs)
    {
        foreach (var p in net.parameters()) p.grad = null;
        var outputs = call(net, inputs);
        using var generator = new Generator(11);
        var loss = outputs.Where(y => y.is_floating_point() && y.requires_grad)
            .Select(y => (y * randn(y.shape, float64, generator: generator).to(y.dtype).to(y.device)).sum())
            .Aggregate((a, b) => a + b);
        loss.backward();
        var gradients = net.parameters().Where(p => p.grad is not null).Select(p => p.grad!.flatten().to(float64).cpu()).ToArray();
        return (outputs.Select(y => y.detach()).ToArray(), gradients.Length > 0 ? cat(gradients) : zeros(1, float64));
    }
}
