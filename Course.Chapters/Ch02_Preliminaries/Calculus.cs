using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;

namespace Course.Chapters.Ch02_Preliminaries;

/// <summary>2.4 Calculus: the derivative as a numerical limit, and functions with their tangent lines plotted.</summary>
[Section("calculus", "2.4", "Calculus")]
public sealed class Calculus : ISection
{
    /// <summary>The book's f(x) = 3x² − 4x.</summary>
    public static double F(double x) => 3 * x * x - 4 * x;

    /// <summary>The notes' exercise function f(x) = x³ − 1/x.</summary>
    public static double Cubic(double x) => x * x * x - 1 / x;

    /// <summary>d2l's <c>numerical_lim</c>: (f(x + h) − f(x)) / h.</summary>
    public static double NumericalLimit(Func<double, double> f, double x, double h) => (f(x + h) - f(x)) / h;

    /// <summary>The notes' central difference (f(x + h) − f(x − h)) / 2h.</summary>
    public static double CentralDifference(Func<double, double> f, double x, double h = 1e-4) => (f(x + h) - f(x - h)) / (2 * h);

    /// <summary>The tangent of <paramref name="f"/> at <paramref name="x0"/>: slope and intercept.</summary>
    public static (double Slope, double Intercept) Tangent(Func<double, double> f, double x0)
    {
        double slope = CentralDifference(f, x0);
        return (slope, f(x0) - slope * x0);
    }

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        double h = 0.1;
        for (int i = 0; i < 5; i++, h *= 0.1)
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"h={h:F5}, numerical limit={NumericalLimit(F, 1, h):F5}"));

        double[] x = Enumerable.Range(0, 30).Select(i => i * 0.1).ToArray();
        var (slope, intercept) = Tangent(F, 1);
        ctx.Figure("tangent", path => LineChart.Save(path, x, [x.Select(F).ToArray(), x.Select(v => slope * v + intercept).ToArray()],
            ["f(x)", "Tangent line (x=1)"], new AxesStyle { XLabel = "x", YLabel = "f(x)" }));

        double[] positive = Enumerable.Range(1, 49).Select(i => i * 0.1).ToArray();
        var (cubicSlope, cubicIntercept) = Tangent(Cubic, 1);
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"f(x) = x^3 - 1/x: f'(1) ≈ {cubicSlope:F6}, tangent y = {cubicSlope:F3}x {(cubicIntercept < 0 ? "-" : "+")} {Math.Abs(cubicIntercept):F3}"));
        ctx.Figure("cubic-tangent", path => LineChart.Save(path, positive,
            [positive.Select(Cubic).ToArray(), positive.Select(v => cubicSlope * v + cubicIntercept).ToArray()],
            ["x^3 - 1/x", "Tangent line (x=1)"], new AxesStyle { XLabel = "x", YLabel = "f(x)", XLim = (0, 5), YLim = (0, 5) }));
        ctx.Metric("cubic_slope_at_1", cubicSlope);
    }
}
