using ScottPlot;
using ScottPlot.TickGenerators;

namespace Course.Core.Plotting;

/// <summary>An axis scale, as d2l's <c>set_axes</c> takes it.</summary>
public enum Scale
{
    /// <summary>Linear axis.</summary>
    Linear,

    /// <summary>Base-10 logarithmic axis.</summary>
    Log,
}

/// <summary>
/// One curve: its legend label (null for none) and its points; <paramref name="PointsOnly"/> draws a scatter plot,
/// <paramref name="Markers"/> a solid line with a marker on every point (matplotlib's <c>'-o'</c>).
/// </summary>
public sealed record LineSeries(string? Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool PointsOnly = false, bool Markers = false);

/// <summary>d2l's <c>annotate(text, xy, xytext)</c> (11.1): <paramref name="Text"/> at <paramref name="TextAt"/>, with an arrow from it to <paramref name="Point"/>.</summary>
public sealed record Annotation(string Text, (double X, double Y) Point, (double X, double Y) TextAt);

/// <summary>Axis labels, limits and scales (d2l's <c>set_axes</c>, 2.4).</summary>
public sealed record AxesStyle
{
    /// <summary>Label under the x axis.</summary>
    public string? XLabel { get; init; }

    /// <summary>Label beside the y axis.</summary>
    public string? YLabel { get; init; }

    /// <summary>x limits, or null to fit the data.</summary>
    public (double Min, double Max)? XLim { get; init; }

    /// <summary>y limits, or null to fit the data.</summary>
    public (double Min, double Max)? YLim { get; init; }

    /// <summary>Scale of the x axis.</summary>
    public Scale XScale { get; init; } = Scale.Linear;

    /// <summary>Scale of the y axis.</summary>
    public Scale YScale { get; init; } = Scale.Linear;
}

/// <summary>d2l's <c>plot</c> (2.4): line charts written as PNG files, rendered with ScottPlot.</summary>
public static class LineChart
{
    private static readonly LinePattern[] Patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.DenselyDashed, LinePattern.Dotted];

    /// <summary>d2l's <c>plot(X, Y, xlabel, ylabel, legend, xlim, ylim, xscale, yscale)</c>: one or more curves over the same x.</summary>
    public static void Save(string path, IReadOnlyList<double> x, IReadOnlyList<IReadOnlyList<double>> ys,
        IReadOnlyList<string>? legend = null, AxesStyle? axes = null, int width = 640, int height = 480) =>
        Save(path, ys.Select((y, i) => new LineSeries(legend is not null && i < legend.Count ? legend[i] : null, x, y)).ToArray(), axes, width, height);

    /// <summary>Writes the curves, and any <paramref name="annotations"/>, to <paramref name="path"/> as a PNG image.</summary>
    public static void Save(string path, IReadOnlyList<LineSeries> series, AxesStyle? axes = null, int width = 640, int height = 480,
        IReadOnlyList<Annotation>? annotations = null)
    {
        axes ??= new AxesStyle();
        var plot = new Plot();
        for (int i = 0; i < series.Count; i++)
        {
            var (label, x, y, pointsOnly, markers) = series[i];
            double[] xs = x.Select(v => Transform(v, axes.XScale)).ToArray();
            double[] ys = y.Select(v => Transform(v, axes.YScale)).ToArray();
            var line = plot.Add.Scatter(xs, ys, plot.Add.Palette.GetColor(i));
            line.MarkerSize = pointsOnly ? 3 : markers || xs.Length == 1 ? 5 : 0;
            line.LineWidth = pointsOnly ? 0 : 2;
            line.LinePattern = markers ? LinePattern.Solid : Patterns[i % Patterns.Length];
            if (label is not null) line.LegendText = label;
        }
        foreach (var (text, point, textAt) in annotations ?? [])
        {
            var arrow = plot.Add.Arrow(Transform(textAt, axes), Transform(point, axes));
            arrow.ArrowLineColor = arrow.ArrowFillColor = Colors.Black;
            arrow.ArrowLineWidth = 0;
            arrow.ArrowWidth = 1.5f;
            arrow.ArrowheadWidth = 8;
            arrow.ArrowheadLength = arrow.ArrowheadAxisLength = 10;
            // The text starts at the arrow's start, as matplotlib's does, on the side away from the arrow: below it when the arrow points up.
            var label = plot.Add.Text(text, Transform(textAt, axes));
            label.LabelAlignment = point.Y > textAt.Y ? Alignment.UpperLeft : Alignment.LowerLeft;
            label.LabelFontSize = 13;
        }
        if (axes.XLabel is not null) plot.XLabel(axes.XLabel);
        if (axes.YLabel is not null) plot.YLabel(axes.YLabel);
        if (axes.XScale == Scale.Log) plot.Axes.Bottom.TickGenerator = LogTicks();
        if (axes.YScale == Scale.Log) plot.Axes.Left.TickGenerator = LogTicks();
        plot.Axes.AutoScale();
        if (axes.XLim is { } xl) plot.Axes.SetLimitsX(Transform(xl.Min, axes.XScale), Transform(xl.Max, axes.XScale));
        if (axes.YLim is { } yl) plot.Axes.SetLimitsY(Transform(yl.Min, axes.YScale), Transform(yl.Max, axes.YScale));
        if (series.Any(s => s.Label is not null)) plot.ShowLegend(Alignment.MiddleRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }

    /// <summary>
    /// numpy's and torch's <c>arange(start, stop, step)</c>, the x of the book's plots: the ⌈(stop − start) / step⌉
    /// values start + i·step.
    /// </summary>
    public static double[] Arange(double start, double stop, double step) =>
        Enumerable.Range(0, (int)Math.Ceiling(Math.Round((stop - start) / step, 9))).Select(i => start + i * step).ToArray();

    private static double Transform(double value, Scale scale) => scale == Scale.Log ? Math.Log10(value) : value;

    private static Coordinates Transform((double X, double Y) point, AxesStyle axes) => new(Transform(point.X, axes.XScale), Transform(point.Y, axes.YScale));

    private static NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = power => $"1e{power:0}",
    };
}
