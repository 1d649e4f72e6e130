using Course.Core.Training;
using NUnit.Framework;
using static TorchSharp.torch;

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
