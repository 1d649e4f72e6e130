using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using NUnit.Framework;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Course.Exercises.Tests.ChapterNotes;

/// <summary>The Q&amp;A of the modern CNN lectures (d2l 7.2 VGG, 7.3 NiN, 7.4 GoogLeNet, 7.5 batch norm, 7.6 ResNet).</summary>
public sealed class NotesChapter7Tests
{
    [Test]
    public void AWideNetworkMemorisesRandomLabelsWithoutGeneralising()
    {
        manual_seed(1);
        var X = randn(64, 20);
        var y = randint(0, 10, [64]);
        var testX = randn(500, 20);
        var testY = randint(0, 10, [500]);
        var net = nn.Sequential(nn.Linear(20, 512), nn.ReLU(), nn.Linear(512, 10));
        var optimizer = optim.Adam(net.parameters(), 0.01);
        var losses = new List<float>();
        for (int step = 0; step < 100; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = F.cross_entropy(net.call(X), y);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        using var noGrad = no_grad();
        double trainAcc = net.call(X).argmax(1).eq(y).to(float32).mean().item<float>();
        double testAcc = net.call(testX).argmax(1).eq(testY).to(float32).mean().item<float>();
        Assert.That(losses[^1], Is.LessThan(losses[0] / 20), "the training loss keeps falling");
        Assert.That(trainAcc, Is.EqualTo(1.0));
        Assert.That(testAcc, Is.LessThan(0.2), "chance is 0.1");
    }

    [Test]
    public void OneByOneConvolutionsCutTheInceptionCost()
    {
        // The first Inception block of GoogLeNet: 192 channels in, paths (1×1 16 → 5×5 32) and (1×1 96 → 3×3 128).
        var block = new Inception(192, 64, (96, 128), (16, 32), 32);
        var counts = block.named_parameters().ToDictionary(p => p.name, p => p.parameter.numel());
        long fiveByFive = counts["p3_1.weight"] + counts["p3_2.weight"];
        long threeByThree = counts["p2_1.weight"] + counts["p2_2.weight"];
        long direct5 = nn.Conv2d(192, 32, 5).weight!.numel();
        long direct3 = nn.Conv2d(192, 128, 3).weight!.numel();
        Assert.That(fiveByFive, Is.EqualTo(192 * 16 + 16 * 32 * 25));
        Assert.That(direct5, Is.GreaterThan(9 * fiveByFive), "a 5×5 convolution straight from 192 channels");
        Assert.That(direct3, Is.GreaterThan(threeByThree * 3 / 2));
        Assert.That(block.call(rand(1, 192, 28, 28)).shape, Is.EqualTo(new long[] { 1, 256, 28, 28 }));
    }

    [Test]
    public void BatchNormMakesALayerIndifferentToItsWeightScale()
    {
        manual_seed(2);
        var conv = nn.Conv2d(3, 4, 3);
        var bn = nn.BatchNorm2d(4);
        var x = randn(8, 3, 10, 10);
        var y = bn.call(conv.call(x));
        using (no_grad())
        {
            conv.weight!.mul_(10);
            conv.bias!.mul_(10);
        }
        Assert.That(bn.call(conv.call(x)).allclose(y, atol: 1e-4), "so a large learning rate cannot blow the activations up");
    }

    [Test]
    public void BatchNormAfterTheActivationAlsoTrains()
    {
        manual_seed(3);
        var x = rand(256, 2) * 2 - 1;
        var y = (x[TensorIndex.Colon, 0] * x[TensorIndex.Colon, 1]).reshape(-1, 1);
        double RelativeLoss(bool afterActivation)
        {
            manual_seed(4);
            var net = afterActivation
                ? nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.BatchNorm1d(32), nn.Linear(32, 1))
                : nn.Sequential(nn.Linear(2, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 1));
            var optimizer = optim.Adam(net.parameters(), 0.01);
            double first = 0, last = 0;
            for (int step = 0; step < 150; step++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = (net.call(x) - y).square().mean();
                loss.backward();
                optimizer.step();
                last = loss.item<float>();
                if (step == 0) first = last;
            }
            return last / first;
        }
        Assert.That(RelativeLoss(afterActivation: true), Is.LessThan(0.2));
        Assert.That(RelativeLoss(afterActivation: false), Is.LessThan(0.2));
    }

    [Test]
    public void AResidualBlockCanBeTheIdentity()
    {
        var block = new Residual(3, 3);
        using (no_grad())
        {
            foreach (var (name, p) in block.named_parameters())
                if (name.StartsWith("bn2.", StringComparison.Ordinal)) p.zero_();
        }
        var x = rand(2, 3, 6, 6);
        Assert.That(block.call(x).allclose(x), "g(x) = 0 leaves f(x) = x");
    }

    [Test]
    public void ResidualConnectionsKeepTheGradientOfADeepStack()
    {
        manual_seed(5);
        var layers = Enumerable.Range(0, 50).Select(_ => nn.Linear(16, 16)).ToArray();
        using (no_grad()) foreach (var l in layers) nn.init.normal_(l.weight!, 0, 0.1);
        double InputGradient(bool residual)
        {
            var x = randn(1, 16).requires_grad_(true);
            var h = x;
            foreach (var l in layers) h = residual ? h + l.call(h).tanh() : l.call(h).tanh();
            h.sum().backward();
            return x.grad!.norm().item<float>();
        }
        Assert.That(InputGradient(residual: false), Is.LessThan(1e-8), "a product of 50 small Jacobians");
        Assert.That(InputGradient(residual: true), Is.GreaterThan(0.1), "I + g' at every layer");
    }
}
