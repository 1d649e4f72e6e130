using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Chapters.Infrastructure;

/// <summary>Printing tensors the way the book's notebooks show them.</summary>
public static class Printing
{
    static Printing() => set_printoptions(maxRows: 12, maxColumns: 12);

    /// <summary>Writes <c>label: tensor</c> with the tensor in NumPy style.</summary>
    public static void Show(this TextWriter output, string label, Tensor value) =>
        output.WriteLine($"{label}:{(value.dim() > 1 ? "\n" : " ")}{value.ToString(TorchSharp.TensorStringStyle.Numpy, cultureInfo: CultureInfo.InvariantCulture)}");
}
