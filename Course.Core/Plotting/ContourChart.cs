using ScottPlot;

namespace Course.Core.Plotting;

/// <summary>d2l's <c>show_trace_2d</c> (11.3): the path of a 2-D optimiser over the contour lines of its objective, as a PNG.</summary>
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
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(results);
        double[] x1 = Arange(-5.5, 1.0, 0.1), x2 = Arange(-3.0, 1.0, 0.1);
        var grid = new Coordinates3d[x2.Length, x1.Length];
        for (int row = 0; row < x2.Length; row++)
            for (int column = 0; column < x1.Length; column++)
                grid[row, column] = new Coordinates3d(x1[column], x2[row], f(x1[column], x2[row]));

        var plot = new Plot();
        // Unlabelled lines, as matplotlib's contour draws them without clabel.
        var contours = plot.Add.ContourLines(grid);
        contours.LineColor = ContourBlue;
        contours.LabelStyle.IsVisible = false;
        var trace = plot.Add.Scatter(results.Select(p => p.X1).ToArray(), results.Select(p => p.X2).ToArray(), PathOrange);
        trace.LineWidth = 1.5f;
        trace.MarkerSize = 5;
        plot.XLabel("x1");
        plot.YLabel("x2");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>numpy's <c>arange(start, stop, step)</c>: ⌈(stop − start) / step⌉ values start + i·step.</summary>
    private static double[] Arange(double start, double stop, double step) =>
        Enumerable.Range(0, (int)Math.Ceiling(Math.Round((stop - start) / step, 9))).Select(i => start + i * step).ToArray();
}
