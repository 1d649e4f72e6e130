using Course.Chapters.Ch11_OptimizationAlgorithms;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Training;
using Course.Tests.CommandLine;
using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Tests.Chapters;

/// <summary>
/// Chapter 11's airfoil half (11.5–11.10): <c>get_data_ch11</c>, each from-scratch optimizer step for step against
/// TorchSharp's, Yogi against a hand-computed step, the book's airfoil runs within their bands, an exact resume, and
/// a damaged data file.
/// </summary>
public sealed class Chapter11OptimizerTests
{
    [Test]
    public void GetDataCh11StandardisesOverAllRowsAndKeepsTheFirst1500()
    {
        using var scope = NewDisposeScope();
        var raw = Airfoil.Read(TestEnvironment.Data).to(float64);
        Assert.That(raw.shape, Is.EqualTo(new long[] { 1503, 6 }));
        var (dataIter, featureDim) = Airfoil.GetDataCh11(TestEnvironment.Data, batchSize: 10);
        Assert.That(featureDim, Is.EqualTo(5));
        Assert.That((dataIter.Count, dataIter.BatchCount), Is.EqualTo((1500, 150)));
        var (x, y) = dataIter.InOrder().First();
        Assert.That(x.shape, Is.EqualTo(new long[] { 10, 5 }));
        Assert.That(y.shape, Is.EqualTo(new long[] { 10 }));
        // The first row, standardised in double precision with the population deviation of all 1,503 rows.
        var expected = (raw[0] - raw.mean([0])) / raw.std(0, unbiased: false);
        Assert.That(x[0].to(float64).allclose(expected[..5], atol: 1e-5), $"{x[0].ToString(TorchSharp.TensorStringStyle.Numpy)} against {expected.ToString(TorchSharp.TensorStringStyle.Numpy)}");
        Assert.That(y[0].to(float64).allclose(expected[5], atol: 1e-5));
    }

    /// <summary>Gradients of ±(0.5 to 1.5): far enough from zero that where d2l adds its ε (inside the root) and torch adds its own (outside) differ by less than float precision.</summary>
    private static Tensor Gradient(long[] shape, Generator generator) =>
        (rand(shape, generator: generator) + 0.5) * (randint(0, 2, shape, generator: generator) * 2 - 1);

    private static IEnumerable<TestCaseData> Pairs()
    {
        yield return Pair("sgd_momentum", Momentum.SgdMomentum, 1, new() { ["lr"] = 0.005, ["momentum"] = 0.9 }, p => optim.SGD(p, 0.005, momentum: 0.9));
        yield return Pair("adagrad", AdaGrad.Adagrad, 1, new() { ["lr"] = 0.1 }, p => optim.Adagrad(p, 0.1));
        yield return Pair("rmsprop", RmsProp.Rmsprop, 1, new() { ["lr"] = 0.01, ["gamma"] = 0.9 }, p => optim.RMSProp(p, 0.01, alpha: 0.9));
        // torch's Adadelta has d2l's formula when its lr is 1 (its default) and its ε is d2l's 1e-5.
        yield return Pair("adadelta", AdadeltaSection.AdadeltaUpdate, 2, new() { ["rho"] = 0.9 }, p => optim.Adadelta(p, rho: 0.9, eps: 1e-5));
        // torch's Adam adds ε outside the root as d2l does; only its value differs (1e-8 against d2l's 1e-6).
        yield return Pair("adam", AdamSection.AdamUpdate, 2, new() { ["lr"] = 0.01, ["t"] = 1 }, p => optim.Adam(p, 0.01, eps: 1e-6));
    }

    private static TestCaseData Pair(string name, ScratchOptimizer scratch, int statesPerParameter, Dictionary<string, double> hyperparams,
        Func<IEnumerable<Parameter>, OptimizerHelper> torch) =>
        new TestCaseData(scratch, statesPerParameter, hyperparams, torch).SetName($"ScratchMatchesTorch({name})");

    [TestCaseSource(nameof(Pairs))]
    public void TheScratchOptimizerTakesTorchsSteps(ScratchOptimizer scratch, int statesPerParameter, Dictionary<string, double> hyperparams,
        Func<IEnumerable<Parameter>, OptimizerHelper> torch)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        var start = new[] { randn([5, 1], generator: generator), randn([1], generator: generator) };
        Parameter[] ours = start.Select(t => new Parameter(t.clone())).ToArray(), theirs = start.Select(t => new Parameter(t.clone())).ToArray();
        var updater = new ScratchUpdater(ours, scratch, ScratchUpdater.ZeroStates(5, statesPerParameter), hyperparams);
        var reference = new OptimizerUpdater(torch(theirs));
        for (int step = 1; step <= 10; step++)
        {
            var grads = start.Select(t => Gradient(t.shape, generator)).ToArray();
            // A loss whose gradient is exactly the drawn one.
            updater.Step(ours.Zip(grads, (p, g) => (p * g).sum()).Aggregate((a, b) => a + b));
            reference.Step(theirs.Zip(grads, (p, g) => (p * g).sum()).Aggregate((a, b) => a + b));
            for (int i = 0; i < ours.Length; i++)
                Assert.That(ours[i].allclose(theirs[i], rtol: 1e-5, atol: 1e-6), $"step {step}, parameter {i}: {ours[i].ToString(TorchSharp.TensorStringStyle.Numpy)} against {theirs[i].ToString(TorchSharp.TensorStringStyle.Numpy)}");
        }
    }

    [Test]
    public void YogiTakesTheHandComputedSteps()
    {
        // p = (1, −2), lr 0.01, β₁ 0.9, β₂ 0.999, ε 1e-3, gradients (0.5, −1) then (0.01, −1). Step 2's first
        // coordinate has g² = 1e-4 below s = 2.5e-4, so Yogi's s shrinks there by (1 − β₂)g² where Adam's would jump.
        using var scope = NewDisposeScope();
        var p = new Parameter(tensor(new[] { 1.0, -2.0 }));
        var updater = new ScratchUpdater([p], AdamSection.Yogi, [[zeros(2, dtype: float64), zeros(2, dtype: float64)]], new Dictionary<string, double> { ["lr"] = 0.01, ["t"] = 1 });
        updater.Step((p * tensor(new[] { 0.5, -1.0 })).sum());
        Assert.That(p.data<double>().ToArray(), Is.EqualTo(new[] { 0.9900199600798403, -1.99000999000999 }).Within(1e-12));
        updater.Step((p * tensor(new[] { 0.01, -1.0 })).sum());
        Assert.That(p.data<double>().ToArray(), Is.EqualTo(new[] { 0.9831918435443361, -1.9800224753400473 }).Within(1e-12));
        Assert.That(updater.States[0][1].data<double>().ToArray(), Is.EqualTo(new[] { 0.0002499, 0.002 }).Within(1e-15));
        Assert.That(updater.Hyperparams["t"], Is.EqualTo(3));
    }

    /// <summary>
    /// Each of the book's airfoil runs, in full with its defaults, ends with its printed loss inside a band (the metric
    /// <c>&lt;training&gt;_loss</c>). The least-squares optimum of the half squared error on these rows is 0.2417, so no
    /// run can end below 0.241. Each upper end is the worst of Course's own runs over seeds 1–10 (in the comment; the
    /// medians were 0.242–0.251) with a margin of at least 0.005, rounded up; d2l's code on PyTorch 1.13 spreads alike
    /// over 50 seeds (worst 0.244–0.258), but for two long-tailed runs, momentum 0.01/0.9 and the concise momentum,
    /// whose worst reach 0.260 and 0.269, and whose bands are 0.28 here.
    /// </summary>
    [TestCase("minibatch-sgd", "gd_loss", 0.265)] // worst of 10 seeds 0.2532
    [TestCase("minibatch-sgd", "sgd_loss", 0.26)] // 0.2486
    [TestCase("minibatch-sgd", "batch-100_loss", 0.26)] // 0.2518
    [TestCase("minibatch-sgd", "batch-10_loss", 0.26)] // 0.2492
    [TestCase("minibatch-sgd", "concise_loss", 0.25)] // 0.2447
    [TestCase("momentum", "lr-0.02-momentum-0.5_loss", 0.26)] // 0.2483
    [TestCase("momentum", "lr-0.01-momentum-0.9_loss", 0.28)] // 0.2614
    [TestCase("momentum", "lr-0.005-momentum-0.9_loss", 0.265)] // 0.2539
    [TestCase("momentum", "concise_loss", 0.28)] // 0.2609
    [TestCase("adagrad", "scratch_loss", 0.25)] // 0.2444
    [TestCase("adagrad", "concise_loss", 0.25)] // 0.2438
    [TestCase("rmsprop", "scratch_loss", 0.26)] // 0.2477
    [TestCase("rmsprop", "concise_loss", 0.265)] // 0.2513
    [TestCase("adadelta", "scratch_loss", 0.25)] // 0.2458
    [TestCase("adadelta", "concise_loss", 0.25)] // 0.2433
    [TestCase("adam", "scratch_loss", 0.26)] // 0.2496
    [TestCase("adam", "concise_loss", 0.26)] // 0.2474
    [TestCase("adam", "yogi_loss", 0.26)] // 0.2487
    [Category("Slow")]
    public void TheBooksAirfoilRunEndsInItsBand(string section, string metric, double upper)
    {
        var metrics = Runs.GetOrAdd(section, id => SectionRunner.Run(id, TestEnvironment.Options(), TextWriter.Null).Metrics);
        Assert.That(metrics[metric], Is.InRange(0.241, upper));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyDictionary<string, double>> Runs = new();

    [Test]
    public void AResumedRunEndsWhereAStraightOneDoes()
    {
        // Adam's and Yogi's states and step count t go through the checkpoint; the concise run is restored whole.
        string checkpoint = TestEnvironment.TempFolder();
        var straight = SectionRunner.Run("adam", Options(2), TextWriter.Null).Metrics;
        SectionRunner.Run("adam", Options(1, checkpoint), TextWriter.Null);
        var resumed = SectionRunner.Run("adam", Options(2, checkpoint), TextWriter.Null).Metrics;
        foreach (string metric in new[] { "scratch_loss", "concise_loss", "yogi_loss" })
            Assert.That(resumed[metric], Is.EqualTo(straight[metric]), metric);
    }

    private static Course.Core.Runtime.RunOptions Options(int epochs, string? checkpoint = null) =>
        TestEnvironment.Options(epochs) with { CheckpointDir = checkpoint };

    [TestCase("corrupt", "is corrupt: expected SHA-1")]
    [TestCase("truncated", "truncated")]
    public void ADamagedAirfoilFileIsOneSentence(string damage, string expected)
    {
        string root = TestEnvironment.TempFolder(), outDir = TestEnvironment.TempFolder();
        byte[] bytes = File.ReadAllBytes(TestEnvironment.Data.Resolve(DataHub.Airfoil));
        if (damage == "corrupt") bytes[100] ^= 0x01;
        File.WriteAllBytes(Path.Combine(root, DataHub.Airfoil.RelativePath), damage == "corrupt" ? bytes : bytes[..^10]);
        var (code, _, error) = InProcess.Invoke("run", "adagrad", "--data-dir", root, "--out", outDir);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.Contain(expected));
        Assert.That(Directory.EnumerateFileSystemEntries(outDir), Is.Empty);
    }

    [Test]
    public void AnOptionTheSectionDoesNotTakeIsRefused()
    {
        var (code, _, error) = InProcess.Invoke("run", "adadelta", "--lr", "0.1", "--out", TestEnvironment.TempFolder());
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--lr"));
        Assert.That(InProcess.Invoke("run", "momentum", "--concise-momentum", "1").Code, Is.EqualTo(2), "momentum is below 1");
    }

    private static IEnumerable<TestCaseData> Traces()
    {
        yield return Trace("gd η 0.4 (11.6)", Momentum.Gd2d(0.4), "epoch 20, x1: -0.943467, x2: -0.000073");
        yield return Trace("gd η 0.6 (11.6)", Momentum.Gd2d(0.6), "epoch 20, x1: -0.387814, x2: -1673.365109");
        yield return Trace("momentum η 0.6 β 0.5 (11.6)", Momentum.Momentum2d(0.6, 0.5), "epoch 20, x1: 0.007188, x2: 0.002553");
        yield return Trace("momentum η 0.6 β 0.25 (11.6)", Momentum.Momentum2d(0.6, 0.25), "epoch 20, x1: -0.126340, x2: -0.186632");
        yield return Trace("adagrad η 0.4 (11.7)", AdaGrad.Adagrad2d(0.4), "epoch 20, x1: -2.382563, x2: -0.158591");
        yield return Trace("adagrad η 2 (11.7)", AdaGrad.Adagrad2d(2), "epoch 20, x1: -0.002295, x2: -0.000000");
        yield return Trace("rmsprop η 0.4 γ 0.9 (11.8)", RmsProp.Rmsprop2d(0.4, 0.9), "epoch 20, x1: -0.010599, x2: 0.000000");
    }

    private static TestCaseData Trace(string name, Optimization2d.Trainer trainer, string line) =>
        new TestCaseData(trainer, line).SetName($"TheTraceEndsWhereTheBooksDoes({name})");

    [TestCaseSource(nameof(Traces))]
    public void TheTraceEndsWhereTheBooksDoes(Optimization2d.Trainer trainer, string line)
    {
        var output = new StringWriter();
        Optimization2d.Train2d(output, trainer);
        Assert.That(output.ToString().Trim(), Is.EqualTo(line));
    }

    [Test]
    public void EachTrainingPrintsItsNameAndTheBooksLossLine()
    {
        var output = new StringWriter();
        SectionRunner.Run("adadelta", TestEnvironment.Options(), output);
        Assert.That(output.ToString(), Does.Match(@"scratch:\s+loss: 0\.2\d\d, \d+\.\d{3} sec/epoch\s+concise:\s+loss: 0\.2\d\d, \d+\.\d{3} sec/epoch"));
    }
}
