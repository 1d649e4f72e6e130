using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using static TorchSharp.torch;
using Timer = Course.Core.Training.Timer;

namespace Course.Chapters.Ch03_LinearNetworks;

/// <summary>3.5 The image classification data set: Fashion-MNIST's sizes, a labelled image grid, the time of one pass and resizing.</summary>
[Section("fashion-mnist", "3.5", "The image classification dataset", Dataset = "Fashion-MNIST")]
public sealed class FashionMnistDataset : ISection<FashionMnistDataset.Settings>
{
    /// <summary>The book's <c>batch_size = 256</c>; <c>--limit</c> reads fewer examples.</summary>
    public sealed record Settings(int BatchSize = 256, int? Limit = null);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var data = FashionMnist.Load(ctx.Data);
        ctx.Out.WriteLine($"train: {data.TrainImages.shape[0]}, test: {data.TestImages.shape[0]}, one image: ({string.Join(", ", data.TrainImages.shape.Skip(1))})");

        var first18 = data.TrainLabels.narrow(0, 0, 18);
        ctx.Out.WriteLine($"first 18 labels: {Printing.Format(first18)}");
        ctx.Figure("examples", path => ImageGrid.Save(path, data.TrainImages.narrow(0, 0, 18), 2, 9, FashionMnist.GetLabels(first18)));

        var (train, _) = data.Loaders(s.BatchSize, limit: s.Limit, seed: ctx.Options.Seed);
        var timer = new Timer();
        foreach (var (x, y) in train)
        {
            x.Dispose();
            y.Dispose();
        }
        double seconds = timer.Stop();
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:F2} sec to read {train.Count} training images in batches of {s.BatchSize}"));
        ctx.Metric("read_sec", seconds);
        ctx.Metric("train_examples", train.Count);

        var (resized, _) = data.Loaders(32, resize: 64, seed: ctx.Options.Seed);
        using var scope = NewDisposeScope();
        var (images, labels) = resized.First();
        ctx.Out.WriteLine($"resize=64: X ({string.Join(", ", images.shape)}) {images.dtype}, y ({string.Join(", ", labels.shape)}) {labels.dtype}");
    }
}
