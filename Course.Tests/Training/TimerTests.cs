using NUnit.Framework;
using Timer = Course.Core.Training.Timer;

namespace Course.Tests.Training;

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
