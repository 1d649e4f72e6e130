using Course.Chapters.Ch10_AttentionMechanisms;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Events;
using Course.Core.Runtime;
using Course.Core.Training;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Tests.Training;

/// <summary>
/// The device contract without a GPU. TorchSharp's <c>meta</c> device (shapes, no data) stands in for CUDA: every
/// training section's real set-up runs with the run's device set to <c>meta</c> up to its training's start, where the
/// core has moved the model, built the updater and checked both (a listener to the run's events stops it there, before
/// any kernel meta lacks, such as conv2d or nn.GRU), and the sections whose kernels exist on <c>meta</c> train a whole
/// first epoch there, every batch moved by the core, up to the loop's one read of its metrics, which meta cannot give.
/// </summary>
[NonParallelizable]
public sealed class DeviceContractTests
{
    private static readonly Device Meta = new("meta");

    /// <summary>Every section that trains with one of the loops: those with epochs.</summary>
    public static IEnumerable<string> TrainingSections() => SectionCatalog.All.Where(s => s.Trains).Select(s => s.Info.Id);

    [Test]
    public void FortyOneSectionsTrain() => Assert.That(TrainingSections().Count(), Is.EqualTo(41));

    /// <summary>
    /// The training sections whose first model trains on operations that all have a meta kernel in libtorch 2.10: 9.1
    /// and 9.2 train their from-scratch GRU and LSTM first, and stop there (their concise halves need nn.GRU and
    /// nn.LSTM, which meta cannot run). 4.2's scratch MLP needs <c>where</c>, the other MLPs, dropout and 8.1
    /// <c>relu</c>, which have none. Chapter 11's airfoil sections train up to their first evaluation of the loss, after
    /// 200 examples, from-scratch optimizer states included.
    /// </summary>
    public static readonly string[] MetaTrainableSections =
    [
        "linreg-scratch", "linreg-concise", "softmax-scratch", "softmax-concise", "underfit-overfit", "weight-decay",
        "kaggle-house", "rnn-scratch", "nadaraya-watson", "gru", "lstm", "minibatch-sgd", "momentum", "adagrad", "rmsprop",
        "adadelta", "adam",
    ];

    /// <summary>Runs the section <paramref name="id"/> for one epoch on meta, with the book's settings otherwise.</summary>
    private static void RunOnMeta(string id, Action<RunEvent>? listener = null)
    {
        var section = SectionCatalog.Find(id);
        var settings = section.Bind(TestEnvironment.Settings(("epochs", 1)));
        using var ctx = new RunContext(TestEnvironment.Options(), id, TextWriter.Null, TestEnvironment.Data, Meta, settings: section.Settings!.Values(settings!));
        if (listener is not null) ctx.Events.Listen(listener);
        section.Run(ctx, settings);
    }

    [TestCaseSource(nameof(TrainingSections))]
    public void EveryTrainingSectionKeepsTheContractOnTheRunsDevice(string id)
    {
        var started = new List<TrainingStarted>();
        Assert.Throws<ContractHeld>(() => RunOnMeta(id, e =>
        {
            if (e is not TrainingStarted training) return;
            started.Add(training);
            throw new ContractHeld();
        }));
        Assert.That(started.Single().Device, Is.EqualTo("meta"));
    }

    [TestCaseSource(nameof(MetaTrainableSections))]
    public void SectionsWithMetaKernelsTrainAWholeEpochOnMeta(string id)
    {
        var steps = 0;
        Assert.That(() => RunOnMeta(id, e => steps += e is TrainingStarted ? 1 : 0), Throws.InstanceOf<System.Runtime.InteropServices.ExternalException>()
            .With.Message.Contains("meta"), "every step ran on meta; the first read of a metric stops the run");
        Assert.That(steps, Is.EqualTo(1));
    }

    /// <summary>Thrown by the tests' listener once a training has started on meta: its model and updater passed the check.</summary>
    private sealed class ContractHeld : Exception;

    /// <summary>10.3's scoring functions, at the book's shapes and valid lengths, take a whole step on meta.</summary>
    [Test]
    public void TheAttentionScoringFunctionsTakeAStepOnMeta()
    {
        var keys = ones(2, 10, 2, device: Meta);
        var values = arange(40, dtype: float32, device: Meta).reshape(1, 10, 4).repeat(2, 1, 1);
        var validLens = tensor(new long[] { 2, 6 }).to(Meta);
        foreach (var (attention, querySize) in new (Attention, int)[] { (new AdditiveAttention(2, 20, 8, 0.1), 20), (new DotProductAttention(0.5), 2) })
        {
            attention.to(Meta);
            var updater = Updaters.Sgd(0.1)(attention);
            var queries = normal(0, 1, [2, 1, querySize], device: Meta).requires_grad_();
            var output = attention.call(queries, keys, values, validLens);
            Assert.That(output.shape, Is.EqualTo(new long[] { 2, 1, 4 }));
            Assert.That(attention.Weights.shape, Is.EqualTo(new long[] { 2, 1, 10 }));
            updater.Step(output.sum());
            Assert.That(queries.grad!.device_type, Is.EqualTo(DeviceType.META));
            Assert.That(attention.parameters().All(p => p.device_type == DeviceType.META && p.grad!.device_type == DeviceType.META));
        }
    }

    [TestCaseSource(nameof(TrainingSections)), Category("Cuda")]
    public void EveryTrainingSectionTrainsAnEpochOnCuda(string id)
    {
        if (!cuda.is_available()) Assert.Ignore("CUDA is not available on this machine.");
        var options = TestEnvironment.Options(epochs: 1, limit: SectionCatalog.Find(id).OptionNames.Contains("limit") ? 512 : null) with { Device = "cuda" };
        var result = SectionRunner.Run(id, options, TextWriter.Null);
        Assert.That(result.Device, Is.EqualTo("cuda:0"));
        Assert.That(result.Metrics.Values, Is.All.Not.NaN);
    }

    [Test]
    public void AnUpdaterBuiltBeforeTheModelMovedIsOneSentence()
    {
        var net = nn.Sequential(nn.Linear(2, 1));
        var early = new MinibatchSgd(net.parameters(), 0.1); // the defect: built from the CPU parameters
        var data = new ArrayLoader(randn(8, 2), randn(8, 1), 4, shuffle: false);
        using var ctx = TestEnvironment.Context(device: Meta);
        var e = Assert.Throws<CourseException>(() => Train.Regression(ctx, net, data, (yHat, y) => (yHat - y).square(), _ => early, 1))!;
        Assert.That(e.Message, Does.Contain("not one of the model's current parameters").And.Not.Contain("\n"));
    }

    [Test]
    public void ATorchOptimizerBuiltBeforeTheModelMovedIsOneSentence()
    {
        // TorchSharp's optimizer re-reads net.parameters() lazily, so it looks right, but its state is keyed on the old
        // parameters and its step would throw KeyNotFoundException: the updater remembers what it was built with.
        var net = nn.Sequential(nn.Linear(2, 1));
        var early = new OptimizerUpdater(optim.SGD(net.parameters(), 0.1));
        var data = new ArrayLoader(randn(8, 2), randn(8, 1), 4, shuffle: false);
        using var ctx = TestEnvironment.Context(device: Meta);
        Assert.That(() => Train.Regression(ctx, net, data, (yHat, y) => (yHat - y).square(), _ => early, 1),
            Throws.TypeOf<CourseException>().With.Message.Contains("not one of the model's current parameters"));
    }

    [Test]
    public void TheUpdaterFactoryBuildsFromTheMovedParameters()
    {
        var net = nn.Sequential(nn.Linear(2, 1));
        var data = new ArrayLoader(randn(8, 2), randn(8, 1), 4, shuffle: false);
        IUpdater? built = null;
        using var ctx = TestEnvironment.Context(device: Meta);
        Assert.That(() => Train.Regression(ctx, net, data, (yHat, y) => (yHat - y).square(), model => built = Updaters.ScratchSgd(0.1)(model), 1),
            Throws.InstanceOf<System.Runtime.InteropServices.ExternalException>().With.Message.Contains("meta"));
        Assert.That(built!.Parameters.All(p => p.device_type == DeviceType.META));
        Assert.That(net.parameters().All(p => p.device_type == DeviceType.META));
    }

    [Test]
    public void ABatchOrStateLeftOnTheCpuIsOneSentence()
    {
        var e = Assert.Throws<CourseException>(() => DeviceContract.CheckInputs(Meta, ("the batch's tokens", zeros(2, 3, device: Meta)), ("the initial state 0", zeros(2, 4))))!;
        Assert.That(e.Message, Does.StartWith("Device contract broken: the initial state 0 is on cpu"));
    }

    [Test]
    public void AModelLeftBehindIsOneSentenceNamingItsParameter()
    {
        var net = nn.Sequential(nn.Linear(2, 1));
        var e = Assert.Throws<CourseException>(() => DeviceContract.CheckModel(Meta, net, new MinibatchSgd(net.parameters(), 0.1)))!;
        Assert.That(e.Message, Does.Contain("parameter '0.weight' is on cpu"));
    }
}
