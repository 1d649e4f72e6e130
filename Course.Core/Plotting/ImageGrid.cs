using ScottPlot;
using static TorchSharp.torch;

namespace Course.Core.Plotting;

/// <summary>d2l's <c>show_images</c> (3.5): a grid of images with a title above each, written as a PNG.</summary>
public static class ImageGrid
{
    /// <summary>
    /// Draws <paramref name="images"/> (N, H, W) or (N, 1, H, W) in <paramref name="rows"/>×<paramref name="columns"/>
    /// cells, each titled from <paramref name="titles"/> when given; <paramref name="cellPixels"/> is the size of a cell.
    /// </summary>
    public static void Save(string path, Tensor images, int rows, int columns, IReadOnlyList<string>? titles = null, int cellPixels = 150)
    {
        using var scope = NewDisposeScope();
        var pixels = images.detach().cpu().to(float64);
        if (pixels.dim() == 4) pixels = pixels.squeeze(1);
        if (pixels.dim() != 3) throw new ArgumentException($"images must be (N, H, W) or (N, 1, H, W), not ({string.Join(", ", images.shape)}).");
        int count = (int)Math.Min(pixels.shape[0], rows * columns);
        int height = (int)pixels.shape[1], width = (int)pixels.shape[2];
        double[] values = pixels.data<double>().ToArray();

        var figure = new Multiplot { Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns) };
        figure.AddPlots(rows * columns);
        for (int n = 0; n < rows * columns; n++)
        {
            var plot = figure.Subplots.GetPlot(n);
            plot.HideAxesAndGrid();
            if (n >= count) continue;
            var cells = new double[height, width];
            for (int r = 0; r < height; r++)
                for (int c = 0; c < width; c++)
                    cells[r, c] = values[((long)n * height + r) * width + c];
            plot.Add.Heatmap(cells);
            if (titles is not null && n < titles.Count) plot.Title(titles[n], 11);
        }
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        figure.SavePng(path, columns * cellPixels, rows * (cellPixels + 20));
    }
}
