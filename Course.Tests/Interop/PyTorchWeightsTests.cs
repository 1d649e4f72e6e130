using Course.Chapters.Ch06_ConvolutionalNetworks;
using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Chapters.Ch10_AttentionMechanisms;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using NUnit.Framework;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Course.Tests.Interop;

/// <summary><see cref="PyTorchWeights"/>, <c>--weights</c> and the <c>model.safetensors</c> every training writes (issue #14).</summary>
public sealed class PyTorchWeightsTests
{
    [Test]
    public void ASavedModelLoadsBackAndLeavesNoTemporaryFile()
    {
        string folder = TestEnvironment.TempFolder(), file = Path.Combine(folder, "lenet.safetensors");
        using var saved = new LeNet();
        PyTorchWeights.Save(saved, file);
        using var loaded = new LeNet();
        PyTorchWeights.Load(loaded, file);
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EqualTo(new[] { "lenet.safetensors" }));
        Assert.That(Safetensors.LoadStateDict(file).Keys, Is.EqualTo(new[] { "0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias", "11.weight", "11.bias" }),
            "d2l's nn.Sequential keys");
        foreach (var ((name, a), (_, b)) in saved.state_dict().Zip(loaded.state_dict()))
            Assert.That(a.equal(b).all().item<bool>(), name);
    }

    [Test]
    public void DtwoLsPlainAttributesAreLeftOutAndAWrapperIsSeenThrough()
    {
        Assert.That(PyTorchWeights.BookState(new BatchNormLeNet(concise: false)).Select(kv => kv.Key).Take(4),
            Is.EqualTo(new[] { "0.weight", "0.bias", "1.gamma", "1.beta" }), "no moving_mean or moving_var");
        Assert.That(PyTorchWeights.BookState(new PackedQueries(new NWKernelRegression())).Select(kv => kv.Key), Is.EqualTo(new[] { "w" }));
        Assert.That(PyTorchWeights.BookState(new PositionalEncoding(8, 0)), Is.Empty);
        Assert.That(PyTorchWeights.BookState(new TransformerEncoder(5, new TransformerSizes(8, 8, 8, 8, [8], 8, 16, 2, 0), 2)).Select(kv => kv.Key),
            Has.Member("blks.block1.attention.W_q.weight").And.None.StartsWith("blks.1"), "d2l's add_module(\"block\"+str(i)) names");
    }

    [TestCase("missing", ExpectedResult = "lack '3.weight'")]
    [TestCase("extra", ExpectedResult = "hold 'extra'")]
    [TestCase("shape", ExpectedResult = "'0.weight' is [6, 1, 3, 3]")]
    [TestCase("dtype", ExpectedResult = "'0.weight' is Float64")]
    public string AMismatchIsOneSentenceNamingTheFirstOffendingKey(string fault)
    {
        using var net = new LeNet();
        var state = net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        switch (fault)
        {
            case "missing": state.Remove("3.weight"); break;
            case "extra": state["extra"] = zeros(1); break;
            case "shape": state["0.weight"] = zeros(6, 1, 3, 3); break;
            default: state["0.weight"] = state["0.weight"].to(float64); break;
        }
        string file = Path.Combine(TestEnvironment.TempFolder(), "bad.pt");
        PyTorchPickler.PickleStateDict(file, state);
        var e = Assert.Throws<CourseException>(() => PyTorchWeights.Load(net, file))!;
        Assert.That(e.Message, Does.Not.Contain("\n"));
        return System.Text.RegularExpressions.Regex.Match(e.Message, fault switch
        {
            "missing" => "lack '[^']*'",
            "extra" => "hold '[^']*'",
            "shape" => @"'0.weight' is \[[^\]]*\]",
            _ => "'0.weight' is [A-Za-z0-9]*",
        }).Value;
    }

    [Test]
    public void AFileThatIsNotAStateDictIsRefusedInOneSentence()
    {
        string folder = TestEnvironment.TempFolder();
        using var net = new LeNet();
        Assert.That(() => PyTorchWeights.Load(net, Path.Combine(folder, "none.pt")), Throws.TypeOf<CourseException>().With.Message.Contains("does not exist"));
        File.WriteAllText(Path.Combine(folder, "w.bin"), "x");
        Assert.That(() => PyTorchWeights.Load(net, Path.Combine(folder, "w.bin")), Throws.TypeOf<CourseException>().With.Message.Contains("not a PyTorch state_dict file"));
        File.WriteAllText(Path.Combine(folder, "w.pt"), "not a zip");
        Assert.That(() => PyTorchWeights.Load(net, Path.Combine(folder, "w.pt")), Throws.TypeOf<CourseException>().With.Message.Contains("could not be read"));
    }

    [Test]
    public void ATrainingStartsFromWeightsAndWritesModelSafetensors()
    {
        // 3.2 started from the true w and b: its first epoch's loss is the noise's (the book's start gives about 0.04).
        string start = Path.Combine(TestEnvironment.TempFolder(), "true.pt");
        PyTorchPickler.PickleStateDict(start, new Dictionary<string, Tensor> { ["w"] = tensor(new[] { 2f, -3.4f }).reshape(2, 1), ["b"] = tensor(new[] { 4.2f }) });
        var options = TestEnvironment.Options(epochs: 1) with { Weights = start };
        var result = SectionRunner.Run("linreg-scratch", options, TextWriter.Null);
        Assert.That(result.Metrics["loss"], Is.LessThan(1e-3));
        string exported = Directory.GetFiles(options.OutDir, "model.safetensors", SearchOption.AllDirectories).Single();
        var state = Safetensors.LoadStateDict(exported);
        Assert.That(state.Keys, Is.EqualTo(new[] { "w", "b" }));
        Assert.That(state["b"].item<float>(), Is.EqualTo(4.2f).Within(0.01));

        // The run folder itself is a --weights folder: model.safetensors is found by the training's name.
        var again = SectionRunner.Run("linreg-scratch", TestEnvironment.Options(epochs: 1) with { Weights = Path.GetDirectoryName(exported) }, TextWriter.Null);
        Assert.That(again.Metrics["loss"], Is.LessThan(1e-3));
    }

    [Test]
    public void ARunWhoseCheckpointHoldsEveryEpochStillExportsTheModel()
    {
        string checkpoint = TestEnvironment.TempFolder();
        SectionRunner.Run("linreg-scratch", TestEnvironment.Options(epochs: 2) with { CheckpointDir = checkpoint }, TextWriter.Null);
        var options = TestEnvironment.Options(epochs: 2) with { CheckpointDir = checkpoint };
        SectionRunner.Run("linreg-scratch", options, TextWriter.Null);
        Assert.That(Directory.GetFiles(options.OutDir, "model.safetensors", SearchOption.AllDirectories), Has.Length.EqualTo(1));
    }

    [Test]
    public void AWeightsFolderWithoutTheTrainingsFileOrAMissingPathIsRefused()
    {
        // The options first: without data they ignore the test, which inside Assert.Throws would be the wrong exception.
        var options = TestEnvironment.Options(epochs: 1);
        var e = Assert.Throws<CourseException>(() => SectionRunner.Run("linreg-scratch", options with { Weights = TestEnvironment.TempFolder() }, TextWriter.Null))!;
        Assert.That(e.Message, Does.Contain("holds no model.safetensors"));
        e = Assert.Throws<CourseException>(() => SectionRunner.Run("linreg-scratch", options with { Weights = "/nonexistent/w.pt" }, TextWriter.Null))!;
        Assert.That(e.Message, Does.StartWith("--weights '/nonexistent/w.pt' does not exist"));
    }

    [Test]
    public void EveryTrainingSectionTakesCheckpointAndWeights()
    {
        foreach (var section in SectionCatalog.All.Where(s => s.Trains))
            Assert.That(section.OptionNames, Does.Contain("checkpoint").And.Contain("weights"), section.Info.Id);
    }
}
