using ScottPlot;

namespace Course.Core.Plotting;

/// <summary>
/// Contour lines of a function of two variables, as a PNG: d2l's <c>show_trace_2d</c> (11.3), the path of a 2-D
/// optimiser over its objective, and 11.1's saddle.
/// </summary>
public static class ContourChart
{
    // matplotlib's first two default colours, which d2l names: '#1f77b4' for the contours, '#ff7f0e' for the path.
    private static readonly Color ContourBlue = Color.FromHex("#1f77b4");
    private static readonly Color PathOrange = Color.FromHex("#ff7f0e");

    // d2l's figsize (3.5, 2.5) at 160 pixels per inch.
    private const int Width = 560, Height = 400;

    /// <summary>
    /// d2l's <c>show_trace_2d(f, results)</c>: blue contour lines of <paramref name="f"/> on the grid
    /// <c>arange(-5.5, 1.0, 0.1)</c> × <c>arange(-3.0, 1.0, 0.1)</c>, the path <paramref name="results"/> as orange
    /// <c>'-o'</c> over them, axes x1 and x2, written to <paramref name="path"/> as a PNG.
    /// </summary>
    public static void SaveTrace2d(string path, Func<double, double, double> f, IReadOnlyList<(double X1, double X2)> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var plot = Contours(f, LineChart.Arange(-5.5, 1.0, 0.1), LineChart.Arange(-3.0, 1.0, 0.1));
        var trace = plot.Add.Scatter(results.Select(p => p.X1).ToArray(), results.Select(p => p.X2).ToArray(), PathOrange);
        trace.LineWidth = 1.5f;
        trace.MarkerSize = 5;
        Save(plot, path, "x1", "x2");
    }

    /// <summary>
    /// Blue contour lines of <paramref name="f"/> on the grid <paramref name="x"/> × <paramref name="y"/>, with a red
    /// x at <paramref name="marked"/> (matplotlib's <c>'rx'</c>), axes x and y, written to <paramref name="path"/> as a PNG.
    /// </summary>
    public static void SaveMarked(string path, Func<double, double, double> f, IReadOnlyList<double> x, IReadOnlyList<double> y, (double X, double Y) marked)
    {
        var plot = Contours(f, x, y);
        var marker = plot.Add.Marker(marked.X, marked.Y, MarkerShape.Eks, 12, Colors.Red);
        marker.MarkerLineWidth = 2;
        Save(plot, path, "x", "y");
    }

    private static Plot Contours(Func<double, double, double> f, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(f);
        var grid = new Coordinates3d[y.Count, x.Count];
        for (int row = 0; row < y.Count; row++)
            for (int column = 0; column < x.Count; column++)
                grid[row, column] = new Coordinates3d(x[column], y[row], f(x[column], y[row]));
        var plot = new Plot();
        // Unlabelled lines, as matplotlib's contour draws them without clabel.
        var contours = plot.Add.ContourLines(grid);
        contours.LineColor = ContourBlue;
        contours.LabelStyle.IsVisible = false;
        return plot;
    }

    private static void Save(Plot plot, string path, string xLabel, string yLabel)
    {
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, Width, Height);
    }
}
