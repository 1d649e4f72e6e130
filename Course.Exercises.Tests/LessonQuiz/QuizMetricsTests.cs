using Course.Exercises.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.LessonQuiz;

// The lesson quiz answers of seed 000 (a PyTorch course's 思考题答案集锦), lesson by lesson; the index is
// Course.Exercises.Tests/README.md, section 000.

/// <summary>Lessons 18–20: precision and recall, one-channel segmentation output, mIoU and Dice.</summary>
public sealed class QuizMetricsTests
{
    /// <summary>
    /// Lesson 18: to find every poster, favour recall. Lowering the decision threshold flags more items: recall rises
    /// to 1 (all four posters found) while precision falls (more false alarms).
    /// </summary>
    [Test]
    public void FindingEveryPosterMeansRecall()
    {
        using var scope = NewDisposeScope();
        var isPoster = tensor(new[] { true, true, true, true, false, false, false, false, false, false });
        var scores = tensor(new[] { 0.9f, 0.8f, 0.4f, 0.3f, 0.7f, 0.35f, 0.2f, 0.1f, 0.05f, 0.5f });
        var strict = scores.gt(0.6f);
        Assert.That(BinaryConfusion.FromTensors(strict, isPoster).Precision, Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(BinaryConfusion.FromTensors(strict, isPoster).Recall, Is.EqualTo(0.5));
        var lenient = scores.gt(0.25f);
        Assert.That(BinaryConfusion.FromTensors(lenient, isPoster).Recall, Is.EqualTo(1.0), "every poster found");
        Assert.That(BinaryConfusion.FromTensors(lenient, isPoster).Precision, Is.EqualTo(4.0 / 7).Within(1e-12), "at the price of false alarms");
    }

    /// <summary>
    /// Lesson 19: one output channel through a sigmoid is enough for two classes: softmax over logits (0, z) gives
    /// class 1 the probability sigmoid(z), and cross-entropy on (0, z) equals binary cross-entropy with logits z. A
    /// one-channel network trained that way segments a thresholding task.
    /// </summary>
    [Test]
    public void OneSigmoidChannelSegmentsTwoClasses()
    {
        using var scope = NewDisposeScope();
        manual_seed(19);
        var z = randn(2, 1, 8, 8) * 3;
        var target = rand(2, 8, 8).gt(0.5f);
        var twoChannel = cat([zeros_like(z), z], 1);
        Assert.That(softmax(twoChannel, 1).select(1, 1).allclose(sigmoid(z).squeeze(1), atol: 1e-6));
        var ce = nn.functional.cross_entropy(twoChannel, target.to(int64));
        var bce = nn.functional.binary_cross_entropy_with_logits(z.squeeze(1), target.to(float32));
        Assert.That(ce.item<float>(), Is.EqualTo(bce.item<float>()).Within(1e-5));

        var images = rand(16, 1, 16, 16);
        var masks = images.gt(0.5f).to(float32);
        var net = nn.Conv2d(1, 1, 1);
        var adam = optim.Adam(net.parameters(), 0.1);
        for (int step = 0; step < 150; step++)
        {
            using var inner = NewDisposeScope();
            adam.zero_grad();
            nn.functional.binary_cross_entropy_with_logits(net.call(images), masks).backward();
            adam.step();
        }
        Tensor predicted;
        using (no_grad()) predicted = net.call(images).gt(0);
        Assert.That(SegmentationMetrics.MeanIoU(predicted, masks, 2), Is.GreaterThan(0.9));
        Assert.That(SegmentationMetrics.Dice(predicted, masks), Is.GreaterThan(0.95));
    }

    /// <summary>
    /// Lesson 20: mIoU and the Dice coefficient on a 4×4 mask. The true object covers rows 0–1, columns 0–1; the
    /// prediction is shifted one column right. Object: |A ∩ B| = 2, |A ∪ B| = 6, IoU = 1/3, Dice = 2·2/(4+4) = 1/2.
    /// Background: 10 of 14, IoU = 5/7. mIoU = (1/3 + 5/7)/2 = 11/21.
    /// </summary>
    [Test]
    public void MeanIoUAndDiceOnSmallMasks()
    {
        using var scope = NewDisposeScope();
        var target = zeros(4, 4, int64);
        target[TensorIndex.Slice(0, 2), TensorIndex.Slice(0, 2)] = tensor(1L);
        var predicted = zeros(4, 4, int64);
        predicted[TensorIndex.Slice(0, 2), TensorIndex.Slice(1, 3)] = tensor(1L);
        double[] iou = SegmentationMetrics.IntersectionOverUnion(predicted, target, 2);
        Assert.That(iou, Is.EqualTo(new[] { 5.0 / 7, 1.0 / 3 }).Within(1e-12));
        Assert.That(SegmentationMetrics.MeanIoU(predicted, target, 2), Is.EqualTo(11.0 / 21).Within(1e-12));
        Assert.That(SegmentationMetrics.Dice(predicted, target), Is.EqualTo(0.5).Within(1e-12));
        Assert.That(SegmentationMetrics.Dice(predicted, target), Is.EqualTo(2 * iou[1] / (1 + iou[1])).Within(1e-12), "Dice = 2 IoU / (1 + IoU)");
        Assert.That(SegmentationMetrics.MeanIoU(target, target, 2), Is.EqualTo(1.0));
        // A third class absent from both masks does not count in the mean.
        Assert.That(SegmentationMetrics.MeanIoU(predicted, target, 3), Is.EqualTo(11.0 / 21).Within(1e-12));
    }
}
