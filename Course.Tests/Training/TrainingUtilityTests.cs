using Course.Core.Runtime;
using Course.Core.Training;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;
using Timer = Course.Core.Training.Timer;

namespace Course.Tests.Training;

/// <summary>3.6: <see cref="DeviceSums"/>, d2l's <c>Accumulator</c> kept on the training device.</summary>
public sealed class DeviceSumsTests
{
    [Test]
    public void AddsReadsAndResets()
    {
        using var sums = new DeviceSums(3, CPU);
        sums.Add(tensor(1.0), tensor(2f), tensor(3L));
        sums.Add(tensor(0.5), tensor(0f), tensor(1L));
        Assert.That(sums.Read(), Is.EqualTo(new[] { 1.5, 2, 4 }));
        sums.Reset();
        Assert.That(sums.Read(), Is.All.Zero);
    }
}

public sealed class TimerTests
{
    [Test]
    public void RecordsTimes()
    {
        var timer = new Timer();
        Thread.Sleep(20);
        double first = timer.Stop();
        timer.Start();
        double second = timer.Stop();
        Assert.That(timer.Times, Has.Count.EqualTo(2));
        Assert.That(first, Is.GreaterThanOrEqualTo(0.015));
        Assert.That(timer.Sum, Is.EqualTo(first + second).Within(1e-12));
        Assert.That(timer.Average, Is.EqualTo((first + second) / 2).Within(1e-12));
        Assert.That(timer.CumulativeSum(), Is.EqualTo(new[] { first, first + second }).Within(1e-12));
    }
}

public sealed class MetricsTests
{
    [Test]
    public void AccuracyCountsArgmaxMatches()
    {
        // The book's example: predictions [2, 2] against labels [0, 2].
        using var yHat = tensor(new[] { 0.1f, 0.3f, 0.6f, 0.3f, 0.2f, 0.5f }, [2, 3]);
        using var y = tensor(new long[] { 0, 2 });
        Assert.That(Metrics.Accuracy(yHat, y) / 2, Is.EqualTo(0.5));
    }

    [Test]
    public void EvaluateAccuracyRestoresTrainingMode()
    {
        var net = nn.Sequential(nn.Identity());
        net.train();
        var data = new Course.Core.Data.ArrayLoader(tensor(new[] { 1f, 0f, 0f, 1f, 1f, 0f }, [3, 2]), tensor(new long[] { 0, 1, 1 }), 2, shuffle: false);
        Assert.That(Metrics.EvaluateAccuracy(net, data), Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(net.training);
    }
}

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

public sealed class DivergenceTests
{
    [Test]
    public void ANanLossStopsTrainingWithAClearError()
    {
        var net = nn.Sequential(nn.Linear(2, 2));
        var data = new Course.Core.Data.ArrayLoader(randn(8, 2), tensor(new long[] { 0, 1, 0, 1, 0, 1, 0, 1 }), 4, shuffle: false);
        var trainer = new ClassifierTrainer { Epochs = 1 };
        var e = Assert.Throws<CourseException>(() =>
            trainer.Fit(net, data, data, (yHat, y) => yHat.sum(1) * double.NaN, Updaters.Sgd(0.1)))!;
        Assert.That(e.Message, Does.Contain("diverged").And.Contain("--lr"));
    }
}
