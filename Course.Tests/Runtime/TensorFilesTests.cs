using Course.Core.Runtime;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Tests.Runtime;

/// <summary>TensorFiles (5.5's torch.save / torch.load): round trips, atomic writes and clear errors.</summary>
public sealed class TensorFilesTests
{
    private string _folder = "";

    [SetUp]
    public void SetUp()
    {
        manual_seed(0);
        _folder = TestEnvironment.TempFolder();
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    private string File(string name) => Path.Combine(_folder, name);

    private static nn.Module<Tensor, Tensor> Mlp(int hidden = 256) =>
        nn.Sequential(("hidden", nn.Linear(20, hidden)), ("relu", nn.ReLU()), ("out", nn.Linear(hidden, 10)));

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static void AssertSame(Tensor actual, Tensor expected)
    {
        Assert.That(actual.dtype, Is.EqualTo(expected.dtype));
        Assert.That(actual.shape, Is.EqualTo(expected.shape));
        Assert.That(Same(actual, expected), Is.True);
    }

    [Test]
    public void ATensorRoundTrips()
    {
        var x = arange(4);
        TensorFiles.Save(x, File("x-file"));
        AssertSame(TensorFiles.Load(File("x-file")), x);

        var m = randn(3, 5, 2, dtype: float64);
        TensorFiles.Save(m, File("m"));
        AssertSame(TensorFiles.Load(File("m")), m);
    }

    [Test]
    public void AListRoundTripsInOrder()
    {
        var x = arange(4);
        var y = zeros(4);
        TensorFiles.SaveList([x, y], File("x-files"));
        var loaded = TensorFiles.LoadList(File("x-files"));
        Assert.That(loaded, Has.Count.EqualTo(2));
        AssertSame(loaded[0], x);
        AssertSame(loaded[1], y);
    }

    [Test]
    public void ADictionaryRoundTripsWithItsKeys()
    {
        var mydict = new Dictionary<string, Tensor> { ["x"] = arange(4), ["y"] = zeros(4), ["a matrix"] = rand(2, 3) };
        TensorFiles.SaveDictionary(mydict, File("mydict"));
        var loaded = TensorFiles.LoadDictionary(File("mydict"));
        Assert.That(loaded.Keys, Is.EqualTo(mydict.Keys));
        foreach (var (key, value) in mydict) AssertSame(loaded[key], value);
    }

    [Test]
    public void AModelsStateRoundTripsIntoTheSameParameterObjects()
    {
        var net = Mlp();
        var clone = Mlp();
        var parameters = clone.parameters().ToArray();
        var X = rand(2, 20);
        Assert.That(Same(clone.forward(X), net.forward(X)), Is.False);

        TensorFiles.SaveState(net, File("mlp.params"));
        TensorFiles.LoadState(clone, File("mlp.params"));

        Assert.That(Same(clone.forward(X), net.forward(X)), Is.True);
        Assert.That(clone.parameters().Zip(parameters).All(p => p.First.Handle == p.Second.Handle), "loading copies in place, so an optimizer's references stay valid");
        Assert.That(clone.parameters().All(p => p.requires_grad));
    }

    [TestCase(0.5, "'hidden.weight'")]
    [TestCase(0.9, "'out.weight'")]
    [TestCase(1.0, "the end marker")]
    [TestCase(0.0, "the header")]
    public void ATruncatedFileSaysWhereItEnds(double fraction, string where)
    {
        TensorFiles.SaveState(Mlp(), File("mlp.params"));
        byte[] bytes = System.IO.File.ReadAllBytes(File("mlp.params"));
        int keep = fraction == 1.0 ? bytes.Length - 2 : (int)(bytes.Length * fraction);
        System.IO.File.WriteAllBytes(File("mlp.params"), bytes[..keep]);
        Assert.That(() => TensorFiles.LoadState(Mlp(), File("mlp.params")),
            Throws.TypeOf<CourseException>().With.Message.Contains("is truncated").And.Message.Contains(where));
    }

    [Test]
    public void AnotherArchitectureNamesWhatIsMissingAndWhatIsExtra()
    {
        TensorFiles.SaveState(nn.Sequential(nn.Linear(20, 10)), File("other.params"));
        var e = Assert.Throws<CourseException>(() => TensorFiles.LoadState(Mlp(), File("other.params")))!;
        Assert.That(e.Message, Does.Contain("another architecture"));
        Assert.That(e.Message, Does.Contain("'hidden.weight', 'hidden.bias', 'out.weight', 'out.bias' are missing"));
        Assert.That(e.Message, Does.Contain("'0.weight', '0.bias' are not in the model"));
    }

    [Test]
    public void MismatchedShapesNameTheParameter()
    {
        TensorFiles.SaveState(Mlp(hidden: 128), File("small.params"));
        var target = Mlp();
        var before = target.state_dict()["hidden.weight"].clone();
        Assert.That(() => TensorFiles.LoadState(target, File("small.params")),
            Throws.TypeOf<CourseException>().With.Message.EqualTo(
                $"Parameter 'hidden.weight' has shape [128, 20] in '{File("small.params")}' but [256, 20] in the model; the file was saved from a model of another size."));
        Assert.That(Same(target.state_dict()["hidden.weight"], before), Is.True, "a failed load changes nothing");
    }

    [Test]
    public void MismatchedDtypesNameTheParameter()
    {
        var doubled = Mlp();
        doubled.to(float64);
        TensorFiles.SaveState(doubled, File("double.params"));
        Assert.That(() => TensorFiles.LoadState(Mlp(), File("double.params")),
            Throws.TypeOf<CourseException>().With.Message.Contains("'hidden.weight' is Float64"));
    }

    [Test]
    public void OtherFilesAreClearErrors()
    {
        Assert.That(() => TensorFiles.Load(File("absent")), Throws.TypeOf<CourseException>().With.Message.Contains("does not exist"));

        System.IO.File.WriteAllText(File("notes.txt"), "not a tensor");
        Assert.That(() => TensorFiles.Load(File("notes.txt")), Throws.TypeOf<CourseException>().With.Message.Contains("not a tensor file"));

        TensorFiles.SaveList([ones(2)], File("list"));
        Assert.That(() => TensorFiles.LoadDictionary(File("list")),
            Throws.TypeOf<CourseException>().With.Message.Contains("holds a list of tensors, not a dictionary of tensors"));
        Assert.That(() => TensorFiles.LoadState(Mlp(), File("list")), Throws.TypeOf<CourseException>());
    }

    [Test]
    public void AFailedWriteLeavesTheOldFileAndNoPartialFile()
    {
        var good = arange(3);
        TensorFiles.SaveList([good], File("x-files"));
        var disposed = ones(2);
        disposed.Dispose();

        Assert.That(() => TensorFiles.SaveList([zeros(1000), disposed], File("x-files")), Throws.Exception);
        Assert.That(() => TensorFiles.SaveList([zeros(1000), disposed], File("new-file")), Throws.Exception);

        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Is.EqualTo(new[] { "x-files" }), "no temporary or half-written file is left");
        AssertSame(TensorFiles.LoadList(File("x-files")).Single(), good);
    }

    [Test]
    public void SavingReplacesAnExistingFile()
    {
        TensorFiles.Save(arange(3), File("x"));
        TensorFiles.Save(ones(5), File("x"));
        AssertSame(TensorFiles.Load(File("x")), ones(5));
        Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1));
    }

    [Test]
    public void AnUnwritableFolderIsACourseException()
    {
        string blocker = File("blocker");
        System.IO.File.WriteAllText(blocker, "a file where a folder should be");
        Assert.That(() => TensorFiles.Save(ones(2), Path.Combine(blocker, "x")), Throws.TypeOf<CourseException>().With.Message.StartsWith("Cannot write"));
    }
}
