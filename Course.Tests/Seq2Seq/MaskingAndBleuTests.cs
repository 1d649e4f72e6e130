using Course.Core.Seq2Seq;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Seq2Seq;

/// <summary>9.7: <c>sequence_mask</c>, the masked loss and BLEU against the book's (docs/parity.md) and hand-checked values.</summary>
public sealed class MaskingAndBleuTests
{
    [Test]
    public void SequenceMaskZeroesEverythingAfterTheValidLength()
    {
        using var masked = MaskedSoftmaxCELoss.SequenceMask(tensor(new long[,] { { 1, 2, 3 }, { 4, 5, 6 } }), tensor(new long[] { 1, 2 }));
        Assert.That(masked.data<long>().ToArray(), Is.EqualTo(new long[] { 1, 0, 0, 4, 5, 0 }));
    }

    [Test]
    public void SequenceMaskCoversTrailingDimensionsWithTheGivenValue()
    {
        // d2l: sequence_mask(torch.ones(2, 3, 4), torch.tensor([1, 2]), value=-1)
        using var masked = MaskedSoftmaxCELoss.SequenceMask(ones(2, 3, 4), tensor(new long[] { 1, 2 }), value: -1);
        float[] expected = [.. Enumerable.Repeat(1f, 4), .. Enumerable.Repeat(-1f, 8), .. Enumerable.Repeat(1f, 8), .. Enumerable.Repeat(-1f, 4)];
        Assert.That(masked.data<float>().ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void TheMaskedLossAveragesOverAllStepsWithPaddingAsZero()
    {
        using var loss = MaskedSoftmaxCELoss.Compute(ones(3, 4, 10), ones([3, 4], dtype: int64), tensor(new long[] { 4, 2, 0 }));
        Assert.That(loss.data<float>().ToArray(), Is.EqualTo(new[] { MathF.Log(10), MathF.Log(10) / 2, 0f }).Within(1e-5));
    }

    [TestCase("va !", "va !", 2, 1.0)]
    [TestCase("il est riche .", "il est calme .", 2, 0.65804)] // √(3/4) · (1/3)^¼, the book's 0.658
    [TestCase("je suis en retard ?", "je suis chez moi .", 2, 0.44721)] // √(2/5) · (1/4)^¼, the book's 0.447
    [TestCase("va", "va !", 1, 0.36788)] // the brevity penalty e^(1 − 2/1)
    [TestCase("va", "va !", 2, 0.0)] // no bigram to count
    [TestCase("a a a a", "a b", 1, 0.5)] // clipped counts: 1 of the 4 a's matches
    public void BleuMatchesHandComputedValues(string prediction, string label, int k, double expected) =>
        Assert.That(Bleu.Score(prediction, label, k), Is.EqualTo(expected).Within(1e-5));
}
