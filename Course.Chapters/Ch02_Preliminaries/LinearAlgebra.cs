using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Chapters.Ch02_Preliminaries;

/// <summary>2.3 Linear algebra: scalars, vectors, matrices, reductions, products and norms.</summary>
[Section("linear-algebra", "2.3", "Linear algebra")]
public sealed class LinearAlgebra : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var o = ctx.Out;
        var (x, y) = (tensor(3.0f), tensor(2.0f));
        o.WriteLine($"x + y, x * y, x / y, x ** y: {(x + y).item<float>()}, {(x * y).item<float>()}, {(x / y).item<float>()}, {x.pow(y).item<float>()}");
        var A = Matrix();
        o.Show("A = arange(20).reshape(5, 4)", A);
        o.Show("A.T", A.T);
        var B = A.clone();
        o.Show("A * B (Hadamard product)", A * B);
        o.Show("A.sum(axis=0)", A.sum(dim: 0));
        o.Show("A.sum(axis=1)", A.sum(1));
        o.WriteLine($"A.sum() = {A.sum().item<float>()}, A.mean() = {A.mean().item<float>()}");
        o.Show("A.sum(axis=1, keepdims=True)", A.sum(1, keepdim: true));
        o.Show("A / A.sum(axis=1, keepdims=True)", A / A.sum(1, keepdim: true));
        o.Show("A.cumsum(axis=0)", A.cumsum(0));

        var v = arange(4, dtype: float32);
        o.Show("dot(x, ones(4))", dot(v, ones(4)));
        o.Show("mv(A, x)", mv(A, v));
        o.Show("mm(A, ones(4, 3))", mm(A, ones(4, 3)));
        var u = tensor(new[] { 3.0f, -4.0f });
        o.WriteLine($"‖u‖₂ = {u.norm().item<float>()}, ‖u‖₁ = {u.abs().sum().item<float>()}, ‖ones(4, 9)‖_F = {ones(4, 9).norm().item<float>()}");
    }

    /// <summary>The book's A = arange(20, dtype=float32).reshape(5, 4).</summary>
    public static Tensor Matrix() => arange(20, dtype: float32).reshape(5, 4);
}
