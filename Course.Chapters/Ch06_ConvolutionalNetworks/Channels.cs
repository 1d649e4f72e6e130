using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Chapters.Ch06_ConvolutionalNetworks;

/// <summary>6.4 Multiple input and output channels, and the 1×1 convolution as a matrix product.</summary>
[Section("channels", "6.4", "Multiple input and multiple output channels")]
public sealed class Channels : ISection
{
    /// <summary>d2l's <c>corr2d_multi_in</c>: cross-correlate each input channel with its kernel and add them up.</summary>
    public static Tensor Corr2dMultiIn(Tensor X, Tensor K) =>
        Enumerable.Range(0, (int)X.shape[0]).Select(c => ConvolutionLayer.Corr2d(X[c], K[c])).Aggregate((a, b) => a + b);

    /// <summary>d2l's <c>corr2d_multi_in_out</c>: one multi-input cross-correlation per output channel, stacked.</summary>
    public static Tensor Corr2dMultiInOut(Tensor X, Tensor K) =>
        stack(Enumerable.Range(0, (int)K.shape[0]).Select(o => Corr2dMultiIn(X, K[o])).ToArray(), 0);

    /// <summary>d2l's <c>corr2d_multi_in_out_1x1</c>: a 1×1 convolution as (c_o × c_i) · (c_i × hw).</summary>
    public static Tensor Corr2dMultiInOut1x1(Tensor X, Tensor K)
    {
        long ci = X.shape[0], h = X.shape[1], w = X.shape[2], co = K.shape[0];
        return matmul(K.reshape(co, ci), X.reshape(ci, h * w)).reshape(co, h, w);
    }

    /// <summary>The book's two-channel input (3×3 each).</summary>
    public static Tensor Input() => tensor(new[] { 0f, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, [2, 3, 3]);

    /// <summary>The book's two-channel kernel (2×2 each).</summary>
    public static Tensor Kernel() => tensor(new[] { 0f, 1, 2, 3, 1, 2, 3, 4 }, [2, 2, 2]);

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var (X, K) = (Input(), Kernel());
        ctx.Out.Show("corr2d_multi_in(X, K)", Corr2dMultiIn(X, K));
        var K3 = stack([K, K + 1, K + 2], 0);
        ctx.Out.WriteLine($"K = stack((K, K + 1, K + 2)): ({string.Join(", ", K3.shape)})");
        ctx.Out.Show("corr2d_multi_in_out(X, K)", Corr2dMultiInOut(X, K3));

        var x = normal(0, 1, [3, 3, 3]);
        var k = normal(0, 1, [2, 3, 1, 1]);
        double difference = (Corr2dMultiInOut1x1(x, k) - Corr2dMultiInOut(x, k)).abs().sum().item<float>();
        ctx.Out.WriteLine($"1×1 convolution as a matrix product: |Y1 - Y2| summed = {difference:E1}");
        ctx.Metric("one_by_one_difference", difference);
    }
}
