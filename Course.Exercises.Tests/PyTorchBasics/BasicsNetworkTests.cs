using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Course.Exercises.Tests.PyTorchBasics;

/// <summary>PyTorch basics, part 2, exercises 27–34: a one-hidden-layer network and LeNet-5 (the tutorial's, for 32×32 inputs).</summary>
public sealed class BasicsNetworkTests
{
    /// <summary>Exercise 27: flatten a 32×32 grey image, Linear(1024, 100), ReLU, Linear(100, 10).</summary>
    private sealed class OneHiddenLayerNet : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc1, fc2;

        public OneHiddenLayerNet() : base(nameof(OneHiddenLayerNet))
        {
            fc1 = nn.Linear(32 * 32, 100);
            fc2 = nn.Linear(100, 10);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => fc2.call(F.relu(fc1.call(flatten(x, 1))));
    }

    /// <summary>
    /// Exercises 32–34: LeNet-5 of the PyTorch tutorial, conv(1→c1, 5) · ReLU · 2×2 max-pool · conv(c2in→16, 5) · ReLU ·
    /// max-pool · 400 → 120 → 84 → 10, with the pooling as <c>F.max_pool2d</c> or as <c>nn.MaxPool2d</c> modules.
    /// </summary>
    private sealed class TutorialLeNet : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1, conv2;
        private readonly Linear fc1, fc2, fc3;
        private readonly MaxPool2d? pool;

        public TutorialLeNet(bool poolModule = false, int conv1Channels = 6, int? conv2InChannels = null) : base(nameof(TutorialLeNet))
        {
            conv1 = nn.Conv2d(1, conv1Channels, 5);
            conv2 = nn.Conv2d(conv2InChannels ?? conv1Channels, 16, 5);
            fc1 = nn.Linear(16 * 5 * 5, 120);
            fc2 = nn.Linear(120, 84);
            fc3 = nn.Linear(84, 10);
            pool = poolModule ? nn.MaxPool2d(2) : null;
            RegisterComponents();
        }

        private Tensor Pool(Tensor x) => pool is null ? F.max_pool2d(x, 2) : pool.call(x);

        public override Tensor forward(Tensor x)
        {
            x = Pool(F.relu(conv1.call(x)));
            x = Pool(F.relu(conv2.call(x)));
            x = flatten(x, 1);
            x = F.relu(fc1.call(x));
            x = F.relu(fc2.call(x));
            return fc3.call(x);
        }
    }

    [Test]
    public void TheOneHiddenLayerNetworkHasTheStatedLayers()
    {
        var net = new OneHiddenLayerNet();
        Assert.That(net.parameters().Sum(p => p.numel()), Is.EqualTo(1024 * 100 + 100 + 100 * 10 + 10));
    }

    [Test]
    public void AForwardPassInTwoLines()
    {
        var net = new OneHiddenLayerNet();
        var output = net.call(rand(1, 1, 32, 32));
        Assert.That(output.shape, Is.EqualTo(new long[] { 1, 10 }));
    }

    [Test]
    public void TheNetworkHasFourParameterTensors() => Assert.That(new OneHiddenLayerNet().parameters().Count(), Is.EqualTo(4));

    [Test]
    public void TheParameterNames() =>
        Assert.That(new OneHiddenLayerNet().named_parameters().Select(p => p.name), Is.EqualTo(new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }));

    [Test]
    public void TheSecondParameterIsTheHiddenLayersBias()
    {
        // print(list(net.parameters())[1].size())
        var parameters = new OneHiddenLayerNet().named_parameters().ToArray();
        Assert.That(parameters[1].name, Is.EqualTo("fc1.bias"));
        Assert.That(parameters[1].parameter.shape, Is.EqualTo(new long[] { 100 }));
        Assert.That(parameters[0].parameter.shape, Is.EqualTo(new long[] { 100, 1024 }), "fc1.weight is (out_features, in_features)");
    }

    [Test]
    public void LeNetWithFunctionalMaxPool()
    {
        var net = new TutorialLeNet();
        Assert.That(net.call(rand(1, 1, 32, 32)).shape, Is.EqualTo(new long[] { 1, 10 }));
        Assert.That(net.parameters().Sum(p => p.numel()), Is.EqualTo(61_706));
        // The hint puts ReLU after the subsampling, the tutorial before it: max-pooling and ReLU commute.
        manual_seed(7);
        var x = randn(2, 6, 28, 28);
        Assert.That(F.relu(F.max_pool2d(x, 2)).equal(F.max_pool2d(F.relu(x), 2)).all().item<bool>());
    }

    [Test]
    public void LeNetWithMaxPool2dModulesComputesTheSame()
    {
        manual_seed(8);
        var functional = new TutorialLeNet(poolModule: false);
        manual_seed(8);
        var modules = new TutorialLeNet(poolModule: true);
        var x = rand(3, 1, 32, 32);
        Assert.That(modules.call(x).allclose(functional.call(x)));
        Assert.That(modules.named_parameters().Select(p => p.name), Is.EqualTo(functional.named_parameters().Select(p => p.name)), "MaxPool2d has no parameters");
    }

    [Test]
    public void WideningConv1NeedsConv2ToTakeTwelveChannels()
    {
        var wide = new TutorialLeNet(conv1Channels: 12);
        Assert.That(wide.call(rand(1, 1, 32, 32)).shape, Is.EqualTo(new long[] { 1, 10 }));
        Assert.That(wide.parameters().Sum(p => p.numel()), Is.EqualTo(61_706 - 156 - 2_416 + (12 * 25 + 12) + (16 * 12 * 25 + 16)));
        var half = new TutorialLeNet(conv1Channels: 12, conv2InChannels: 6);
        Assert.That(() => half.call(rand(1, 1, 32, 32)), Throws.Exception.With.Message.Contains("with 6 channels"));
    }
}
