using Course.Core.Runtime;
using NUnit.Framework;

namespace Course.Tests.Runtime;

public sealed class RunOptionTests
{
    [Test]
    public void MissingDataDirIsRejected() =>
        Assert.That(new RunOptions { DataDir = "/no/such/folder" }.Validate, Throws.TypeOf<CourseException>().With.Message.Contains("does not exist"));

    [Test]
    public void AnEventsFolderIsRejected() =>
        Assert.That(new RunOptions { Events = TestEnvironment.TempFolder() }.Validate, Throws.TypeOf<CourseException>().With.Message.Contains("is a folder"));

    [Test]
    public void TheSettingsAreTheRunsHyperparametersAndTheCheckpointsIdentityButTheEpochs()
    {
        var options = TestEnvironment.Options() with { CheckpointDir = TestEnvironment.TempFolder() };
        var settings = new Dictionary<string, object> { ["epochs"] = 3, ["lr"] = 0.5, ["batch_size"] = 64 };
        using var ctx = new RunContext(options, "identity", TextWriter.Null, settings: settings);
        Assert.That(ctx.Hyperparameters, Is.EqualTo(settings));
        Assert.That(ctx.Checkpoint("model")!.Identity, Is.EqualTo("section identity/model, seed=42, batch_size=64, lr=0.5"));
    }
}
