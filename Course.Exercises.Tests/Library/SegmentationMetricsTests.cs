using Course.Exercises.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.Library;

public sealed class SegmentationMetricsTests
{
    [Test]
    public void ConfusionMatrixCountsTrueAgainstPredicted()
    {
        using var scope = NewDisposeScope();
        var target = tensor(new long[] { 0, 0, 1, 2, 2, 2 });
        var predicted = tensor(new long[] { 0, 1, 1, 2, 0, 2 });
        var confusion = SegmentationMetrics.ConfusionMatrix(predicted, target, 3);
        Assert.That(confusion.data<long>().ToArray(), Is.EqualTo(new long[] { 1, 1, 0, 0, 1, 0, 1, 0, 2 }));
        // Class 0: TP 1, FP 1, FN 1 → 1/3; class 1: TP 1, FP 1 → 1/2; class 2: TP 2, FN 1 → 2/3.
        Assert.That(SegmentationMetrics.IntersectionOverUnion(predicted, target, 3), Is.EqualTo(new[] { 1.0 / 3, 0.5, 2.0 / 3 }).Within(1e-12));
        Assert.That(SegmentationMetrics.MeanIoU(predicted, target, 3), Is.EqualTo(0.5).Within(1e-12));
    }

    [Test]
    public void AbsentClassesAreNaNAndLeftOutOfTheMean()
    {
        using var scope = NewDisposeScope();
        var mask = tensor(new long[] { 0, 1, 1 });
        double[] iou = SegmentationMetrics.IntersectionOverUnion(mask, mask, 4);
        Assert.That(iou[..2], Is.All.EqualTo(1.0));
        Assert.That(iou[2..], Is.All.NaN);
        Assert.That(SegmentationMetrics.MeanIoU(mask, mask, 4), Is.EqualTo(1.0));
    }

    [Test]
    public void DiceHandlesMasksProbabilitiesAndEmptiness()
    {
        using var scope = NewDisposeScope();
        var target = tensor(new[] { true, true, false, false });
        Assert.That(SegmentationMetrics.Dice(tensor(new[] { true, false, true, false }), target), Is.EqualTo(0.5));
        Assert.That(SegmentationMetrics.Dice(tensor(new[] { 0.5f, 0.5f, 0f, 0f }), target), Is.EqualTo(2 * 1.0 / 3).Within(1e-7), "soft Dice");
        Assert.That(SegmentationMetrics.Dice(zeros(4), zeros(4)), Is.EqualTo(1.0), "both empty");
        Assert.That(SegmentationMetrics.Dice(zeros(4), target), Is.EqualTo(0.0));
    }

    [Test]
    public void BadInputIsRejected()
    {
        using var scope = NewDisposeScope();
        Assert.That(() => SegmentationMetrics.ConfusionMatrix(zeros(2, 2, int64), zeros(4, int64), 2), Throws.ArgumentException);
        Assert.That(() => SegmentationMetrics.ConfusionMatrix(tensor(new long[] { 2 }), tensor(new long[] { 0 }), 2), Throws.ArgumentException.With.Message.Contains("0 … 1"));
        Assert.That(() => SegmentationMetrics.Dice(zeros(3), zeros(4)), Throws.ArgumentException);
    }
}
