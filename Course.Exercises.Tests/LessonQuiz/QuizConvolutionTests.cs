using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.LessonQuiz;

// The lesson quiz answers of seed 000 (a PyTorch course's 思考题答案集锦), lesson by lesson; the index is
// Course.Exercises.Tests/README.md, section 000.

/// <summary>Lessons 8–10: VGG-16, 'same' padding with strides, depthwise-separable convolution.</summary>
public sealed class QuizConvolutionTests
{
    /// <summary>VGG-16's (number of 3×3 convolutions, channels) per block (configuration D of Simonyan and Zisserman).</summary>
    private static readonly (int NumConvs, int OutChannels)[] Vgg16Arch = [(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)];

    /// <summary>
    /// Lesson 8: VGG-16 built from its layer list with 7.2's <c>vgg_block</c> and the 4096-4096-1000 head has
    /// torchvision's 138,357,544 parameters and maps a 224×224 RGB image to 1000 logits. (The notes' <c>pretrained=True</c>
    /// downloads ImageNet weights; there are none here, and torchvision ≥ 0.13 spells it <c>weights=…</c>.)
    /// </summary>
    [Test]
    public void Vgg16HasTorchvisionsParameterCount()
    {
        using var scope = NewDisposeScope();
        var layers = new List<nn.Module<Tensor, Tensor>>();
        int inChannels = 3;
        foreach (var (numConvs, channels) in Vgg16Arch)
        {
            layers.Add(Vgg.VggBlock(numConvs, inChannels, channels));
            inChannels = channels;
        }
        layers.AddRange([
            nn.Flatten(),
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(4096, 1000)]);
        using var vgg16 = nn.Sequential(layers);
        Assert.That(vgg16.parameters().Sum(p => p.numel()), Is.EqualTo(138_357_544L));
        Assert.That(vgg16.modules().OfType<Conv2d>().Count() + vgg16.modules().OfType<Linear>().Count(), Is.EqualTo(16), "16 weight layers");
        vgg16.eval();
        using (no_grad()) Assert.That(vgg16.call(rand(1, 3, 224, 224)).shape, Is.EqualTo(new long[] { 1, 1000 }));
    }

    /// <summary>
    /// Lesson 9: PyTorch, and TorchSharp with it, refuse <c>padding='same'</c> when the stride is not 1 — the notes'
    /// "no" holds there. The idea itself exists (TensorFlow's 'same' gives ⌈n / s⌉ outputs); with explicit,
    /// possibly uneven padding it is reproduced.
    /// </summary>
    [Test]
    public void SamePaddingIsRejectedForStridedConvolutions()
    {
        using var scope = NewDisposeScope();
        var x = rand(1, 3, 8, 8);
        Assert.That(nn.Conv2d(3, 4, 3, stride: 1, padding: Padding.Same).call(x).shape, Is.EqualTo(new long[] { 1, 4, 8, 8 }));
        Assert.That(() => nn.Conv2d(3, 4, 3, stride: 2, padding: Padding.Same).call(x),
            Throws.ArgumentException.With.Message.Contains("not supported for strided convolutions"));

        foreach (int n in new[] { 7, 8 })
        {
            const int k = 3, s = 2;
            int outSize = (n + s - 1) / s, total = Math.Max((outSize - 1) * s + k - n, 0);
            var padded = nn.functional.pad(rand(1, 3, n, n), [total / 2, total - total / 2, total / 2, total - total / 2]);
            var y = nn.Conv2d(3, 4, k, stride: s).call(padded);
            Assert.That(y.shape, Is.EqualTo(new long[] { 1, 4, outSize, outSize }), $"TensorFlow-style 'same' on {n}×{n}");
        }
    }

    /// <summary>
    /// Lesson 10: a 3×3 depthwise convolution (groups = 3) and a 1×1 pointwise one to 10 channels turn (1, 3, 128, 128)
    /// into (1, 10, 126, 126) with 30 + 40 = 70 parameters, where a plain 3×3 convolution needs 280.
    /// </summary>
    [Test]
    public void DepthwiseSeparableConvolution()
    {
        using var scope = NewDisposeScope();
        manual_seed(10);
        var x = rand(3, 128, 128).unsqueeze(0);
        var dw = nn.Conv2d(3, 3, 3, stride: 1, groups: 3);
        var pw = nn.Conv2d(3, 10, 1, stride: 1);
        var plain = nn.Conv2d(3, 10, 3);
        var outSeparable = pw.call(dw.call(x));
        Assert.That(outSeparable.shape, Is.EqualTo(new long[] { 1, 10, 126, 126 }));
        Assert.That(plain.call(x).shape, Is.EqualTo(outSeparable.shape));
        long Count(nn.Module m) => m.parameters().Sum(p => p.numel());
        Assert.That(Count(dw), Is.EqualTo(3 * 1 * 3 * 3 + 3));
        Assert.That(Count(pw), Is.EqualTo(10 * 3 + 10));
        Assert.That(Count(plain), Is.EqualTo(10 * 3 * 3 * 3 + 10));
        // Each depthwise filter sees one channel only: changing channel 1 leaves channel 0's output alone.
        var changed = x.clone();
        changed[0, 1] = changed[0, 1] * 2 + 1;
        Assert.That(dw.call(changed)[0, 0].allclose(dw.call(x)[0, 0]));
        Assert.That(dw.call(changed)[0, 1].allclose(dw.call(x)[0, 1]), Is.False);
    }
}
