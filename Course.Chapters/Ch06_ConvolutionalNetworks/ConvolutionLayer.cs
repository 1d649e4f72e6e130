using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;
using static TorchSharp.torch;

namespace Course.Chapters.Ch06_ConvolutionalNetworks;

/// <summary>6.2 A two-dimensional convolutional layer from scratch: a kernel weight and a scalar bias around <c>corr2d</c>.</summary>
public sealed class Conv2D : nn.Module<Tensor, Tensor>
{
    /// <summary>The kernel.</summary>
    public readonly TorchSharp.Modules.Parameter weight;

    /// <summary>The scalar bias.</summary>
    public readonly TorchSharp.Modules.Parameter bias;

    /// <summary>A layer with a random kernel of <paramref name="kernelHeight"/>×<paramref name="kernelWidth"/>.</summary>
    public Conv2D(int kernelHeight, int kernelWidth) : base(nameof(Conv2D))
    {
        weight = nn.Parameter(rand(kernelHeight, kernelWidth));
        bias = nn.Parameter(zeros(1));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => ConvolutionLayer.Corr2d(x, weight) + bias;
}

/// <summary>6.2 Convolutions for images: <c>corr2d</c>, edge detection, and learning the edge kernel from data.</summary>
[Section("conv-layer", "6.2", "Convolutions for images")]
public sealed class ConvolutionLayer : ISection<ConvolutionLayer.Settings>
{
    /// <summary>The book's kernel learning: 10 steps (<c>for i in range(10)</c>) at <c>lr = 3e-2</c>.</summary>
    public sealed record Settings(int Epochs = 10, double Lr = 3e-2);

    /// <summary>d2l's <c>corr2d</c>: the two-dimensional cross-correlation of <paramref name="X"/> with the kernel <paramref name="K"/>.</summary>
    public static Tensor Corr2d(Tensor X, Tensor K)
    {
        long h = K.shape[0], w = K.shape[1];
        var Y = zeros(X.shape[0] - h + 1, X.shape[1] - w + 1, dtype: X.dtype, device: X.device);
        for (long i = 0; i < Y.shape[0]; i++)
            for (long j = 0; j < Y.shape[1]; j++)
                Y[i, j] = (X[TensorIndex.Slice(i, i + h), TensorIndex.Slice(j, j + w)] * K).sum();
        return Y;
    }

    /// <summary>The book's 6×8 image: ones with a black stripe in columns 2–5.</summary>
    public static Tensor StripeImage()
    {
        var X = ones(6, 8);
        X[TensorIndex.Colon, TensorIndex.Slice(2, 6)] = tensor(0f);
        return X;
    }

    /// <summary>The edge kernel [[1, −1]].</summary>
    public static Tensor EdgeKernel() => tensor(new[] { 1f, -1f }).reshape(1, 2);

    /// <summary>The layer whose kernel the book learns: <c>nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)</c>.</summary>
    public static TorchSharp.Modules.Conv2d KernelNet() => nn.Conv2d(1, 1, (1, 2), bias: false);

    /// <summary>
    /// The book's kernel learning: a bias-free 1×2 <c>nn.Conv2d</c> fitted to Y = corr2d(X, [1, −1]) by 10 steps of
    /// gradient descent on the summed squared error (lr 0.03) with the shared loop on the run's device;
    /// returns the loss of every step (taken before its update, as the book prints it) and the kernel.
    /// </summary>
    public static (IReadOnlyList<double> Losses, Tensor Kernel) LearnKernel(RunContext ctx, int steps = 10, double lr = 3e-2)
    {
        var conv = KernelNet();
        var X = StripeImage().reshape(1, 1, 6, 8);
        var Y = Corr2d(StripeImage(), EdgeKernel()).reshape(1, 1, 6, 7);
        var history = Train.Regression(ctx, conv, new ArrayLoader(X, Y, batchSize: 1, shuffle: false), (yHat, y) => (yHat - y).square(),
            Updaters.ScratchSgd(lr), steps, sumLoss: true);
        return (history.Epochs.Select(e => e.Metrics["loss"]).ToArray(), conv.weight.detach().cpu().reshape(1, 2));
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var X = tensor(new[] { 0f, 1, 2, 3, 4, 5, 6, 7, 8 }, [3, 3]);
        var K = tensor(new[] { 0f, 1, 2, 3 }, [2, 2]);
        ctx.Out.Show("corr2d(X, K)", Corr2d(X, K));
        var image = StripeImage();
        ctx.Out.Show("edges of the stripe image, corr2d(X, [[1, -1]])", Corr2d(image, EdgeKernel()));
        ctx.Out.Show("the transposed image has no vertical edges", Corr2d(image.t(), EdgeKernel()));
        ctx.Out.Show("Conv2D (random kernel) on the image", new Conv2D(1, 2).call(image).detach());

        var (losses, kernel) = LearnKernel(ctx, s.Epochs, s.Lr);
        for (int i = 1; i < losses.Count; i += 2)
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {i + 1}, loss {losses[i]:F3}"));
        ctx.Out.Show("learned kernel", kernel);
        ctx.Metric("loss", losses[^1]);
    }
}
