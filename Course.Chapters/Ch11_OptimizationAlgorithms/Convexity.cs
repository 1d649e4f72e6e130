using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;

namespace Course.Chapters.Ch11_OptimizationAlgorithms;

/// <summary>
/// 11.2 Convexity: figures only. A chord between x = −1.5 and x = 1 lies above a convex function and crosses a
/// non-convex one: 0.5x² (convex), cos(πx) (not convex) and exp(0.5x) (convex), the book's three panels (one PNG
/// each here), then (x − 1)² with the same chord.
/// </summary>
[Section("convexity", "11.2", "Convexity")]
public sealed class Convexity : ISection
{
    /// <summary>The ends of the book's chord, <c>segment = torch.tensor([-1.5, 1])</c>.</summary>
    private static readonly double[] Segment = [-1.5, 1];

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        double[] x = LineChart.Arange(-2, 2, 0.01);
        WithChord("convex-square", v => 0.5 * v * v, new AxesStyle());
        WithChord("nonconvex-cos", v => Math.Cos(Math.PI * v), new AxesStyle());
        WithChord("convex-exp", v => Math.Exp(0.5 * v), new AxesStyle());
        WithChord("shifted-square", v => (v - 1) * (v - 1), new AxesStyle { XLabel = "x", YLabel = "f(x)" });

        void WithChord(string name, Func<double, double> f, AxesStyle axes) => ctx.Figure(name, path => LineChart.Save(path,
            [new LineSeries(null, x, x.Select(f).ToArray()), new LineSeries(null, Segment, Segment.Select(f).ToArray())], axes));
    }
}
