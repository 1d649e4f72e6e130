using Course.Core.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Training;

public sealed class UpdaterTests
{
    [Test]
    public void MinibatchSgdStepsAgainstTheMeanGradient()
    {
        var w = tensor(new[] { 1f, 2f }).requires_grad_(true);
        using var x = tensor(new[] { 1f, 1f, 3f, 1f }, [2, 2]);
        var perExample = matmul(x, w);
        new MinibatchSgd([w], 0.5).Step(perExample.mean());
        // gradient of the sum is x.sum(0) = [4, 2]; divided by the batch of 2 and scaled by 0.5: [1, 0.5]
        Assert.That(w.detach().data<float>().ToArray(), Is.EqualTo(new[] { 0f, 1.5f }));
        Assert.That(w.grad!.abs().sum().item<float>(), Is.Zero);
    }

    [Test]
    public void OptimizerUpdaterMatchesTheScratchSgd()
    {
        var a = nn.Linear(3, 1);
        var b = nn.Linear(3, 1);
        b.load_state_dict(a.state_dict());
        using var x = randn(8, 3);
        new OptimizerUpdater(optim.SGD(a.parameters(), 0.1)).Step(a.call(x).mean());
        new MinibatchSgd(b.parameters(), 0.1).Step(b.call(x).mean());
        Assert.That(a.weight!.allclose(b.weight!, atol: 1e-6));
        Assert.That(a.bias!.allclose(b.bias!, atol: 1e-6));
    }
}
