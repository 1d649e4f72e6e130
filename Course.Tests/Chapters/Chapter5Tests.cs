using Course.Chapters.Ch05_DeepLearningComputation;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>Chapter 5: the blocks, parameter access, initialisers, tied weights, custom layers, file I/O and devices.</summary>
public sealed class Chapter5Tests
{
    private static float[] Values(Tensor t) => t.detach().cpu().to(float32).reshape(-1).data<float>().ToArray();

    private static long[] Shape(Tensor t) => t.shape;

    [SetUp]
    public void Seed() => manual_seed(0);

    // 5.1 Layers and blocks.

    [Test]
    public void TheThreeMlpsMapTwoByTwentyToTwoByTen()
    {
        var X = rand(2, 20);
        Assert.That(Shape(ModelConstruction.SequentialMlp().forward(X)), Is.EqualTo(new long[] { 2, 10 }));
        Assert.That(Shape(new Mlp().forward(X)), Is.EqualTo(new long[] { 2, 10 }));
        Assert.That(Shape(ModelConstruction.MySequentialMlp().forward(X)), Is.EqualTo(new long[] { 2, 10 }));
    }

    [Test]
    public void MySequentialRunsItsBlocksInOrderLikeSequential()
    {
        var first = nn.Linear(20, 256);
        var second = nn.Linear(256, 10);
        var mine = new MySequential(first, nn.ReLU(), second);
        var theirs = nn.Sequential(first, nn.ReLU(), second);
        var X = rand(2, 20);
        Assert.That(Values(mine.forward(X)), Is.EqualTo(Values(theirs.forward(X))));
        Assert.That(mine.named_parameters().Select(p => p.name), Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }));
    }

    [Test]
    public void MlpKeepsTheBooksNamesAndCount()
    {
        var net = new Mlp();
        Assert.That(net.state_dict().Keys, Is.EqualTo(new[] { "hidden.weight", "hidden.bias", "out.weight", "out.bias" }));
        Assert.That(ModelConstruction.ParameterCount(net), Is.EqualTo(20 * 256 + 256 + 256 * 10 + 10));
    }

    [Test]
    public void FixedHiddenMlpHalvesToAScalarAndNeverTrainsItsConstant()
    {
        var net = new FixedHiddenMlp();
        foreach (var X in new[] { rand(2, 20), 100 * ones(2, 20) })
        {
            var y = net.forward(X);
            Assert.That(y.dim(), Is.EqualTo(0), "forward returns X.sum(), a scalar");
            Assert.That(Math.Abs(y.item<float>()), Is.LessThanOrEqualTo(1f), "the loop stops once |X|.sum() <= 1, so |sum| <= 1");
        }
        Assert.That(net.named_parameters().Select(p => p.name), Is.EqualTo(new[] { "linear.weight", "linear.bias" }));
        Assert.That(net.state_dict().Keys, Is.EqualTo(new[] { "linear.weight", "linear.bias", "rand_weight" }), "the constant is a buffer");
        Assert.That(net.RandWeight.requires_grad, Is.False);
        Assert.That(Shape(net.RandWeight), Is.EqualTo(new long[] { 20, 20 }));

        net.to(float64);
        Assert.That(net.RandWeight.dtype, Is.EqualTo(float64), "the constant moves and converts with the module");
        Assert.That(net.forward(rand(2, 20, dtype: float64)).dtype, Is.EqualTo(float64));

        net.to(float32);
        net.forward(rand(2, 20)).backward();
        var linear = (Linear)net.named_children().Single().module;
        Assert.That(linear.weight!.grad, Is.Not.Null, "the linear layer (used twice) gets a gradient");
        Assert.That(net.RandWeight.grad, Is.Null);
    }

    [Test]
    public void NestingMixesBlocks()
    {
        var X = rand(2, 20);
        Assert.That(Shape(new NestMlp().forward(X)), Is.EqualTo(new long[] { 2, 16 }));
        var chimera = ModelConstruction.Chimera();
        Assert.That(chimera.forward(X).dim(), Is.EqualTo(0));
        Assert.That(ModelConstruction.ParameterCount(chimera), Is.EqualTo((20 * 64 + 64) + (64 * 32 + 32) + (32 * 16 + 16) + (16 * 20 + 20) + (20 * 20 + 20)));
        string tree = ModuleTree.Format(chimera);
        Assert.That(tree, Does.StartWith("Sequential(\n  (0): NestMLP(\n    (net): Sequential(\n      (0): Linear(in_features=20, out_features=64, bias=True)"));
        Assert.That(tree, Does.Contain("  (2): FixedHiddenMLP(\n    (linear): Linear(in_features=20, out_features=20, bias=True)\n  )\n)"));
    }

    // 5.2 Parameter management.

    [Test]
    public void TheNetsParametersHaveD2lsNames()
    {
        var net = Parameters.Net();
        Assert.That(Shape(net.forward(rand(2, 4))), Is.EqualTo(new long[] { 2, 1 }));
        var state = Parameters.StateDictShapes(net);
        Assert.That(state.Select(s => s.Name), Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }));
        Assert.That(state.Select(s => s.Shape), Is.EqualTo(new[] { new long[] { 8, 4 }, [8], [1, 8], [1] }));
        Assert.That(ModelConstruction.ParameterCount(net), Is.EqualTo(49));
        Assert.That(Parameters.Layer(net, 2).state_dict().Keys, Is.EqualTo(new[] { "weight", "bias" }));
        Assert.That(Parameters.Layer(net, 2).bias, Is.InstanceOf<Parameter>());
        Assert.That(Parameters.Layer(net, 2).weight!.grad, Is.Null, "no gradient before a backward pass");
        Assert.That(Values(net.state_dict()["2.bias"]), Is.EqualTo(Values(Parameters.Layer(net, 2).bias!)));
        Assert.That(ModuleTree.ParameterShapes(net), Is.EqualTo("0.weight [8, 4], 0.bias [8], 2.weight [1, 8], 2.bias [1]"));
    }

    [Test]
    public void NestedBlocksNameTheirParametersByPath()
    {
        var rgnet = Parameters.RgNet();
        Assert.That(Shape(rgnet.forward(rand(2, 4))), Is.EqualTo(new long[] { 2, 1 }));
        var names = Parameters.StateDictShapes(rgnet).Select(s => s.Name).ToArray();
        Assert.That(names, Has.Length.EqualTo(4 * 4 + 2));
        Assert.That(names[..4], Is.EqualTo(new[] { "0.block 0.0.weight", "0.block 0.0.bias", "0.block 0.2.weight", "0.block 0.2.bias" }));
        Assert.That(names[^2..], Is.EqualTo(new[] { "1.weight", "1.bias" }));
        Assert.That(names, Does.Contain("0.block 3.2.bias"));
        string tree = ModuleTree.Format(rgnet);
        Assert.That(tree, Does.Contain("    (block 3): Sequential(\n      (0): Linear(in_features=4, out_features=8, bias=True)\n      (1): ReLU()\n"));
        Assert.That(tree, Does.EndWith("  (1): Linear(in_features=4, out_features=1, bias=True)\n)"));
    }

    [Test]
    public void BuiltInInitialisers()
    {
        var net = Parameters.Net();
        net.apply(Parameters.InitNormal);
        var w0 = Parameters.Layer(net, 0).weight!;
        Assert.That(Values(Parameters.Layer(net, 0).bias!), Is.All.EqualTo(0f));
        Assert.That(Values(w0).Max(Math.Abs), Is.LessThan(0.06f), "N(0, 0.01²): 32 draws stay within 6σ");
        Assert.That(Values(w0).Distinct().Count(), Is.GreaterThan(1));

        net.apply(Parameters.InitConstant);
        Assert.That(Values(Parameters.Layer(net, 0).weight!), Is.All.EqualTo(1f));
        Assert.That(Values(Parameters.Layer(net, 2).weight!), Is.All.EqualTo(1f));
        Assert.That(Values(Parameters.Layer(net, 0).bias!), Is.All.EqualTo(0f));

        Parameters.Layer(net, 0).apply(Parameters.InitXavier);
        Parameters.Layer(net, 2).apply(Parameters.Init42);
        float bound = MathF.Sqrt(6f / (4 + 8));
        Assert.That(Values(Parameters.Layer(net, 0).weight!), Is.All.InRange(-bound, bound));
        Assert.That(Values(Parameters.Layer(net, 0).weight!), Has.Some.Not.EqualTo(1f), "Xavier replaced the constant");
        Assert.That(Values(Parameters.Layer(net, 2).weight!), Is.All.EqualTo(42f));
    }

    [Test]
    public void MyInitLeavesZeroOrFiveToTen()
    {
        var net = Parameters.Net();
        var log = new StringWriter();
        net.apply(Parameters.MyInit(log));
        foreach (int i in new[] { 0, 2 })
        {
            var w = Values(Parameters.Layer(net, i).weight!);
            Assert.That(w.All(v => v == 0 || (Math.Abs(v) >= 5 && Math.Abs(v) <= 10)), $"net[{i}].weight: {string.Join(", ", w)}");
        }
        Assert.That(Values(Parameters.Layer(net, 0).weight!), Has.Some.Not.EqualTo(0f));
        Assert.That(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { "Init weight torch.Size([8, 4])", "Init weight torch.Size([1, 8])" }));
    }

    [Test]
    public void TiedLayersShareOneTensor()
    {
        var (net, shared) = Parameters.SharedNet();
        var w2 = Parameters.Layer(net, 2).weight!;
        var w4 = Parameters.Layer(net, 4).weight!;
        Assert.That(w2.Handle, Is.EqualTo(w4.Handle));
        Assert.That(w2.Handle, Is.EqualTo(shared.weight!.Handle));
        using (no_grad()) w2[0, 0] = tensor(100f);
        Assert.That(w4[0, 0].item<float>(), Is.EqualTo(100f));
        Assert.That(net.parameters().Count(), Is.EqualTo(6), "the shared layer's two tensors count once");
    }

    [Test]
    public void TheSharedGradientIsTheSumOfBothUses()
    {
        var (net, shared) = Parameters.SharedNet();
        var first = Parameters.Layer(net, 0);
        var last = Parameters.Layer(net, 6);
        var X = rand(16, 4);
        net.forward(X).sum().backward();
        var tied = shared.weight!.grad!.clone();

        // The same computation with each use of the shared layer given its own copy of the weight.
        var use1 = shared.weight!.detach().clone().requires_grad_(true);
        var use2 = shared.weight!.detach().clone().requires_grad_(true);
        var b = shared.bias!.detach();
        var h = nn.functional.relu(first.forward(X).detach());
        h = nn.functional.relu(nn.functional.linear(h, use1, b));
        h = nn.functional.relu(nn.functional.linear(h, use2, b));
        last.forward(h).sum().backward();

        Assert.That(Values(use1.grad!).Max(Math.Abs), Is.GreaterThan(0f), "the first use contributes");
        Assert.That(Values(use2.grad!).Max(Math.Abs), Is.GreaterThan(0f), "the second use contributes");
        Assert.That(Values(tied), Is.EqualTo(Values(use1.grad! + use2.grad!)).Within(1e-5));
        Assert.That(Values(tied), Is.Not.EqualTo(Values(use2.grad!)).Within(1e-5), "one use alone is not the whole gradient");
    }

    // 5.4 Custom layers.

    [Test]
    public void CenteredLayerSubtractsTheMean()
    {
        Assert.That(Values(new CenteredLayer().forward(tensor(new[] { 1f, 2, 3, 4, 5 }))), Is.EqualTo(new float[] { -2, -1, 0, 1, 2 }));
        var Y = CustomLayer.CenteredNet().forward(rand(4, 8));
        Assert.That(Shape(Y), Is.EqualTo(new long[] { 4, 128 }));
        Assert.That(Y.mean().item<float>(), Is.EqualTo(0f).Within(1e-6));
        Assert.That(new CenteredLayer().parameters(), Is.Empty);
    }

    [Test]
    public void MyLinearHasTrainableParameters()
    {
        var dense = new MyLinear(5, 3);
        Assert.That(dense.named_parameters().Select(p => (p.name, Shape(p.parameter))),
            Is.EqualTo(new[] { ("weight", new long[] { 5, 3 }), ("bias", new long[] { 3 }) }));
        var Y = dense.forward(rand(2, 5));
        Assert.That(Shape(Y), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(Values(Y), Is.All.GreaterThanOrEqualTo(0f), "ReLU");

        var net = CustomLayer.MyLinearNet();
        Assert.That(Shape(net.forward(rand(2, 64))), Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(ModelConstruction.ParameterCount(net), Is.EqualTo(64 * 8 + 8 + 8 + 1));

        var X = rand(2, 5);
        Assert.That(Values(dense.forward(X)), Is.EqualTo(Values(nn.functional.relu(X.matmul(dense.weight) + dense.bias))).Within(1e-6));
        (dense.forward(X) + 1).sum().backward();
        Assert.That(dense.weight.grad, Is.Not.Null, "forward uses the parameters, not .data, so gradients reach them");
    }

    // 5.5 File I/O.

    [Test]
    public void AClonedMlpGivesIdenticalOutputs()
    {
        var net = new Mlp();
        var X = rand(2, 20);
        var Y = net.forward(X);
        string path = Path.Combine(TestEnvironment.TempFolder(), "mlp.params");
        var clone = ReadWrite.CloneThroughFile(net, path);
        Assert.That(Values(clone.forward(X)), Is.EqualTo(Values(Y)));
        Assert.That(clone.training, Is.False, "clone.eval()");
    }

    [Test]
    public void AFileOfAnotherShapeNamesTheParameter()
    {
        string path = Path.Combine(TestEnvironment.TempFolder(), "other.params");
        TensorFiles.SaveState(nn.Sequential(("hidden", nn.Linear(20, 128)), ("out", nn.Linear(128, 10))), path);
        Assert.That(() => TensorFiles.LoadState(new Mlp(), path),
            Throws.TypeOf<CourseException>().With.Message.Contains("'hidden.weight' has shape [128, 20]").And.Message.Contains("[256, 20] in the model"));
    }

    [Test]
    public void AFileOfAnotherArchitectureNamesTheMissingParameters()
    {
        string path = Path.Combine(TestEnvironment.TempFolder(), "net.params");
        TensorFiles.SaveState(Parameters.Net(), path);
        Assert.That(() => TensorFiles.LoadState(new Mlp(), path),
            Throws.TypeOf<CourseException>().With.Message.Contains("'hidden.weight'").And.Message.Contains("'0.weight'"));
    }

    // 5.6 GPUs.

    [Test]
    public void TryGpuFallsBackToTheCpu()
    {
        int gpus = cuda.is_available() ? cuda.device_count() : 0;
        Assert.That(Devices.TryGpu(gpus).type, Is.EqualTo(DeviceType.CPU), "asking for one GPU more than there are gives the CPU");
        Assert.That(Devices.TryAllGpus(), Has.Count.EqualTo(Math.Max(gpus, 1)));
        var net = nn.Sequential(nn.Linear(3, 1));
        net.to(Devices.TryGpu());
        var X = ones(2, 3, device: Devices.TryGpu());
        Assert.That(net.forward(X).device.type, Is.EqualTo(Devices.TryGpu().type));
    }

    [Test]
    public void AComputationAcrossDevicesIsOneClearSentence()
    {
        using var onMeta = empty(2, 3, device: new Device("meta"));
        using var onCpu = rand(2, 3);
        Assert.That(() => UseGpu.Add(onMeta, onCpu),
            Throws.TypeOf<CourseException>().With.Message.Contains("X is on meta and Y on cpu").And.Message.Contains("Y.to(X.device)"));
        Assert.That(Values(UseGpu.Add(onCpu, onCpu)), Is.EqualTo(Values(2 * onCpu)));
    }

    [Test, Category("Cuda")]
    public void AddingACudaTensorToACpuTensorIsOneClearSentence()
    {
        if (!cuda.is_available()) Assert.Ignore("CUDA is not available on this machine.");
        using var X = ones(2, 3).cuda();
        using var Y = rand(2, 3);
        Assert.That(() => UseGpu.Add(X, Y), Throws.TypeOf<CourseException>().With.Message.Contains("X is on cuda:0 and Y on cpu"));
    }

    [Test]
    public void TheCatalogCoversChapter5()
    {
        Assert.That(SectionCatalog.All.Select(s => (s.Info.Number, s.Info.Id)),
            Is.SupersetOf(new[] { ("5.1", "model-construction"), ("5.2", "parameters"), ("5.4", "custom-layer"), ("5.5", "read-write"), ("5.6", "use-gpu") }));
    }
}
