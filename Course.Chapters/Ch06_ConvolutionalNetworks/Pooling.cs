using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Chapters.Ch06_ConvolutionalNetworks;

/// <summary>6.5 Pooling: max and average pooling from scratch, then <c>nn.MaxPool2d</c> with padding, stride and channels.</summary>
[Section("pooling", "6.5", "Pooling")]
public sealed class Pooling : ISection
{
    /// <summary>The two pooling modes of d2l's <c>pool2d</c>.</summary>
    public enum Mode
    {
        /// <summary>The maximum of each window.</summary>
        Max,

        /// <summary>The mean of each window.</summary>
        Average,
    }

    /// <summary>d2l's <c>pool2d(X, pool_size, mode)</c>: stride 1, no padding.</summary>
    public static Tensor Pool2d(Tensor X, (int Height, int Width) poolSize, Mode mode = Mode.Max)
    {
        var (p_h, p_w) = poolSize;
        var Y = zeros(X.shape[0] - p_h + 1, X.shape[1] - p_w + 1, dtype: X.dtype);
        for (long i = 0; i < Y.shape[0]; i++)
            for (long j = 0; j < Y.shape[1]; j++)
            {
                var window = X[TensorIndex.Slice(i, i + p_h), TensorIndex.Slice(j, j + p_w)];
                Y[i, j] = mode == Mode.Max ? window.max() : window.mean();
            }
        return Y;
    }

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var X = tensor(new[] { 0f, 1, 2, 3, 4, 5, 6, 7, 8 }, [3, 3]);
        ctx.Out.Show("pool2d(X, (2, 2)) max", Pool2d(X, (2, 2)));
        ctx.Out.Show("pool2d(X, (2, 2), 'avg')", Pool2d(X, (2, 2), Mode.Average));

        var X4 = arange(16, dtype: float32).reshape(1, 1, 4, 4);
        ctx.Out.Show("MaxPool2d(3)", nn.MaxPool2d(3).call(X4));
        ctx.Out.Show("MaxPool2d(3, padding=1, stride=2)", nn.MaxPool2d(3, stride: 2, padding: 1).call(X4));
        ctx.Out.Show("MaxPool2d((2, 3), stride=(2, 3), padding=(0, 1))", nn.MaxPool2d([2, 3], [2, 3], [0, 1]).call(X4));
        var channels = cat([X4, X4 + 1], 1);
        ctx.Out.Show("two channels, MaxPool2d(3, padding=1, stride=2)", nn.MaxPool2d(3, stride: 2, padding: 1).call(channels));
    }
}
