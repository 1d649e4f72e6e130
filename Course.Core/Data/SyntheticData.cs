using static TorchSharp.torch;

namespace Course.Core.Data;

/// <summary>d2l's <c>synthetic_data</c> (3.2): y = Xw + b + noise, with X ~ N(0, 1) and noise ~ N(0, 0.01).</summary>
public static class SyntheticData
{
    /// <summary>Generates <paramref name="count"/> examples of y = Xw + b + ε; returns X (count, len(w)) and y (count, 1).</summary>
    public static (Tensor X, Tensor Y) Linear(Tensor w, double b, int count, double noise = 0.01)
    {
        using var scope = NewDisposeScope();
        var x = normal(0, 1, [count, w.shape[0]]);
        var y = matmul(x, w) + b;
        y += normal(0, noise, y.shape);
        return scope.MoveToOuter(x, y.reshape(-1, 1));
    }
}
