using Course.Core.Events;
using Course.Core.Plotting;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Plotting;

public sealed class PlottingTests
{
    private static (int Width, int Height) PngSize(string path)
    {
        byte[] header = File.ReadAllBytes(path)[..24];
        Assert.That(header[..8], Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a }), "a PNG signature");
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20)));
    }

    [Test]
    public void AnimatorRewritesItsFigureAndSkipsMissingValues()
    {
        string folder = TestEnvironment.TempFolder(), path = Path.Combine(folder, "curves.png");
        var events = new RunEvents();
        var figures = new AnimatorSink(name => Path.Combine(folder, name + ".png"));
        events.Listen(figures.On);
        var animator = new Animator(events, "curves", ["a", "b"], new AxesStyle { XLabel = "epoch", XLim = (1, 3) });
        animator.Add(1, 0.5, null);
        Assert.That(PngSize(path), Is.EqualTo((640, 480)));
        animator.Add(2, 0.4, 0.9);
        Assert.That(figures.Series("curves")[0].X, Is.EqualTo(new[] { 1.0, 2.0 }));
        Assert.That(figures.Series("curves")[1].X, Is.EqualTo(new[] { 2.0 }));
    }

    [Test]
    public void LineChartDrawsLogScales()
    {
        string path = Path.Combine(TestEnvironment.TempFolder(), "log.png");
        double[] x = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
        LineChart.Save(path, x, [x.Select(v => v * v).ToArray()], ["x²"], new AxesStyle { XScale = Scale.Log, YScale = Scale.Log }, 400, 300);
        Assert.That(PngSize(path), Is.EqualTo((400, 300)));
    }

    [Test]
    public void ContourChartDrawsATraceOverContourLines()
    {
        // 11.3's gd trace on x1² + 2x2²: blue contour lines (#1f77b4) and the orange path (#ff7f0e) must both be drawn.
        string path = Path.Combine(TestEnvironment.TempFolder(), "trace.png");
        var trace = new List<(double X1, double X2)> { (-5, -2) };
        for (int i = 0; i < 20; i++) trace.Add((trace[^1].X1 * 0.8, trace[^1].X2 * 0.6));
        ContourChart.SaveTrace2d(path, (x1, x2) => x1 * x1 + 2 * x2 * x2, trace);
        Assert.That(PngSize(path), Is.EqualTo((560, 400)));
        using var bitmap = SkiaSharp.SKBitmap.Decode(path);
        int blue = 0, orange = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                if (pixel is { Red: < 60, Green: > 90 and < 150, Blue: > 150 }) blue++;
                if (pixel is { Red: > 220, Green: > 100 and < 150, Blue: < 50 }) orange++;
            }
        Assert.That(blue, Is.GreaterThan(500), "contour lines");
        Assert.That(orange, Is.GreaterThan(200), "the path");
    }

    [Test]
    public void ImageGridHasOneCellPerImage()
    {
        string path = Path.Combine(TestEnvironment.TempFolder(), "grid.png");
        using var images = rand(6, 1, 28, 28);
        ImageGrid.Save(path, images, 2, 3, ["a", "b", "c", "d", "e", "f"], cellPixels: 100);
        Assert.That(PngSize(path), Is.EqualTo((300, 240)));
        Assert.That(() => ImageGrid.Save(path, rand([2, 2, 3, 4, 5]), 1, 2), Throws.ArgumentException);
    }

    [Test]
    public void HeatmapsDrawAGridBesideOneColorBar()
    {
        string path = Path.Combine(TestEnvironment.TempFolder(), "heatmaps.png");
        using var matrices = rand(2, 3, 4, 5);
        Heatmaps.Save(path, matrices, "Keys", "Queries", ["a", "b", "c"], cellPixels: 100);
        Assert.That(PngSize(path), Is.EqualTo((3 * 100 + Heatmaps.ColorBarPixels, 2 * 100)));
        Assert.That(() => Heatmaps.Save(path, rand(4, 5), "Keys", "Queries"), Throws.ArgumentException);
        Assert.That(() => Heatmaps.Save(path, rand(1, 0, 4, 5), "Keys", "Queries"), Throws.ArgumentException);
        Assert.That(() => Heatmaps.Save(path, matrices, "Keys", "Queries", ["a", "b"]), Throws.ArgumentException);
    }

    [Test]
    public void HeatmapsPutTheFirstQueryAtTheTop()
    {
        // Only query 0, key 0 is 1: the darkest red must be in the top-left quarter of the heatmap's area, as with imshow.
        string path = Path.Combine(TestEnvironment.TempFolder(), "corner.png");
        using var matrix = tensor(new float[] { 1, 0, 0, 0 }).reshape(1, 1, 2, 2);
        Heatmaps.Save(path, matrix, "Keys", "Queries", cellPixels: 200);
        using var bitmap = SkiaSharp.SKBitmap.Decode(path);
        var darkest = new List<(int X, int Y)>();
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width - Heatmaps.ColorBarPixels; x++)
                if (bitmap.GetPixel(x, y) is { Red: > 80 and < 130, Green: < 20, Blue: < 30 }) darkest.Add((x, y));
        Assert.That(darkest, Is.Not.Empty);
        Assert.That(darkest.Max(p => p.Y), Is.LessThan(bitmap.Height / 2));
        Assert.That(darkest.Max(p => p.X), Is.LessThan((bitmap.Width - Heatmaps.ColorBarPixels) / 2 + 20));
    }
}
