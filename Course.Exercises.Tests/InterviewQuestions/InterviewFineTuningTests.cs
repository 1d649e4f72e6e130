using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

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
