using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 002 ("PyTorch面试题面经"): fine-tuning, optimizers and their parameter groups,
// building blocks (Sequential, ModuleList, LSTM, Embedding), nn.functional, custom autograd functions, data loading.
// The index (README.md, "002 and 003") maps every question to its test.

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
