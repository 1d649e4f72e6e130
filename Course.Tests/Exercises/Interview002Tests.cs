using Course.Core.Data;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Tests.Exercises;

// The interview questions of the notes' question set 002 ("PyTorch面试题面经"): fine-tuning, optimizers and their parameter groups,
// building blocks (Sequential, ModuleList, LSTM, Embedding), nn.functional, custom autograd functions, data loading.
// The index (README.md, "002 and 003") maps every question to its test.

/// <summary>Q2: local fine-tuning (freeze all but the new head) and global fine-tuning (per-group learning rates).</summary>
public sealed class InterviewFineTuningTests
{
    /// <summary>A "pretrained" body and a new head, as <c>model.fc = nn.Linear(512, 100)</c> on a frozen ResNet.</summary>
    private static (Sequential Body, Linear Head, Sequential Net) PretrainedWithNewHead()
    {
        var body = nn.Sequential(("conv", nn.Linear(6, 8)), ("relu", nn.ReLU()), ("hidden", nn.Linear(8, 8)), ("relu2", nn.ReLU()));
        var head = nn.Linear(8, 5);
        var net = nn.Sequential(("body", body), ("fc", head));
        net.to(float64); // so that a step's change, new − old, is exact enough to compare with −lr · grad
        return (body, head, net);
    }

    [Test]
    public void FreezingAllButTheLastLayerTrainsOnlyIt()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var (body, head, net) = PretrainedWithNewHead();
        foreach (var p in body.parameters()) p.requires_grad = false;
        Assert.That(head.parameters().All(p => p.requires_grad), "a new layer's parameters require gradients by default");

        var before = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        // Even an optimizer over every parameter leaves the frozen ones alone: they get no gradient.
        var optimizer = optim.SGD(net.parameters(), 1e-2, momentum: 0.9);
        var x = randn(10, 6, dtype: float64);
        var y = randint(0, 5, [10]);
        optimizer.zero_grad();
        nn.functional.cross_entropy(net.call(x), y).backward();

        Assert.That(body.parameters().All(p => p.grad is null), "frozen parameters get no gradient");
        Assert.That(head.parameters().All(p => p.grad is not null && p.grad.abs().sum().item<double>() > 0));
        optimizer.step();
        foreach (var (name, parameter) in net.named_parameters())
        {
            bool changed = !parameter.detach().equal(before[name]).all().item<bool>();
            Assert.That(changed, Is.EqualTo(name.StartsWith("fc.", StringComparison.Ordinal)), name);
        }
    }

    [Test]
    public void ParameterGroupsGiveSubNetworksTheirOwnLearningRates()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var (body, head, net) = PretrainedWithNewHead();
        // optim.SGD([{'params': body}, {'params': fc, 'lr': 1e-3}], lr=1e-2, momentum=0.9)
        var optimizer = optim.SGD(
        [
            new SGD.ParamGroup(body.parameters(), new SGD.Options()),
            new SGD.ParamGroup(head.parameters(), new SGD.Options { LearningRate = 1e-3 }),
        ], 1e-2, momentum: 0.9);
        var rates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
        Assert.That(rates, Is.EqualTo(new[] { 1e-2, 1e-3 }), "a group without its own lr takes the optimizer's");

        var (grads, deltas) = OneStep(net, optimizer);
        foreach (var (name, grad) in grads)
        {
            double lr = name.StartsWith("fc.", StringComparison.Ordinal) ? 1e-3 : 1e-2;
            // The first momentum step is -lr * grad.
            Assert.That(deltas[name].allclose(-lr * grad, rtol: 1e-9, atol: 1e-12), name);
        }
    }

    [Test]
    public void LayersPickedByIdentityGetTheLargerRate()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var (body, head, net) = PretrainedWithNewHead();
        // special_layers = ModuleList([classifier[0], classifier[3]]): here the head and the body's hidden layer.
        var special = new[] { (nn.Module)head, (nn.Module)body.named_children().Single(c => c.name == "hidden").module }
            .SelectMany(m => m.parameters()).ToArray();
        var baseParameters = net.parameters().Where(p => !special.Any(s => ReferenceEquals(s, p))).ToArray();
        var optimizer = optim.SGD(
        [
            new SGD.ParamGroup(baseParameters, new SGD.Options()),
            new SGD.ParamGroup(special, new SGD.Options { LearningRate = 0.01 }),
        ], 0.001);
        Assert.That(baseParameters.Length + special.Length, Is.EqualTo(net.parameters().Count()), "the two groups split the parameters");
        Assert.That(baseParameters.Length, Is.EqualTo(2), "only the first layer's weight and bias remain in the base group");

        var (grads, deltas) = OneStep(net, optimizer);
        foreach (var (name, grad) in grads)
        {
            double lr = name.StartsWith("body.conv.", StringComparison.Ordinal) ? 0.001 : 0.01;
            Assert.That(deltas[name].allclose(-lr * grad, rtol: 1e-9, atol: 1e-12), name);
        }
    }

    [Test]
    public void ChangingTheGroupsRateKeepsMomentumButANewOptimizerLosesIt()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var (_, _, net) = PretrainedWithNewHead();
        const double lr = 0.1, momentum = 0.9;
        var optimizer = optim.SGD(net.parameters(), lr, momentum: momentum);
        var (first, _) = OneStep(net, optimizer);

        // Method 2 of the notes: for group in optimizer.param_groups: group['lr'] *= 0.1 — the momentum buffers stay.
        foreach (var group in optimizer.ParamGroups) group.LearningRate *= 0.1;
        Assert.That(optimizer.ParamGroups.Single().LearningRate, Is.EqualTo(lr * 0.1).Within(1e-15));
        var (second, kept) = OneStep(net, optimizer);
        foreach (var (name, grad) in second)
            Assert.That(kept[name].allclose(-lr * 0.1 * (momentum * first[name] + grad), rtol: 1e-9, atol: 1e-12), name);

        // Method 1: a new optimizer with the smaller rate starts with empty momentum buffers.
        var fresh = optim.SGD(net.parameters(), lr * 0.1, momentum: momentum);
        var (third, restarted) = OneStep(net, fresh);
        foreach (var (name, grad) in third)
            Assert.That(restarted[name].allclose(-lr * 0.1 * grad, rtol: 1e-9, atol: 1e-12), name);
    }

    /// <summary>One optimizer step on a fixed batch: the gradients and the change of every parameter, by name.</summary>
    private static (Dictionary<string, Tensor> Grads, Dictionary<string, Tensor> Deltas) OneStep(Sequential net, optim.Optimizer optimizer)
    {
        var generator = new Generator(7);
        var x = randn([10, 6], dtype: float64, generator: generator);
        var y = randint(0, 5, [10], generator: generator);
        var before = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        optimizer.zero_grad();
        nn.functional.cross_entropy(net.call(x), y).backward();
        var grads = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        optimizer.step();
        var deltas = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach() - before[p.name]);
        return (grads, deltas);
    }
}

/// <summary>Q3: data parallelism (DataParallel) and moving a model and its data to a GPU.</summary>
public sealed class InterviewParallelTests
{
    [Test]
    public void SplittingTheBatchAcrossReplicasAndSummingTheirGradientsEqualsOneBatch()
    {
        // DataParallel scatters the batch along dim 0, runs a replica of the module on each part, gathers the outputs,
        // and the replicas' gradients are summed into the module's. TorchSharp has no DataParallel; this is its arithmetic.
        using var scope = NewDisposeScope();
        manual_seed(5);
        var model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3));
        var x = randn(12, 4);
        var y = randint(0, 3, [12]);
        nn.functional.cross_entropy(model.call(x), y).backward();
        var single = model.parameters().Select(p => p.grad!.clone()).ToArray();

        var replicas = Enumerable.Range(0, 3).Select(_ =>
        {
            var replica = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3));
            replica.load_state_dict(model.state_dict());
            return replica;
        }).ToArray();
        var outputs = x.chunk(3, 0).Select((part, i) => replicas[i].call(part)).ToArray();
        Assert.That(outputs.Select(o => o.shape[0]), Is.EqualTo(new long[] { 4, 4, 4 }));
        nn.functional.cross_entropy(cat(outputs, 0), y).backward();
        var summed = replicas.Select(r => r.parameters().Select(p => p.grad!).ToArray())
            .Aggregate((a, b) => a.Zip(b, (u, v) => u + v).ToArray());
        for (int i = 0; i < single.Length; i++)
            Assert.That(summed[i].allclose(single[i], rtol: 1e-5, atol: 1e-7), $"parameter {i}");
        Assert.That(replicas[0].parameters().First().grad!.allclose(single[0], rtol: 1e-3, atol: 1e-6), Is.False,
            "one replica alone sees only its part of the batch");
    }

    [Test]
    public void AModuleMovesInPlaceButATensorsToReturnsACopy()
    {
        // model.cuda() moves the model itself; input.cuda() leaves input where it was and returns the moved copy,
        // so it must be assigned: input = input.cuda(). Shown with a dtype change, which follows the same rule.
        using var scope = NewDisposeScope();
        var model = nn.Linear(3, 2);
        model.to(float64);
        Assert.That(model.parameters().All(p => p.dtype == ScalarType.Float64), "the module changed in place");
        var input = randn(4, 3);
        var moved = input.to(float64);
        Assert.That(input.dtype, Is.EqualTo(ScalarType.Float32), "the tensor did not");
        Assert.That(() => model.call(input), Throws.Exception, "model and data must match");
        Assert.That(model.call(moved).shape, Is.EqualTo(new long[] { 4, 2 }));
    }

    [Test, Category("Cuda")]
    public void ModelAndDataBothMoveToTheGpu()
    {
        if (!cuda.is_available()) Assert.Ignore("CUDA is not available on this machine.");
        using var scope = NewDisposeScope();
        var model = nn.Linear(3, 2);
        var x = randn(4, 3);
        var onCpu = model.call(x);
        model.to(CUDA);
        Assert.That(model.parameters().All(p => p.device_type == DeviceType.CUDA));
        Assert.That(() => model.call(x), Throws.Exception, "a model on the GPU does not take CPU data");
        Assert.That(model.call(x.cuda()).cpu().allclose(onCpu, rtol: 1e-4, atol: 1e-5));
    }
}

/// <summary>Q4–Q18: modules, containers, recurrent layers, embeddings, nn.functional and autograd.Function.</summary>
public sealed class InterviewModuleTests
{
    /// <summary>A layer of its own: parameters as <see cref="Parameter"/>, a forward, no backward.</summary>
    private sealed class MyLinear : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter weight;
        private readonly Parameter bias;

        public MyLinear(int inputs, int outputs, bool register) : base(nameof(MyLinear))
        {
            weight = nn.Parameter(randn(inputs, outputs));
            bias = nn.Parameter(zeros(outputs));
            if (register) RegisterComponents();
        }

        public override Tensor forward(Tensor x) => matmul(x, weight) + bias;
    }

    [Test]
    public void ACustomLayerDeclaresParametersAndForwardAndAutogradDoesTheBackward()
    {
        using var scope = NewDisposeScope();
        var layer = new MyLinear(3, 2, register: true);
        Assert.That(layer.named_parameters().Select(p => p.name), Is.EqualTo(new[] { "weight", "bias" }));
        Assert.That(layer.parameters().Count(), Is.EqualTo(2), "parameters() is named_parameters() without the names");
        var x = randn(5, 3);
        layer.call(x).sum().backward();
        var grads = layer.parameters().Select(p => p.grad).ToArray();
        Assert.That(grads[0]!.allclose(x.sum(dim: 0).unsqueeze(1).expand(3, 2)), "d(sum xW)/dW = column sums of x");
        Assert.That(grads[1]!.allclose(full(2, 5f)), "d(sum)/db = batch size");

        // The C# counterpart of forgetting super().__init__(): without RegisterComponents the module owns no parameters,
        // so an optimizer built from parameters() would train nothing.
        Assert.That(new MyLinear(3, 2, register: false).parameters(), Is.Empty);
    }

    [Test]
    public void TheBuiltInLayersAreModulesWithTheirDocumentedShapes()
    {
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 8, 8);
        var layers = new nn.Module<Tensor, Tensor>[]
        {
            nn.Conv2d(3, 6, 3, padding: 1), nn.MaxPool2d(2), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1),
            nn.ConvTranspose2d(3, 3, 2, stride: 2), nn.BatchNorm2d(3), nn.Dropout(0.5), nn.ReLU(),
        };
        Assert.That(layers, Is.All.InstanceOf<nn.Module>());
        long[][] shapes = layers.Select(l => l.call(x).shape).ToArray();
        Assert.That(shapes, Is.EqualTo(new[]
        {
            new long[] { 2, 6, 8, 8 }, [2, 3, 4, 4], [2, 3, 4, 4], [2, 3, 1, 1], [2, 3, 16, 16], [2, 3, 8, 8], [2, 3, 8, 8], [2, 3, 8, 8],
        }));
        Assert.That(nn.AdaptiveAvgPool2d(1).call(randn(1, 3, 13, 7)).shape, Is.EqualTo(new long[] { 1, 3, 1, 1 }), "adaptive pooling fixes the output size");
        var normalised = nn.BatchNorm1d(4).call(randn(64, 4) * 5 + 3);
        Assert.That(normalised.mean([0]).abs().max().item<float>(), Is.LessThan(1e-5f), "BatchNorm (training) centres each feature");
        Assert.That(nn.Linear(4, 2).call(randn(7, 4)).shape, Is.EqualTo(new long[] { 7, 2 }));
    }

    [Test]
    public void TheThreeWaysToBuildASequentialGiveTheSameNetwork()
    {
        using var scope = NewDisposeScope();
        // 1: add_module one by one
        var net1 = nn.Sequential();
        net1.append("conv", nn.Conv2d(3, 3, 3));
        net1.append("batchnorm", nn.BatchNorm2d(3));
        net1.append("activation_layer", nn.ReLU());
        // 2: positional
        var net2 = nn.Sequential(nn.Conv2d(3, 3, 3), nn.BatchNorm2d(3), nn.ReLU());
        // 3: named pairs (Python's OrderedDict)
        var net3 = nn.Sequential(("conv1", nn.Conv2d(3, 3, 3)), ("bn1", nn.BatchNorm2d(3)), ("relu1", nn.ReLU()));

        Assert.That(net1.named_children().Select(c => c.name), Is.EqualTo(new[] { "conv", "batchnorm", "activation_layer" }));
        Assert.That(net2.named_children().Select(c => c.name), Is.EqualTo(new[] { "0", "1", "2" }), "positional layers are named by index");
        Assert.That(net3.named_children().Select(c => c.name), Is.EqualTo(new[] { "conv1", "bn1", "relu1" }));

        var source = net1.state_dict().Values.ToArray();
        foreach (var net in new[] { net2, net3 })
        {
            using var noGrad = no_grad();
            var targets = net.state_dict().Values.ToArray();
            Assert.That(targets.Select(t => t.shape), Is.EqualTo(source.Select(t => t.shape)));
            for (int i = 0; i < targets.Length; i++) targets[i].copy_(source[i]);
        }
        var x = randn(2, 3, 6, 6);
        foreach (var net in new[] { net1, net2, net3 }) net.eval();
        Assert.That(net2.call(x).equal(net1.call(x)).all().item<bool>());
        Assert.That(net3.call(x).equal(net1.call(x)).all().item<bool>());
        Assert.That(net1.call(x).shape, Is.EqualTo(new long[] { 2, 3, 4, 4 }));
    }

    /// <summary>Layers kept in a ModuleList (registered) and in a plain list (not registered).</summary>
    private sealed class ListNet : nn.Module<Tensor, Tensor>
    {
        private readonly ModuleList<nn.Module<Tensor, Tensor>> layers;
        private readonly List<nn.Module<Tensor, Tensor>> hidden;

        public ListNet() : base(nameof(ListNet))
        {
            layers = nn.ModuleList<nn.Module<Tensor, Tensor>>(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2));
            hidden = [nn.Linear(2, 2)];
            RegisterComponents();
        }

        public ModuleList<nn.Module<Tensor, Tensor>> Layers => layers;

        public IReadOnlyList<nn.Module<Tensor, Tensor>> Hidden => hidden;

        public override Tensor forward(Tensor x)
        {
            foreach (var layer in layers) x = layer.call(x);
            return x;
        }
    }

    [Test]
    public void AModuleListRegistersItsModulesButCannotTakeAnInput()
    {
        using var scope = NewDisposeScope();
        var net = new ListNet();
        Assert.That(net.named_parameters().Select(p => p.name),
            Is.EqualTo(new[] { "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias" }),
            "the ModuleList's layers are registered (by index); the plain list's are not");
        var unregistered = net.Hidden.Single().parameters().ToArray();
        Assert.That(net.parameters().Any(p => unregistered.Any(u => ReferenceEquals(u, p))), Is.False, "an optimizer would never see them");
        Assert.That(net.Layers, Has.Count.EqualTo(3));
        Assert.That(net.Layers[2], Is.InstanceOf<Linear>(), "indexed like a list");
        Assert.That(net.Layers, Is.Not.InstanceOf<nn.IModule<Tensor, Tensor>>(), "a ModuleList has no forward: loop over it");
        Assert.That(net.call(randn(5, 3)).shape, Is.EqualTo(new long[] { 5, 2 }));
    }

    [Test]
    public void Lstm431AndLstmCell43HaveTheseShapesAndAgree()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        // nn.LSTM(4, 3, 1): input size 4, hidden size 3, one layer; the four gates stack to 4·3 = 12 rows.
        var lstm = nn.LSTM(4, 3, 1);
        Assert.That(lstm.named_parameters().Select(p => (p.name, p.parameter.shape)), Is.EqualTo(new (string, long[])[]
        {
            ("weight_ih_l0", [12, 4]), ("weight_hh_l0", [12, 3]), ("bias_ih_l0", [12]), ("bias_hh_l0", [12]),
        }));
        var x = randn(5, 2, 4); // (steps, batch, features): TorchSharp's LSTM is sequence-first
        var (output, h, c) = lstm.call(x);
        Assert.That(output.shape, Is.EqualTo(new long[] { 5, 2, 3 }));
        Assert.That(h.shape, Is.EqualTo(new long[] { 1, 2, 3 }), "(layers · directions, batch, hidden)");
        Assert.That(c.shape, Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(output[-1].allclose(h[0]), "the last output is the last hidden state");

        // nn.LSTMCell(4, 3): one step of one layer; it has no layer count and no _l0 suffix.
        var cell = nn.LSTMCell(4, 3);
        Assert.That(cell.named_parameters().Select(p => p.name), Is.EqualTo(new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" }));
        using (no_grad())
        {
            var cellParameters = cell.parameters().ToArray();
            var lstmParameters = lstm.parameters().ToArray();
            for (int i = 0; i < 4; i++) cellParameters[i].copy_(lstmParameters[i]);
        }
        // TorchSharp's LSTMCell fails on a null state ("hidden0 batch size 0"), so pass PyTorch's default, zeros.
        (Tensor H, Tensor C)? state = (zeros(2, 3), zeros(2, 3));
        for (int t = 0; t < 5; t++)
        {
            var (ht, ct) = cell.call(x[t], state);
            Assert.That(ht.shape, Is.EqualTo(new long[] { 2, 3 }));
            Assert.That(ht.allclose(output[t], rtol: 1e-5, atol: 1e-6), $"step {t}");
            state = (ht, ct);
        }
        Assert.That(state!.Value.C.allclose(c[0], rtol: 1e-5, atol: 1e-6));
    }

    [Test]
    public void Embedding45HoldsAFiveVectorForEachOfFourWords()
    {
        using var scope = NewDisposeScope();
        var embedding = nn.Embedding(4, 5);
        Assert.That(embedding.weight!.shape, Is.EqualTo(new long[] { 4, 5 }));
        var ids = tensor(new long[] { 3, 0, 3 });
        var vectors = embedding.call(ids);
        Assert.That(vectors.shape, Is.EqualTo(new long[] { 3, 5 }));
        Assert.That(vectors.equal(embedding.weight.index_select(0, ids)).all().item<bool>(), "a lookup returns rows of the weight");
        Assert.That(embedding.call(tensor(new long[,] { { 0, 1 }, { 2, 3 } })).shape, Is.EqualTo(new long[] { 2, 2, 5 }));
        Assert.That(() => embedding.call(tensor(new long[] { 4 })), Throws.Exception, "there are only words 0–3");
    }

    [Test]
    public void FunctionalAndModuleGiveTheSameResultsButOnlyTheModuleHoldsState()
    {
        using var scope = NewDisposeScope();
        var x = randn(6, 3);
        var linear = nn.Linear(3, 2);
        Assert.That(nn.functional.linear(x, linear.weight!, linear.bias).equal(linear.call(x)).all().item<bool>(),
            "F.linear needs the weights passed in; nn.Linear owns them");
        Assert.That(nn.functional.relu(x).equal(nn.ReLU().call(x)).all().item<bool>());
        Assert.That(nn.ReLU().parameters(), Is.Empty, "a layer without parameters can as well be a function");
        Assert.That(linear.parameters().Count(), Is.EqualTo(2));

        var dropout = nn.Dropout(0.5);
        dropout.eval();
        Assert.That(dropout.call(x).equal(x).all().item<bool>(), "the module follows train()/eval()");
        Assert.That(nn.functional.dropout(x, 0.5).equal(x).all().item<bool>(), Is.False, "the function needs training: false passed in");
        Assert.That(nn.functional.dropout(x, 0.5, training: false).equal(x).all().item<bool>());
    }

    /// <summary>y = x³ with a hand-written backward, 3x² · dy: an autograd.Function must supply both passes.</summary>
    private sealed class Cube : autograd.SingleTensorFunction<Cube>
    {
        public override string Name => nameof(Cube);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var x = (Tensor)vars[0];
            ctx.save_for_backward([x]);
            return x.pow(3);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var x = ctx.get_saved_variables()[0];
            return [3 * x.square() * grad_output];
        }
    }

    /// <summary>The same forward with a wrong backward: autograd uses whatever backward it is given.</summary>
    private sealed class CubeWithWrongBackward : autograd.SingleTensorFunction<CubeWithWrongBackward>
    {
        public override string Name => nameof(CubeWithWrongBackward);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars) => ((Tensor)vars[0]).pow(3);

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output) => [grad_output];
    }

    [Test]
    public void AnAutogradFunctionNeedsItsOwnBackwardWhereAModuleDoesNot()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -1.5, 0.5, 2.0 }, requires_grad: true);
        Cube.apply(x).sum().backward();
        var custom = x.grad!.clone();
        x.grad!.zero_();
        x.pow(3).sum().backward();
        Assert.That(custom.allclose(x.grad!), "the hand-written backward agrees with autograd's");
        Assert.That(custom.allclose(tensor(new[] { 6.75, 0.75, 12.0 })));

        var z = tensor(new[] { -1.5, 0.5, 2.0 }, requires_grad: true);
        CubeWithWrongBackward.apply(z).sum().backward();
        Assert.That(z.grad!.allclose(ones(3, dtype: float64)), "autograd does not differentiate a Function's forward itself");
    }
}

/// <summary>Q10: the optimizer's training step: zero_grad, backward, step.</summary>
public sealed class InterviewTrainingStepTests
{
    [Test]
    public void OptimizerZeroGradEqualsNetZeroGradWhenTheOptimizerHoldsEveryParameter()
    {
        using var scope = NewDisposeScope();
        var net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1));
        var x = randn(5, 3);
        net.call(x).sum().backward();
        var first = net.parameters().Select(p => p.grad!.clone()).ToArray();
        net.call(x).sum().backward();
        Assert.That(net.parameters().Zip(first).All(pair => pair.First.grad!.allclose(2 * pair.Second)), "gradients accumulate until zeroed");

        optim.SGD(net.parameters(), 1).zero_grad();
        Assert.That(net.parameters().All(p => p.grad is null || p.grad.abs().sum().item<float>() == 0));

        net.call(x).sum().backward();
        net.zero_grad();
        Assert.That(net.parameters().All(p => p.grad is null || p.grad.abs().sum().item<float>() == 0));

        // An optimizer over only part of the net zeroes only that part.
        net.call(x).sum().backward();
        var last = (Linear)net.children().Last();
        optim.SGD(last.parameters(), 1).zero_grad();
        Assert.That(net.parameters().First().grad!.abs().sum().item<float>(), Is.GreaterThan(0));
    }

    [Test]
    public void BackwardWithTheOutputAsGradientIsTheGradientOfHalfTheSquaredNorm()
    {
        // The notes' step: output = net(input); output.backward(output); optimizer.step()
        using var scope = NewDisposeScope();
        manual_seed(8);
        var net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2));
        var x = randn(1, 3);
        var output = net.call(x);
        output.backward([output.detach()]);
        var viaOutput = net.parameters().Select(p => p.grad!.clone()).ToArray();
        net.zero_grad();
        (net.call(x).square().sum() / 2).backward();
        Assert.That(net.parameters().Zip(viaOutput).All(pair => pair.First.grad!.allclose(pair.Second, rtol: 1e-5, atol: 1e-7)));

        var before = net.parameters().Select(p => p.detach().clone()).ToArray();
        var optimizer = optim.SGD(net.parameters(), 1);
        optimizer.step();
        Assert.That(net.parameters().Zip(before, viaOutput).All(t => t.First.detach().allclose(t.Second - t.Third, rtol: 1e-5, atol: 1e-6)), "step: p -= lr · grad");
    }
}

/// <summary>Q19–Q24: Dataset and DataLoader, torchvision's transforms, TensorBoard, unsqueeze.</summary>
public sealed class InterviewDataTests
{
    /// <summary>A dataset of (i, i²): Count is <c>__len__</c>, GetTensor is <c>__getitem__</c>.</summary>
    private sealed class Squares(int count) : utils.data.Dataset
    {
        public override long Count => count;

        public override Dictionary<string, Tensor> GetTensor(long index) => new()
        {
            ["x"] = tensor((float)index),
            ["y"] = tensor((float)(index * index)),
        };
    }

    private static List<float[]> Batches(DataLoader loader)
    {
        var batches = new List<float[]>();
        foreach (var batch in loader)
        {
            Assert.That(batch["y"].data<float>().ToArray(), Is.EqualTo(batch["x"].data<float>().Select(v => v * v).ToArray()));
            batches.Add(batch["x"].data<float>().ToArray());
        }
        return batches;
    }

    [Test]
    public void ADatasetGivesOneExampleAndTheDataLoaderBatchesShufflesAndDropsTheLast()
    {
        using var scope = NewDisposeScope();
        using var dataset = new Squares(10);
        Assert.That(dataset.Count, Is.EqualTo(10));
        Assert.That(dataset.GetTensor(3)["y"].item<float>(), Is.EqualTo(9f));

        using var loader = utils.data.DataLoader(new Squares(10), 4, shuffle: false);
        var batches = Batches(loader);
        Assert.That(batches.Select(b => b.Length), Is.EqualTo(new[] { 4, 4, 2 }), "the last batch holds the rest");
        Assert.That(batches.SelectMany(b => b), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (float)i)));

        using var dropLast = utils.data.DataLoader(new Squares(10), 4, shuffle: false, drop_last: true);
        Assert.That(Batches(dropLast).Select(b => b.Length), Is.EqualTo(new[] { 4, 4 }), "drop_last drops the short batch");

        using var shuffled = utils.data.DataLoader(new Squares(10), 4, shuffle: true, seed: 3);
        var order = Batches(shuffled).SelectMany(b => b).ToArray();
        Assert.That(order, Is.EquivalentTo(Enumerable.Range(0, 10).Select(i => (float)i)), "every example once per epoch");
        Assert.That(order, Is.Not.EqualTo(Enumerable.Range(0, 10).Select(i => (float)i)), "in another order");

        // The project's own load_array (3.3) batches whole tensors by indexing, without per-example objects.
        var features = arange(10, dtype: float32).unsqueeze(1);
        var loaderOfArrays = new ArrayLoader(features, arange(10), 4, shuffle: false);
        Assert.That(loaderOfArrays.Select(b => b.X.shape[0]), Is.EqualTo(new long[] { 4, 4, 2 }));
    }

    [Test]
    public void ToTensorScalesToTheUnitIntervalAndNormalizeWithHalvesMapsToMinusOneOne()
    {
        using var scope = NewDisposeScope();
        // An H × W × C image of bytes, as PIL or numpy hold it.
        var image = randint(0, 256, [4, 6, 3], dtype: uint8);
        image[0, 0, 0] = tensor((byte)0);
        image[0, 0, 1] = tensor((byte)255);
        // ToTensor: HWC → CHW, float, / 255.
        var t = image.permute(2, 0, 1).to(float32) / 255;
        Assert.That(t.shape, Is.EqualTo(new long[] { 3, 4, 6 }));
        Assert.That(t[1, 2, 5].item<float>(), Is.EqualTo(image[2, 5, 1].item<byte>() / 255f).Within(1e-7));
        Assert.That((t.min().item<float>(), t.max().item<float>()), Is.EqualTo((0f, 1f)));
        // Normalize(mean=.5, std=.5): (x − 0.5) / 0.5, so [0, 1] → [−1, 1].
        var normalised = (t - 0.5) / 0.5;
        Assert.That((normalised.min().item<float>(), normalised.max().item<float>()), Is.EqualTo((-1f, 1f)));

        // Resize(224) scales the shorter side to 224 and keeps the aspect ratio; CenterCrop(224) cuts the middle.
        var photo = rand(1, 3, 300, 400);
        long width = 400 * 224 / 300;
        var resized = nn.functional.interpolate(photo, size: [224, width], mode: InterpolationMode.Bilinear, align_corners: false);
        Assert.That(resized.shape, Is.EqualTo(new long[] { 1, 3, 224, 298 }));
        long left = (width - 224) / 2;
        var cropped = resized[.., .., .., TensorIndex.Slice(left, left + 224)];
        Assert.That(cropped.shape, Is.EqualTo(new long[] { 1, 3, 224, 224 }));
    }

    [Test]
    public void TensorBoardsSummaryWriterWritesAnEventFile()
    {
        string folder = TestEnvironment.TempFolder();
        var writer = utils.tensorboard.SummaryWriter(folder);
        for (int step = 0; step < 3; step++) writer.add_scalar("train/loss", 1f / (step + 1), step);
        var files = Directory.GetFiles(folder, "events.out.tfevents.*", SearchOption.AllDirectories);
        Assert.That(files, Has.Length.EqualTo(1));
        Assert.That(new FileInfo(files[0]).Length, Is.GreaterThan(0));
    }

    [Test]
    public void UnsqueezeAddsADimensionOfSizeOne()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 1f, 2f, 3f });
        Assert.That(x.unsqueeze(0).shape, Is.EqualTo(new long[] { 1, 3 }));
        Assert.That(x.unsqueeze(1).shape, Is.EqualTo(new long[] { 3, 1 }));
        Assert.That(x.unsqueeze(-1).shape, Is.EqualTo(new long[] { 3, 1 }));
        Assert.That(x[TensorIndex.None].shape, Is.EqualTo(new long[] { 1, 3 }), "x[None] is unsqueeze(0)");
        Assert.That(x.unsqueeze(0).squeeze(0).equal(x).all().item<bool>(), "squeeze undoes it");
        Assert.That(x.unsqueeze(0).data<float>().ToArray(), Is.EqualTo(x.data<float>().ToArray()), "the values do not move");
    }
}
