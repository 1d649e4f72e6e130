using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using TorchSharp;

namespace Course.Chapters.Ch07_ModernConvolutionalNetworks;

/// <summary>
/// The input resolution of a chapter 7 run (its <c>Resize</c> setting: the book's <c>resize</c> unless <c>--resize</c>
/// says otherwise), checked against the smallest input the network can take (below it a convolution or pooling layer would get a window larger
/// than its input, which libtorch reports with a long native message).
/// </summary>
public static class InputResolution
{
    /// <summary>The output height (or width) of a convolution or pooling window: ⌊(n + 2p − k) / s⌋ + 1 (6.3).</summary>
    public static int Output(int n, int kernel, int stride = 1, int padding = 0) =>
        (int)Math.Floor((double)(n + 2 * padding - kernel) / stride) + 1;

    /// <summary>The largest <c>--resize</c>: over four times the book's largest (224), and far below sizes whose products overflow.</summary>
    public const int Maximum = 1024;

    /// <summary>
    /// Floats one training image of side s holds per pixel, at most, over the activations and gradients of these
    /// networks (VGG's first blocks hold the most): the basis of the memory check before anything is allocated.
    /// </summary>
    public const int FloatsPerPixel = 200;

    /// <summary>
    /// Checks the side <paramref name="size"/>: a <see cref="CourseException"/> when it is below
    /// <paramref name="minimum"/>, above <see cref="Maximum"/>, or when a batch of <paramref name="batchSize"/> images of
    /// that size would not fit in this machine's memory.
    /// </summary>
    public static void Check(RunContext ctx, string network, int size, int minimum, int batchSize)
    {
        if (size < minimum)
            throw new CourseException($"{network} needs inputs of at least {minimum}×{minimum} pixels, not {size}×{size}; pass --resize {minimum} or more.");
        if (size > Maximum)
            throw new CourseException($"--resize {size} is larger than any of these networks is meant for (the book uses at most 224); pass {Maximum} or less.");
        double needed = (double)batchSize * size * size * FloatsPerPixel * sizeof(float);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (ctx.Device.type == DeviceType.CPU && needed > available)
            throw new CourseException(string.Create(CultureInfo.InvariantCulture,
                $"{network} at {size}×{size} in batches of {batchSize} needs about {needed / 1e9:F0} GB, more than this machine's {available / 1e9:F0} GB; pass a smaller --resize or --batch-size."));
    }

}
