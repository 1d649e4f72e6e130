using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 002 ("PyTorch面试题面经"): fine-tuning, optimizers and their parameter groups,
// building blocks (Sequential, ModuleList, LSTM, Embedding), nn.functional, custom autograd functions, data loading.
// The index (README.md, "002 and 003") maps every question to its test.

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
