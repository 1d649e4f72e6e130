using Course.Core.Runtime;
using Course.Core.Training;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Training;

public sealed class DivergenceTests
{
    [Test]
    public void ANanLossStopsTrainingWithAClearError()
    {
        var net = nn.Sequential(nn.Linear(2, 2));
        var data = new Course.Core.Data.ArrayLoader(randn(8, 2), tensor(new long[] { 0, 1, 0, 1, 0, 1, 0, 1 }), 4, shuffle: false);
        using var ctx = TestEnvironment.Context();
        var e = Assert.Throws<CourseException>(() =>
            Train.Ch3(ctx, net, data, data, (yHat, y) => yHat.sum(1) * double.NaN, 1, Updaters.Sgd(0.1)))!;
        Assert.That(e.Message, Does.Contain("diverged").And.Contain("--lr"));
    }
}
