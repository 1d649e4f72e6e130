using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Chapters.Infrastructure;

/// <summary>Printing tensors the way the book's notebooks show them.</summary>
public static class Printing
{
    static Printing() => set_printoptions(maxRows: 12, maxColumns: 24);

    /// <summary>Writes <c>label: tensor</c> with the tensor in NumPy style.</summary>
    public static void Show(this TextWriter output, string label, Tensor value) =>
        output.WriteLine($"{label}:{(value.dim() > 1 ? "\n" : " ")}{Format(value)}");

    /// <summary>The tensor's values in NumPy style, e.g. <c>[2, -3.4]</c>.</summary>
    public static string Format(Tensor value) =>
        value.ToString(TorchSharp.TensorStringStyle.Numpy, cultureInfo: CultureInfo.InvariantCulture);

    /// <summary>A shape as PyTorch's <c>torch.Size</c> reads in the book, e.g. <c>(4, 7, 10)</c>.</summary>
    public static string Shape(Tensor value) => $"({string.Join(", ", value.shape)})";
}
