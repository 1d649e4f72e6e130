using Course.Core.Runtime;
using Course.Core.Training;
using Course.Tests;
using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.InterviewQuestions;

// The interview questions of the notes' question set 003: saving and resuming, convolution arithmetic, initialisation, tensors,
// losses (BCE, KL, focal), classification and clustering metrics, k-means, and the optimizers from scratch.
// The index (README.md, "002 and 003") maps every question to its test and records where the notes are wrong.

/// <summary>Q2: saving parameters (state_dict) and a checkpoint (epoch, model, optimizer) and resuming from it.</summary>
public sealed class InterviewCheckpointTests
{
    private static Sequential NewModel() => nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3));

    private static (Tensor X, Tensor Y)[] FixedBatches()
    {
        var generator = new Generator(11);
        return Enumerable.Range(0, 6).Select(_ => (randn([8, 4], generator: generator), randint(0, 3, [8], generator: generator))).ToArray();
    }

    private static float[] Train(Sequential model, IUpdater updater, IEnumerable<(Tensor X, Tensor Y)> batches) =>
        batches.Select(b =>
        {
            var perExample = nn.functional.cross_entropy(model.call(b.X), b.Y, reduction: nn.Reduction.None);
            float loss = perExample.mean().item<float>();
            updater.Step(perExample.mean());
            return loss;
        }).ToArray();

    [Test]
    public void SavedParametersLoadIntoAFreshModelOfTheSameArchitectureOnly()
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        var model = NewModel();
        string path = Path.Combine(TestEnvironment.TempFolder(), "mlp.params");
        TensorFiles.SaveState(model, path); // torch.save(model.state_dict(), path)
        Assert.That(TensorFiles.LoadDictionary(path).Keys, Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }),
            "a state_dict holds tensors by name, not the architecture");

        var clone = NewModel(); // the architecture comes from code ...
        TensorFiles.LoadState(clone, path); // ... model.load_state_dict(torch.load(path))
        var x = randn(5, 4);
        Assert.That(clone.call(x).equal(model.call(x)).all().item<bool>());
        Assert.That(() => TensorFiles.LoadState(nn.Sequential(nn.Linear(4, 3)), path), Throws.TypeOf<CourseException>());
    }

    [Test]
    public void ACheckpointOfEpochModelAndOptimizerResumesWithIdenticalNextSteps()
    {
        using var scope = NewDisposeScope();
        var batches = FixedBatches();
        manual_seed(13);
        var model = NewModel();
        var updater = new OptimizerUpdater(optim.Adam(model.parameters(), 0.01));
        Train(model, updater, batches[..3]);
        var checkpoint = new Checkpoint(TestEnvironment.TempFolder());
        checkpoint.Save(model, updater, [new EpochRecord(1, new Dictionary<string, double> { ["train loss"] = 0.9, ["train acc"] = 0.5, ["test acc"] = 0.5 }, 24, 0.1)]);
        var uninterrupted = Train(model, updater, batches[3..]);

        // Resume: a freshly built model and optimizer, both loaded from the checkpoint.
        manual_seed(14);
        var resumed = NewModel();
        var resumedUpdater = new OptimizerUpdater(optim.Adam(resumed.parameters(), 0.01));
        var epochs = checkpoint.Restore(resumed, resumedUpdater);
        Assert.That(epochs.Single().Epoch, Is.EqualTo(1), "the epoch comes back with the checkpoint");
        Assert.That(Train(resumed, resumedUpdater, batches[3..]), Is.EqualTo(uninterrupted), "identical losses, step by step");
        Assert.That(resumed.parameters().Zip(model.parameters()).All(p => p.First.equal(p.Second).all().item<bool>()), "identical parameters");

        // The model's parameters alone are not enough: a fresh Adam has lost its moment estimates and step count.
        var modelOnly = NewModel();
        checkpoint.Restore(modelOnly, new MinibatchSgd(modelOnly.parameters(), 0.01)); // an updater without state reads none
        var freshAdam = new OptimizerUpdater(optim.Adam(modelOnly.parameters(), 0.01));
        Assert.That(Train(modelOnly, freshAdam, batches[3..]), Is.Not.EqualTo(uninterrupted));

        // An optimizer of another kind does not fit the saved state: one clear error.
        var other = NewModel();
        Assert.That(() => checkpoint.Restore(other, new OptimizerUpdater(optim.SGD(other.parameters(), 0.01))),
            Throws.TypeOf<CourseException>().With.Message.Contains("does not fit"));
    }
}
