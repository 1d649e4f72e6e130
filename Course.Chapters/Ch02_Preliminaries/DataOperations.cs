using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Chapters.Ch02_Preliminaries;

/// <summary>2.1 Data manipulation: creating tensors, operators, broadcasting, indexing, in-place updates and conversion.</summary>
[Section("ndarray", "2.1", "Data manipulation")]
public sealed class DataOperations : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var o = ctx.Out;
        var x = arange(12);
        o.Show("x = arange(12)", x);
        o.WriteLine($"x.shape: ({string.Join(", ", x.shape)}), x.numel(): {x.numel()}");
        var X = x.reshape(3, 4);
        o.Show("X = x.reshape(3, 4)", X);
        o.Show("zeros(2, 3, 4)", zeros(2, 3, 4));
        o.Show("ones(2, 3, 4)", ones(2, 3, 4));
        o.Show("randn(3, 4)", randn(3, 4));
        o.Show("tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])", tensor(new long[] { 2, 1, 4, 3, 1, 2, 3, 4, 4, 3, 2, 1 }, [3, 4]));

        // 2.1.2 Operators: elementwise arithmetic, exp, concatenation, comparison and sum.
        var a = tensor(new[] { 1.0f, 2, 4, 8 });
        var b = tensor(new[] { 2.0f, 2, 2, 2 });
        o.Show("a + b", a + b);
        o.Show("a - b", a - b);
        o.Show("a * b", a * b);
        o.Show("a / b", a / b);
        o.Show("a ** b", a.pow(b));
        o.Show("exp(a)", exp(a));
        var (Xf, Y) = Concatenation();
        o.Show("cat((X, Y), dim=0)", cat([Xf, Y], 0));
        o.Show("cat((X, Y), dim=1)", cat([Xf, Y], 1));
        o.Show("X == Y", Xf.eq(Y));
        o.Show("X.sum()", Xf.sum());

        // 2.1.3 Broadcasting: (3, 1) + (1, 2) -> (3, 2).
        o.Show("arange(3).reshape(3, 1) + arange(2).reshape(1, 2)", Broadcast());

        // 2.1.4 Indexing and slicing.
        o.Show("X[-1]", Xf[-1]);
        o.Show("X[1:3]", Xf[TensorIndex.Slice(1, 3)]);
        Xf[1, 2] = tensor(9f);
        o.Show("after X[1, 2] = 9", Xf);
        Xf[TensorIndex.Slice(0, 2), TensorIndex.Colon] = tensor(12f);
        o.Show("after X[0:2, :] = 12", Xf);

        // 2.1.5 Saving memory: in-place updates keep the same storage.
        var Z = zeros_like(Y);
        var view = Z.view(-1);
        Z.copy_(Xf + Y);
        o.WriteLine($"Z[:] = X + Y writes into Z's own memory (a view taken before sees it): {view.equal((Xf + Y).view(-1)).all().item<bool>()}");

        // 2.1.6 Conversion to .NET arrays and back (the book's NumPy round trip).
        float[] array = Xf.data<float>().ToArray();
        var back = tensor(array, Xf.shape);
        o.WriteLine($"to float[{array.Length}] and back equal: {back.equal(Xf).all().item<bool>()}; a scalar tensor's item: {tensor(3.5f).item<float>()}");
    }

    /// <summary>The book's X = arange(12).reshape(3, 4) and Y = [[2,1,4,3],[1,2,3,4],[4,3,2,1]] as float32.</summary>
    public static (Tensor X, Tensor Y) Concatenation() =>
        (arange(12, dtype: float32).reshape(3, 4), tensor(new[] { 2.0f, 1, 4, 3, 1, 2, 3, 4, 4, 3, 2, 1 }, [3, 4]));

    /// <summary>The book's broadcasting example: a (3, 1) column plus a (1, 2) row.</summary>
    public static Tensor Broadcast() => arange(3).reshape(3, 1) + arange(2).reshape(1, 2);
}
