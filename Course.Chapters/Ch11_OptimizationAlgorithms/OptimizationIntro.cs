using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;

namespace Course.Chapters.Ch11_OptimizationAlgorithms;

/// <summary>
/// 11.1 Optimization and deep learning: figures only. The risk against the empirical risk, a local and the global
/// minimum, the saddle point of x³ and of z = x² − y², and the vanishing gradient of tanh, each annotated with an arrow
/// as d2l's <c>annotate</c> does. d2l draws z = x² − y² as a 3-D wireframe; ScottPlot has no 3-D plots, so here it is
/// drawn as contour lines over the same square [−1, 1]², with the saddle point marked by the same red x.
/// </summary>
[Section("optimization-intro", "11.1", "Optimization and deep learning")]
public sealed class OptimizationIntro : ISection
{
    /// <summary>The book's risk f(x) = x·cos(πx).</summary>
    public static double Risk(double x) => x * Math.Cos(Math.PI * x);

    /// <summary>The book's empirical risk g(x) = f(x) + 0.2·cos(5πx), the risk plus the wiggles of a finite sample.</summary>
    public static double EmpiricalRisk(double x) => Risk(x) + 0.2 * Math.Cos(5 * Math.PI * x);

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        double[] x = LineChart.Arange(0.5, 1.5, 0.01);
        // d2l's figsize (4.5, 2.5) for this one figure.
        ctx.Figure("risk", path => LineChart.Save(path,
            [new LineSeries(null, x, x.Select(Risk).ToArray()), new LineSeries(null, x, x.Select(EmpiricalRisk).ToArray())],
            new AxesStyle { XLabel = "x", YLabel = "risk" }, 810, 450,
            [new Annotation("min of\nempirical risk", (1.0, -1.2), (0.5, -1.1)), new Annotation("min of risk", (1.1, -1.05), (0.95, -0.5))]));

        Curve("local-global-minimum", LineChart.Arange(-1.0, 2.0, 0.01), Risk,
            new Annotation("local minimum", (-0.3, -0.25), (-0.77, -1.0)), new Annotation("global minimum", (1.1, -0.95), (0.6, 0.8)));
        Curve("saddle-point", LineChart.Arange(-2.0, 2.0, 0.01), v => v * v * v, new Annotation("saddle point", (0, -0.2), (-0.52, -5.0)));

        double[] square = Enumerable.Range(0, 101).Select(i => -1.0 + i * 0.02).ToArray();
        ctx.Figure("saddle-2d", path => ContourChart.SaveMarked(path, (u, v) => u * u - v * v, square, square, (0, 0)));

        Curve("vanishing-gradient", LineChart.Arange(-2.0, 5.0, 0.01), Math.Tanh, new Annotation("vanishing gradient", (4, 1), (2, 0.0)));

        void Curve(string name, double[] points, Func<double, double> f, params Annotation[] annotations) =>
            ctx.Figure(name, path => LineChart.Save(path, [new LineSeries(null, points, points.Select(f).ToArray())],
                new AxesStyle { XLabel = "x", YLabel = "f(x)" }, annotations: annotations));
    }
}
