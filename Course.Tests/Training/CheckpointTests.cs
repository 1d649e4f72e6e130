using Course.Core.Runtime;
using Course.Core.Training;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Tests.Training;

/// <summary>
/// A checkpoint save is one transaction: whatever a kill leaves between its steps (a generation half written, its
/// manifest not yet renamed, the old generation not yet swept), restoring gives one whole generation, never a mix.
/// </summary>
public sealed class CheckpointTests
{
    private static (nn.Module Model, IUpdater Updater) Model(int seed)
    {
        manual_seed(seed);
        var model = nn.Sequential(nn.Linear(3, 2));
        return (model, new OptimizerUpdater(optim.Adam(model.parameters(), 0.1)));
    }

    private static EpochRecord[] Epochs(int n) => Enumerable.Range(1, n).Select(i => new EpochRecord(i, new Dictionary<string, double> { ["loss"] = i / 10.0 }, 100, 1)).ToArray();

    private static float[] Weights(nn.Module model) => model.parameters().SelectMany(p => p.detach().data<float>().ToArray()).ToArray();

    /// <summary>Saves epoch 1 of one model and returns the folder, the weights saved, and a second model's state for epoch 2.</summary>
    private static (Checkpoint Checkpoint, float[] Saved) SavedOnce()
    {
        var checkpoint = new Checkpoint(TestEnvironment.TempFolder(), "test");
        var (model, updater) = Model(1);
        checkpoint.Save(model, updater, Epochs(1));
        return (checkpoint, Weights(model));
    }

    [TestCase("model.bin", TestName = "KilledWhileWritingTheNewGeneration")]
    [TestCase("manifest.json.new", TestName = "KilledBeforeTheManifestWasRenamed")]
    public void AnUnfinishedSaveLeavesThePreviousGeneration(string writtenLast)
    {
        var (checkpoint, saved) = SavedOnce();
        // What a kill leaves: epoch 2's folder with some of its files, and maybe an unrenamed manifest.
        string next = Path.Combine(checkpoint.Folder, "epoch-0002");
        Directory.CreateDirectory(next);
        File.WriteAllText(Path.Combine(next, "history.json"), "[");
        if (writtenLast == "manifest.json.new") File.WriteAllText(Path.Combine(checkpoint.Folder, "manifest.json.new"), "{\"Epochs\": 2");
        else File.WriteAllBytes(Path.Combine(next, writtenLast), [1, 2, 3]);

        var (fresh, updater) = Model(2);
        var epochs = checkpoint.Restore(fresh, updater);
        Assert.That(epochs, Has.Count.EqualTo(1));
        Assert.That(Weights(fresh), Is.EqualTo(saved), "epoch 1's weights, whole");
        Assert.That(Directory.EnumerateFileSystemEntries(checkpoint.Folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "manifest.json", "epoch-0001" }),
            "the unfinished save is swept");
    }

    [Test]
    public void AManifestRenamedBeforeTheSweepNamesTheNewGeneration()
    {
        var (checkpoint, _) = SavedOnce();
        var (second, updater) = Model(3);
        checkpoint.Save(second, updater, Epochs(2));
        Directory.CreateDirectory(Path.Combine(checkpoint.Folder, "epoch-0001")); // as if killed before the sweep
        var (fresh, freshUpdater) = Model(4);
        Assert.That(checkpoint.Restore(fresh, freshUpdater), Has.Count.EqualTo(2));
        Assert.That(Weights(fresh), Is.EqualTo(Weights(second)));
        Assert.That(Directory.Exists(Path.Combine(checkpoint.Folder, "epoch-0001")), Is.False);
    }

    [Test]
    public void AFileThatDoesNotMatchItsManifestIsRefused()
    {
        var (checkpoint, _) = SavedOnce();
        File.AppendAllText(Path.Combine(checkpoint.Folder, "epoch-0001", "history.json"), " ");
        var (fresh, updater) = Model(5);
        Assert.That(() => checkpoint.Restore(fresh, updater), Throws.TypeOf<CourseException>()
            .With.Message.Contains("epoch-0001/history.json is missing or does not match the checksum").And.Message.Contains("delete the folder"));
    }
}
