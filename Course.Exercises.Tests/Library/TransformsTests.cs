using Course.Exercises.Vision;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.Library;

public sealed class TransformsTests
{
    private static float[] Floats(Tensor t) => t.cpu().to(float32).reshape(-1).data<float>().ToArray();

    [Test]
    public void ToTensorScalesBytesAndMovesChannelsFirst()
    {
        using var scope = NewDisposeScope();
        var hwc = arange(2 * 3 * 3, dtype: int32).reshape(2, 3, 3).to(uint8) * 10;
        var chw = new ToTensor().Apply(hwc);
        Assert.That(chw.shape, Is.EqualTo(new long[] { 3, 2, 3 }));
        Assert.That(chw.dtype, Is.EqualTo(ScalarType.Float32));
        for (int h = 0; h < 2; h++)
            for (int w = 0; w < 3; w++)
                for (int c = 0; c < 3; c++)
                    Assert.That(chw[c, h, w].item<float>(), Is.EqualTo(hwc[h, w, c].item<byte>() / 255f).Within(1e-7));
        Assert.That(new ToTensor().Apply(full(4, 5, 255, dtype: uint8)).shape, Is.EqualTo(new long[] { 1, 4, 5 }), "grayscale (H, W)");
        Assert.That(new ToTensor().Apply(zeros(7, 4, 5, 3, uint8)).shape, Is.EqualTo(new long[] { 7, 3, 4, 5 }), "a batch (N, H, W, C)");
        Assert.That(Floats(new ToTensor().Apply(full(1, 1, 3, 2f))), Is.All.EqualTo(2f), "floats are not scaled");
        Assert.That(() => new ToTensor().Apply(zeros(5)), Throws.ArgumentException);
    }

    [Test]
    public void ConvertImageDtypeScalesIntegersOnly()
    {
        using var scope = NewDisposeScope();
        var image = tensor(new byte[] { 0, 51, 255 }).reshape(1, 1, 3);
        Assert.That(Floats(new ConvertImageDtype().Apply(image)), Is.EqualTo(new[] { 0f, 0.2f, 1f }).Within(1e-6));
        Assert.That(new ConvertImageDtype(ScalarType.Float64).Apply(image).dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(Floats(new ConvertImageDtype().Apply(full(1, 1, 1, 3.5))), Is.EqualTo(new[] { 3.5f }));
        Assert.That(() => new ConvertImageDtype(ScalarType.Int32), Throws.ArgumentException);
    }

    [Test]
    public void NormalizeWorksPerChannel()
    {
        using var scope = NewDisposeScope();
        var image = stack([full(2, 2, 0.5f), full(2, 2, 1f)]);
        var normalized = new Normalize([0.5f, 0f], [1f, 0.5f]).Apply(image);
        Assert.That(Floats(normalized), Is.EqualTo(new[] { 0f, 0f, 0f, 0f, 2f, 2f, 2f, 2f }));
        Assert.That(new Normalize([0.5f, 0f], [1f, 0.5f]).Apply(image.unsqueeze(0).expand(3, -1, -1, -1)).shape, Is.EqualTo(new long[] { 3, 2, 2, 2 }));
        Assert.That(() => new Normalize([0.5f], [1f]).Apply(image), Throws.ArgumentException.With.Message.Contains("1 channel"));
        Assert.That(() => new Normalize([0.5f, 0f], [1f, 0.5f]).Apply(image.to(uint8)), Throws.ArgumentException.With.Message.Contains("floating"));
        Assert.That(() => new Normalize([0f], [0f]), Throws.ArgumentException);
        Assert.That(() => new Normalize([0f, 1f], [1f]), Throws.ArgumentException);
    }

    [Test]
    public void ResizeFixesTheShorterSideOrBoth()
    {
        using var scope = NewDisposeScope();
        Assert.That(new Resize(2).Apply(rand(3, 4, 6)).shape, Is.EqualTo(new long[] { 3, 2, 3 }));
        Assert.That(new Resize(2).Apply(rand(3, 3, 5)).shape, Is.EqualTo(new long[] { 3, 2, 3 }), "2·5/3 rounds down, as torchvision");
        Assert.That(new Resize(2).Apply(rand(1, 5, 3)).shape, Is.EqualTo(new long[] { 1, 3, 2 }));
        Assert.That(new Resize(7, 9).Apply(rand(2, 1, 4, 6)).shape, Is.EqualTo(new long[] { 2, 1, 7, 9 }));
        Assert.That(Floats(new Resize(3, 3).Apply(full(1, 8, 8, 0.25f))), Is.All.EqualTo(0.25f).Within(1e-6), "a flat image stays flat");
        var bytes = new Resize(4, 4).Apply(full(3, 8, 8, 200, dtype: uint8));
        Assert.That(bytes.dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(Floats(bytes), Is.All.EqualTo(200f));
        // Halving a 2-pixel stripe pattern averages neighbours (antialiased).
        var stripes = (arange(8) % 2).to(float32).view(1, 1, 8).expand(1, 8, 8);
        Assert.That(Floats(new Resize(4, 4).Apply(stripes)[.., .., 1..3]), Is.All.EqualTo(0.5f).Within(1e-5), "inside the border");
        Assert.That(() => new Resize(2).Apply(rand(4, 4)), Throws.ArgumentException);
    }

    [Test]
    public void CenterCropTakesTheMiddleAndPadsSmallImages()
    {
        using var scope = NewDisposeScope();
        var image = arange(25, dtype: float32).reshape(1, 5, 5);
        Assert.That(Floats(new CenterCrop(3).Apply(image)), Is.EqualTo(new[] { 6f, 7f, 8f, 11f, 12f, 13f, 16f, 17f, 18f }));
        // (4 − 1) / 2 = 1.5 rounds half to even, to 2, as torchvision's round does.
        Assert.That(Floats(new CenterCrop(1).Apply(arange(16, dtype: float32).reshape(1, 4, 4))), Is.EqualTo(new[] { 10f }));
        Assert.That(new CenterCrop(2, 4).Apply(rand(5, 3, 6, 6)).shape, Is.EqualTo(new long[] { 5, 3, 2, 4 }));
        var padded = new CenterCrop(4).Apply(ones(1, 2, 2));
        Assert.That(padded.shape, Is.EqualTo(new long[] { 1, 4, 4 }));
        Assert.That(padded.sum().item<float>(), Is.EqualTo(4f));
        Assert.That(Floats(padded[0, 1..3, 1..3]), Is.All.EqualTo(1f), "the image sits in the middle");
    }

    [Test]
    public void RandomResizedCropSamplesValidWindows()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var crop = new RandomResizedCrop(16, 16);
        for (int i = 0; i < 200; i++)
        {
            var (top, left, h, w) = crop.SampleWindow(40, 60);
            Assert.That(top >= 0 && left >= 0 && top + h <= 40 && left + w <= 60 && h > 0 && w > 0, $"window {i}: ({top}, {left}, {h}, {w})");
            Assert.That((double)w / h, Is.InRange(0.7, 1.45), "aspect ratio near [3/4, 4/3] (rounding)");
        }
        Assert.That(crop.Apply(rand(3, 40, 60)).shape, Is.EqualTo(new long[] { 3, 16, 16 }));
        Assert.That(crop.Apply(randint(0, 256, [2, 3, 40, 60], uint8)).dtype, Is.EqualTo(ScalarType.Byte));

        var whole = new RandomResizedCrop(10, 10, scale: (1, 1), ratio: (1, 1));
        Assert.That(whole.SampleWindow(10, 10), Is.EqualTo((0, 0, 10, 10)));
        var image = rand(3, 10, 10);
        Assert.That(whole.Apply(image).allclose(image), "the whole square image, unresized");
        // No square window of 90–100 % of the area fits a 10×100 image: the fallback is the central 10×10 crop.
        Assert.That(new RandomResizedCrop(5, 5, scale: (0.9, 1), ratio: (1, 1)).SampleWindow(10, 100), Is.EqualTo((0, 45, 10, 10)));

        manual_seed(42);
        var first = crop.SampleWindow(40, 60);
        manual_seed(42);
        Assert.That(crop.SampleWindow(40, 60), Is.EqualTo(first), "manual_seed makes the draws repeat");
        Assert.That(() => new RandomResizedCrop(8, 8, scale: (0.5, 0.2)), Throws.ArgumentException);
    }

    [Test]
    public void FlipsMirrorTheLastAxes()
    {
        using var scope = NewDisposeScope();
        var image = arange(6, dtype: float32).reshape(1, 2, 3);
        Assert.That(Floats(new RandomHorizontalFlip(1).Apply(image)), Is.EqualTo(new[] { 2f, 1f, 0f, 5f, 4f, 3f }));
        Assert.That(Floats(new RandomVerticalFlip(1).Apply(image)), Is.EqualTo(new[] { 3f, 4f, 5f, 0f, 1f, 2f }));
        Assert.That(Floats(new RandomHorizontalFlip(0).Apply(image)), Is.EqualTo(Floats(image)));
        manual_seed(3);
        var flip = new RandomHorizontalFlip();
        int flipped = Enumerable.Range(0, 400).Count(_ => flip.Apply(image)[0, 0, 0].item<float>() == 2f);
        Assert.That(flipped, Is.InRange(150, 250), "about half");
        Assert.That(() => new RandomHorizontalFlip(1.5), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void RotationTurnsCounterClockwise()
    {
        using var scope = NewDisposeScope();
        var image = rand(2, 3, 6, 6);
        Assert.That(Images.Rotate(image, 90).allclose(image.rot90(1, (-2, -1)), atol: 1e-5), "a quarter turn is rot90");
        Assert.That(Images.Rotate(image, -90).allclose(image.rot90(-1, (-2, -1)), atol: 1e-5));
        Assert.That(Images.Rotate(image, 0).allclose(image, atol: 1e-6));
        // The top-left corner of [[1, 2], [3, 4]] turned counter-clockwise holds 2.
        Assert.That(Images.Rotate(tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 2, 2), 90)[0, 0, 0].item<float>(), Is.EqualTo(2f).Within(1e-5));
        Assert.That(Images.Rotate(rand(1, 4, 8), 30).shape, Is.EqualTo(new long[] { 1, 4, 8 }));
        Assert.That(new RandomRotation(0).Apply(image).allclose(image, atol: 1e-6));
        Assert.That(() => new RandomRotation(-1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void ComposeRunsTransformsInOrder()
    {
        using var scope = NewDisposeScope();
        var image = full(4, 4, 3, 255, dtype: uint8);
        var pipeline = new Compose(new ToTensor(), new Normalize([0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]));
        var x = pipeline.Apply(image);
        Assert.That(x.shape, Is.EqualTo(new long[] { 3, 4, 4 }));
        Assert.That(Floats(x), Is.All.EqualTo(1f));
        Assert.That(() => new Compose(new Normalize([0.5f], [0.5f]), new ToTensor()).Apply(image), Throws.ArgumentException, "order matters");
        Assert.That(pipeline.Transforms, Has.Count.EqualTo(2));
        Assert.That(new Compose().Apply(image).equal(image).all().item<bool>(), "an empty pipeline is the identity");
    }
}
