using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Chapters.Ch04_MultilayerPerceptrons;

/// <summary>4.8 Numerical stability: the vanishing sigmoid gradient and the exploding product of 100 random 4×4 matrices.</summary>
[Section("numerical-stability", "4.8", "Numerical stability and initialization")]
public sealed class NumericalStability : ISection
{
    /// <summary>The book's product: a random N(0, 1) 4×4 matrix multiplied by 100 more.</summary>
    public static (Tensor Start, Tensor Product) MatrixProduct(int count = 100)
    {
        var start = normal(0, 1, [4, 4]);
        var product = start;
        for (int i = 0; i < count; i++) product = mm(product, normal(0, 1, [4, 4]));
        return (start, product);
    }

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var x = arange(-8.0, 8.0, 0.1, dtype: float32);
        var (y, gradient) = Activations.WithGradient(t => t.sigmoid(), x);
        double[] xs = x.data<float>().Select(v => (double)v).ToArray();
        ctx.Figure("sigmoid-gradient", path => LineChart.Save(path, xs,
            [y.data<float>().Select(v => (double)v).ToArray(), gradient.data<float>().Select(v => (double)v).ToArray()],
            ["sigmoid", "gradient"], new AxesStyle { XLabel = "x" }, 500, 320));
        ctx.Out.WriteLine($"sigmoid gradient: {gradient.max().item<float>():F4} at 0, {gradient[0].item<float>():E2} at -8");

        var (start, product) = MatrixProduct();
        ctx.Out.Show("a single matrix", start);
        ctx.Out.Show("after multiplying 100 matrices", product);
        ctx.Metric("product_max_abs", product.abs().max().item<float>());
    }
}
