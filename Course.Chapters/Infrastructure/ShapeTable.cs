using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Infrastructure;

/// <summary>The book's layer-by-layer shape walk (6.6, 7.x): <c>for layer in net: X = layer(X); print(name, X.shape)</c>.</summary>
public static class ShapeTable
{
    /// <summary>Each top-level layer's class name and output shape for an input of <paramref name="inputShape"/>.</summary>
    public static IReadOnlyList<(string Layer, long[] Shape)> Walk(Sequential net, params long[] inputShape)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var evaluating = net.Evaluating();
        var x = rand(inputShape);
        var rows = new List<(string, long[])>();
        foreach (var layer in net.children().Cast<nn.Module<Tensor, Tensor>>())
        {
            x = layer.call(x);
            rows.Add((layer.GetType().Name, x.shape));
        }
        return rows;
    }

    /// <summary>Prints the walk as the book does: <c>Conv2d output shape: (1, 6, 28, 28)</c>.</summary>
    public static void Print(TextWriter output, Sequential net, params long[] inputShape)
    {
        foreach (var (layer, shape) in Walk(net, inputShape))
            output.WriteLine($"{layer + " output shape:",-28} ({string.Join(", ", shape)})");
    }
}
