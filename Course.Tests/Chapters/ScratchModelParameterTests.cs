using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;
using NUnit.Framework;

namespace Course.Tests.Chapters;

/// <summary>The from-scratch language models register the shared output layer with their cells.</summary>
public sealed class ScratchModelParameterTests
{
    [Test]
    public void EveryScratchModelOwnsItsOutputLayer()
    {
        Assert.That(new RnnScratchModel(28, 8).parameters().Count(), Is.EqualTo(5));
        Assert.That(new GruScratchModel(28, 8).parameters().Count(), Is.EqualTo(11));
        Assert.That(new LstmScratchModel(28, 8).parameters().Count(), Is.EqualTo(14));
    }
}
