using Course.Core.Runtime;
using NUnit.Framework;

namespace Course.Tests.Runtime;

public sealed class RunOptionTests
{
    [TestCase(0, null, null, "--epochs")]
    [TestCase(null, -1, null, "--batch-size")]
    [TestCase(null, null, double.NaN, "--lr")]
    [TestCase(null, null, -0.1, "--lr")]
    public void InvalidHyperparametersAreRejected(int? epochs, int? batch, double? lr, string option)
    {
        var options = new RunOptions { Epochs = epochs, BatchSize = batch, LearningRate = lr };
        Assert.That(options.Validate, Throws.TypeOf<CourseException>().With.Message.StartsWith(option));
    }

    [Test]
    public void MissingDataDirIsRejected() =>
        Assert.That(new RunOptions { DataDir = "/no/such/folder" }.Validate, Throws.TypeOf<CourseException>().With.Message.Contains("does not exist"));

    [Test]
    public void GivenNamesTheSectionOptionsThatHaveAValue() =>
        Assert.That(new RunOptions { LearningRate = 0.1, Resize = 32, CheckpointDir = "ckpt", Seed = 7 }.Given(),
            Is.EqualTo(SectionOptions.LearningRate | SectionOptions.Resize | SectionOptions.Checkpoint));

    [Test]
    public void ARunContextLetsItsSectionReadOnlyTheOptionsItDeclares()
    {
        var options = TestEnvironment.Options(epochs: 3, limit: 100) with { Resize = 32, CheckpointDir = "ckpt" };
        using var ctx = new RunContext(options, "declared", TextWriter.Null, declared: SectionOptions.Epochs | SectionOptions.Resize);
        Assert.That(ctx.Epochs(10), Is.EqualTo(3));
        Assert.That(ctx.Options.Resize, Is.EqualTo(32));
        Assert.That(ctx.Options.Seed, Is.EqualTo(42));
        Assert.That(() => ctx.BatchSize(256), Throws.InvalidOperationException.With.Message.Contains("BatchSize"));
        Assert.That(() => ctx.LearningRate(0.1), Throws.InvalidOperationException.With.Message.Contains("LearningRate"));
        Assert.That(() => ctx.Limit, Throws.InvalidOperationException.With.Message.Contains("Limit"));
        Assert.That(() => ctx.Options.Limit, Throws.InvalidOperationException);
        Assert.That(() => ctx.Options.CheckpointDir, Throws.InvalidOperationException.With.Message.Contains("Checkpoint"));
    }
}
