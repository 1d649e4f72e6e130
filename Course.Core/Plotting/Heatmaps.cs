using Course.Core.Runtime;
using ScottPlot;
using ScottPlot.Plottables;
using ScottPlot.TickGenerators;
using static TorchSharp.torch;

namespace Course.Core.Plotting;

/// <summary>
/// d2l's <c>show_heatmaps</c> (10.1): a grid of matrices, such as attention weights, drawn as heatmaps in matplotlib's
/// "Reds" colours with one colour bar for the whole figure, written as a PNG.
/// </summary>
public static class Heatmaps
{
    /// <summary>The width in pixels of the strip on the right that holds the colour bar.</summary>
    public const int ColorBarPixels = 100;

    // matplotlib's "Reds": its nine ColorBrewer anchors, from white to dark red.
    private static readonly IColormap Reds = new ScottPlot.Colormaps.CustomInterpolated(
        new[] { "#fff5f0", "#fee0d2", "#fcbba1", "#fc9272", "#fb6a4a", "#ef3b2c", "#cb181d", "#a50f15", "#67000d" }.Select(Color.FromHex).ToArray());

    /// <summary>
    /// Draws <paramref name="matrices"/> (rows, columns, queries, keys) as a rows×columns grid of heatmaps, each with its
    /// row 0 at the top as matplotlib's <c>imshow</c> does, all on one colour scale (the range of all the matrices;
    /// d2l's bar shows only the last matrix's scale) shown by one colour bar.
    /// <paramref name="xLabel"/> goes under the bottom row, <paramref name="yLabel"/> beside the first column, and
    /// <paramref name="titles"/>, one per column, above every heatmap of that column as in d2l.
    /// The PNG is columns × <paramref name="cellPixels"/> + <see cref="ColorBarPixels"/> wide and rows ×
    /// <paramref name="cellPixels"/> high.
    /// </summary>
    public static void Save(string path, Tensor matrices, string xLabel, string yLabel, IReadOnlyList<string>? titles = null, int cellPixels = 250)
    {
        if (matrices.dim() != 4 || matrices.shape.Any(size => size == 0))
            throw new ArgumentException($"matrices must have the non-empty shape (rows, columns, queries, keys), not ({string.Join(", ", matrices.shape)}).", nameof(matrices));
        int rows = (int)matrices.shape[0], columns = (int)matrices.shape[1], queries = (int)matrices.shape[2], keys = (int)matrices.shape[3];
        if (titles is not null && titles.Count != columns)
            throw new ArgumentException($"titles must name each of the {columns} columns, not {titles.Count}.", nameof(titles));
        double[] values;
        using (NewDisposeScope()) values = matrices.detach().cpu().to(float64).data<double>().ToArray();
        int bad = Array.FindIndex(values, v => !double.IsFinite(v));
        if (bad >= 0)
            throw new CourseException($"The attention weights to draw in '{Path.GetFileName(path)}' hold {values[bad]}: training diverged; try a smaller learning rate (--lr).");
        var (min, max) = (values.Min(), values.Max());
        var range = new ScottPlot.Range(min, max > min ? max : min + 1);

        var figure = new Multiplot { Layout = new GridWithColorBar(rows, columns) };
        figure.AddPlots(rows * columns + 1);
        Heatmap? heatmap = null;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                var plot = figure.Subplots.GetPlot(i * columns + j);
                var cells = new double[queries, keys];
                int offset = (i * columns + j) * queries * keys;
                for (int q = 0; q < queries; q++)
                    for (int k = 0; k < keys; k++)
                        cells[q, k] = values[offset + q * keys + k];
                heatmap = plot.Add.Heatmap(cells);
                heatmap.Colormap = Reds;
                heatmap.ManualRange = range;
                // Cell (q, k) is centred on (k, q). ScottPlot draws row 0 at the top; the y axis runs downwards so that
                // its labels agree, query 0 at the top as in imshow.
                heatmap.Rectangle = new CoordinateRect(-0.5, keys - 0.5, -0.5, queries - 0.5);
                plot.Axes.SetLimits(-0.5, keys - 0.5, queries - 0.5, -0.5);
                plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
                plot.Axes.Left.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
                plot.HideGrid();
                if (i == rows - 1) plot.XLabel(xLabel, 12);
                if (j == 0) plot.YLabel(yLabel, 12);
                if (titles is not null) plot.Title(titles[j], 12);
            }
        }
        var colorBarPlot = figure.Subplots.GetPlot(rows * columns);
        colorBarPlot.HideAxesAndGrid();
        colorBarPlot.Add.ColorBar(heatmap!, Edge.Left);

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        figure.SavePng(path, columns * cellPixels + ColorBarPixels, rows * cellPixels);
    }

    /// <summary>The heatmaps in an even grid, then the colour bar's plot in a strip on the right, 60% of the height (d2l's <c>shrink=0.6</c>).</summary>
    private sealed class GridWithColorBar(int rows, int columns) : IMultiplotLayout
    {
        public PixelRect[] GetSubplotRectangles(SubplotCollection subplots, PixelRect figure)
        {
            float gridRight = figure.Right - ColorBarPixels;
            float cellWidth = (gridRight - figure.Left) / columns, cellHeight = figure.Height / rows;
            var rectangles = new PixelRect[rows * columns + 1];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                    rectangles[i * columns + j] = new PixelRect(figure.Left + j * cellWidth, figure.Left + (j + 1) * cellWidth,
                        figure.Top + (i + 1) * cellHeight, figure.Top + i * cellHeight);
            float barHeight = 0.6f * figure.Height, barTop = figure.Top + (figure.Height - barHeight) / 2;
            rectangles[^1] = new PixelRect(gridRight, figure.Right, barTop + barHeight, barTop);
            return rectangles;
        }
    }
}
