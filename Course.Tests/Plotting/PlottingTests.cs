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
