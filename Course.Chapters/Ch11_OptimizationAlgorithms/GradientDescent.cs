using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;

namespace Course.Chapters.Ch11_OptimizationAlgorithms;

/// <summary>
/// 11.3 Gradient descent: 1-D gradient descent on x² with a good, a small and a large learning rate, then on the
/// non-convex x·cos(cx); 2-D gradient descent on x1² + 2x2² (d2l's <c>train_2d</c>); Newton's method on cosh(cx) and
/// on x·cos(cx). Every run is drawn over its objective (d2l's <c>show_trace</c> and <c>show_trace_2d</c>).
/// </summary>
[Section("gd", "11.3", "Gradient descent")]
public sealed class GradientDescent : ISection<GradientDescent.Settings>
{
    /// <summary>The book's <c>gd(0.2, f_grad)</c> on x² and <c>eta = 0.1</c> for the 2-D run.</summary>
    public sealed record Settings(double Eta = 0.2, double Eta2d = 0.1);

    /// <summary>The book's c = 0.15π of the non-convex x·cos(cx).</summary>
    public const double NonConvexC = 0.15 * Math.PI;

    /// <summary>The book's c = 0.5 of cosh(cx), Newton's convex example.</summary>
    public const double CoshC = 0.5;

    /// <summary>The non-convex f(x) = x·cos(cx).</summary>
    public static double NonConvex(double x) => x * Math.Cos(NonConvexC * x);

    /// <summary>Its derivative cos(cx) − cx·sin(cx).</summary>
    public static double NonConvexGrad(double x) => Math.Cos(NonConvexC * x) - NonConvexC * x * Math.Sin(NonConvexC * x);

    /// <summary>Its second derivative −2c·sin(cx) − x·c²·cos(cx).</summary>
    public static double NonConvexHess(double x) =>
        -2 * NonConvexC * Math.Sin(NonConvexC * x) - x * NonConvexC * NonConvexC * Math.Cos(NonConvexC * x);

    /// <summary>The book's 2-D objective f(x1, x2) = x1² + 2x2² (<c>f_2d</c>), also 11.4's.</summary>
    public static double F2d(double x1, double x2) => x1 * x1 + 2 * x2 * x2;

    /// <summary>Its gradient (2x1, 4x2) (<c>f_2d_grad</c>).</summary>
    public static (double G1, double G2) F2dGrad(double x1, double x2) => (2 * x1, 4 * x2);

    /// <summary>d2l's <c>gd_2d</c>: one gradient step on <see cref="F2d"/>; it keeps no state.</summary>
    public static Optimization2d.Trainer Gd2d(double eta) => (x1, x2, _, _) =>
    {
        var (g1, g2) = F2dGrad(x1, x2);
        return (x1 - eta * g1, x2 - eta * g2, 0, 0);
    };

    /// <summary>
    /// d2l's <c>gd(eta, f_grad)</c>: 10 steps x ← x − η·f′(x) from x = 10; prints <c>epoch 10, x: {x:f}</c> and
    /// returns the 11 iterates.
    /// </summary>
    public static IReadOnlyList<double> Gd(TextWriter output, double eta, Func<double, double> fGrad) =>
        Iterate(output, x => x - eta * fGrad(x), "F6");

    /// <summary>
    /// d2l's <c>newton(eta=1)</c>: 10 steps x ← x − η·f′(x)/f″(x) from x = 10, returning the 11 iterates. d2l prints
    /// the float32 tensor (<c>epoch 10, x: tensor(26.8341)</c>, and <c>tensor(0.)</c> for cosh); this prints the
    /// number with torch's four decimals (<c>epoch 10, x: 26.8341</c>).
    /// </summary>
    public static IReadOnlyList<double> Newton(TextWriter output, Func<double, double> fGrad, Func<double, double> fHess, double eta = 1) =>
        Iterate(output, x => x - eta * fGrad(x) / fHess(x), "F4");

    /// <summary>Ten steps from x = 10; prints the last x in <paramref name="format"/>.</summary>
    private static List<double> Iterate(TextWriter output, Func<double, double> step, string format)
    {
        var results = new List<double> { 10.0 };
        for (int i = 0; i < 10; i++) results.Add(step(results[^1]));
        output.WriteLine("epoch 10, x: " + results[^1].ToString(format, CultureInfo.InvariantCulture));
        return results;
    }

    /// <summary>
    /// d2l's <c>show_trace(results, f)</c>: f on <c>arange(-n, n, 0.01)</c>, n the largest |x| of the iterates, and the
    /// iterates as <c>'-o'</c> over it.
    /// </summary>
    private static void ShowTrace(RunContext ctx, string name, IReadOnlyList<double> results, Func<double, double> f)
    {
        double n = Math.Max(Math.Abs(results.Min()), Math.Abs(results.Max()));
        double[] line = LineChart.Arange(-n, n, 0.01);
        ctx.Figure(name, path => LineChart.Save(path,
            [new LineSeries(null, line, line.Select(f).ToArray()), new LineSeries(null, results, results.Select(f).ToArray(), Markers: true)],
            new AxesStyle { XLabel = "x", YLabel = "f(x)" }));
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        static double Square(double x) => x * x;
        static double SquareGrad(double x) => 2 * x;
        var results = Gd(ctx.Out, s.Eta, SquareGrad);
        ShowTrace(ctx, "gd", results, Square);
        ctx.Metric("x", results[^1]);
        ShowTrace(ctx, "gd-small-eta", Gd(ctx.Out, 0.05, SquareGrad), Square);
        ShowTrace(ctx, "gd-large-eta", Gd(ctx.Out, 1.1, SquareGrad), Square);
        ShowTrace(ctx, "gd-nonconvex", Gd(ctx.Out, 2, NonConvexGrad), NonConvex);

        var trace = Optimization2d.Train2d(ctx.Out, Gd2d(s.Eta2d));
        ctx.Figure("gd-2d", path => ContourChart.SaveTrace2d(path, F2d, trace));
        ctx.Metric("x1", trace[^1].X1);
        ctx.Metric("x2", trace[^1].X2);

        ShowTrace(ctx, "newton", Newton(ctx.Out, x => CoshC * Math.Sinh(CoshC * x), x => CoshC * CoshC * Math.Cosh(CoshC * x)),
            x => Math.Cosh(CoshC * x));
        ShowTrace(ctx, "newton-nonconvex", Newton(ctx.Out, NonConvexGrad, NonConvexHess), NonConvex);
        ShowTrace(ctx, "newton-nonconvex-half-eta", Newton(ctx.Out, NonConvexGrad, NonConvexHess, 0.5), NonConvex);
    }
}
