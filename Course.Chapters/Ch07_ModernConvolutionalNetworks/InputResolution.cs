using Course.Chapters.Infrastructure;
using Course.Core.Runtime;

namespace Course.Chapters.Ch07_ModernConvolutionalNetworks;

/// <summary>
/// The input resolution of a chapter 7 run: the book's <c>resize</c> unless <c>--resize</c> says otherwise, checked
/// against the smallest input the network can take (below it a convolution or pooling layer would get a window larger
/// than its input, which libtorch reports with a long native message).
/// </summary>
public static class InputResolution
{
    /// <summary>The output height (or width) of a convolution or pooling window: ⌊(n + 2p − k) / s⌋ + 1 (6.3).</summary>
    public static int Output(int n, int kernel, int stride = 1, int padding = 0) =>
        (int)Math.Floor((double)(n + 2 * padding - kernel) / stride) + 1;

    /// <summary>
    /// <c>--resize</c> or <paramref name="book"/>; a <see cref="CourseException"/> when it is below
    /// <paramref name="minimum"/>.
    /// </summary>
    public static int Resolve(RunContext ctx, int book, int minimum, string network)
    {
        int size = ctx.Options.Resize ?? book;
        if (size < minimum)
            throw new CourseException($"{network} needs inputs of at least {minimum}×{minimum} pixels, not {size}×{size}; pass --resize {minimum} or more.");
        return size;
    }

    /// <summary>The shape table's input size: <c>--resize</c> when given, else the size the book prints (<paramref name="book"/>).</summary>
    public static int ForShapeTable(RunContext ctx, int book) => ctx.Options.Resize ?? book;
}
