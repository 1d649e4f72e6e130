using System.Collections;
using System.Diagnostics;
using Course.Chapters.Infrastructure;
using Course.Core.Kernels;
using Course.Core.Runtime;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Course.Tests.Interop;

/// <summary>
/// Course's models against PyTorch itself (issue #14) and against float64 (#19): d2l's state_dict, written by
/// <c>scripts/pytorch_fixtures.py</c> with d2l's own model code, loads into Course's model of the same section under the
/// same keys and gives PyTorch's output (and state) on the same input, and the same weights evaluated in float64 on the
/// CPU; and Course's exported safetensors, loaded strictly into d2l's model by PyTorch, gives Course's output. Every
/// comparison is relative to the output's largest magnitude, so that it means the same on every machine. The fixtures
/// are generated (<c>scripts/pytorch_fixtures.sh</c>, which <c>.ci/run</c> runs), not committed: without them these
/// tests are skipped.
/// </summary>
public sealed class PyTorchParityTests
{
    /// <summary>
    /// Two float32 evaluations of one model, each within about 1e-6 of float64 relative to the output's scale (measured
    /// for every book model by <c>course doctor</c> and the float64 test below: at most 1.5e-6), differ by at most their
    /// sum; 1e-5 leaves a margin of three, while the wrong oneDNN kernels of #19 put DenseNet 3e-2 off.
    /// </summary>
    private const double Tolerance = 1e-5;

    private static IEnumerable<BookModels.Entry> Models() => BookModels.All;

    [TestCaseSource(nameof(Models))]
    public void DtwoLsStateDictGivesPyTorchsOutput(BookModels.Entry model)
    {
        using var scope = NewDisposeScope();
        var (weights, io) = Fixture(model.Name);
        var net = model.Build();
        PyTorchWeights.Load(net, weights);
        var expected = Outputs(io);
        var actual = Run(model, net, Inputs(io));
        double difference = MaxDifference(model.Name, expected, actual);
        TestContext.Out.WriteLine($"{model.Name}: largest relative difference {difference:E2}");
        Assert.That(difference, Is.LessThanOrEqualTo(Tolerance));
    }

    [TestCaseSource(nameof(Models))]
    public void DtwoLsStateDictGivesTheFloat64Output(BookModels.Entry model)
    {
        using var scope = NewDisposeScope();
        var (weights, io) = Fixture(model.Name);
        var net = model.Build();
        PyTorchWeights.Load(net, weights);
        double error = ModelCheck.CompareForward(net, model.Call, Inputs(io), CPU);
        TestContext.Out.WriteLine($"{model.Name}: relative error against float64 {error:E2}");
        Assert.That(error, Is.LessThanOrEqualTo(ModelError.Tolerance));
    }

    [Test]
    public void CoursesExportGivesPyTorchCoursesOutput()
    {
        string python = "/usr/bin/python3";
        if (!File.Exists(python) || Process.Start(new ProcessStartInfo(python, "-c \"import torch\"") { RedirectStandardError = true }) is not { } probe
            || !probe.WaitForExit(60_000) || probe.ExitCode != 0)
            Assert.Ignore("No python3 with torch: run scripts/pytorch_fixtures.sh, which installs Debian's python3-torch.");
        string output = TestEnvironment.TempFolder();
        var courseOutputs = new Dictionary<string, Tensor[]>();
        manual_seed(7);
        foreach (var model in BookModels.All)
        {
            // Course's own initialisation, not d2l's weights: what PyTorch computes must come from the exported file.
            var net = model.Build();
            PyTorchWeights.Save(net, Path.Combine(output, model.Name + ".safetensors"));
            var (_, io) = Fixture(model.Name);
            courseOutputs[model.Name] = Run(model, net, Inputs(io)).Select(t => t.detach().clone().DetachFromDisposeScope()).ToArray();
        }
        var check = Process.Start(new ProcessStartInfo(python)
        {
            ArgumentList = { Path.Combine(RepositoryRoot(), "scripts", "pytorch_fixtures.py"), "check", FixtureFolder(), output },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string log = check.StandardOutput.ReadToEnd() + check.StandardError.ReadToEnd();
        check.WaitForExit();
        Assert.That(check.ExitCode, Is.Zero, log);
        foreach (var model in BookModels.All)
        {
            var pytorch = Outputs(Table(Path.Combine(output, model.Name + ".out.pt")));
            double difference = MaxDifference(model.Name, courseOutputs[model.Name], pytorch);
            TestContext.Out.WriteLine($"{model.Name}: largest relative difference {difference:E2}");
            Assert.That(difference, Is.LessThanOrEqualTo(Tolerance), model.Name);
        }
    }

    /// <summary>Runs <paramref name="model"/> in evaluation mode without gradients, as the script does.</summary>
    private static Tensor[] Run(BookModels.Entry model, nn.Module net, Tensor[] inputs)
    {
        net.eval();
        using (no_grad()) return model.Call(net, inputs);
    }

    private static double MaxDifference(string name, Tensor[] expected, Tensor[] actual)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), $"{name}: the number of outputs");
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.That(actual[i].shape, Is.EqualTo(expected[i].shape), $"{name}: the shape of output {i}");
            worst = Math.Max(worst, KernelCheck.RelativeError(actual[i], expected[i]));
        }
        return worst;
    }

    private static Tensor[] Inputs(Dictionary<string, Tensor> io) => Numbered(io, "x");

    private static Tensor[] Outputs(Dictionary<string, Tensor> io) => Numbered(io, "y");

    private static Tensor[] Numbered(Dictionary<string, Tensor> io, string prefix) =>
        Enumerable.Range(0, io.Count).TakeWhile(i => io.ContainsKey(prefix + i)).Select(i => io[prefix + i]).ToArray();

    private static (string Weights, Dictionary<string, Tensor> IO) Fixture(string name)
    {
        string folder = FixtureFolder();
        string weights = Path.Combine(folder, name + ".pt"), io = Path.Combine(folder, name + ".io.pt");
        if (!File.Exists(weights) || !File.Exists(io))
            Assert.Ignore($"No PyTorch fixture for {name} in {folder}: run scripts/pytorch_fixtures.sh.");
        return (weights, Table(io));
    }

    /// <summary><c>COURSE_FIXTURES</c>, else <c>data/pytorch-fixtures</c> of the repository (where the script writes by default).</summary>
    private static string FixtureFolder() => Environment.GetEnvironmentVariable("COURSE_FIXTURES") is { Length: > 0 } env ? env
        : Path.Combine(RepositoryRoot(), "data", "pytorch-fixtures");

    private static Dictionary<string, Tensor> Table(string path) =>
        PyTorchUnpickler.UnpickleStateDict(path).Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (Tensor)e.Value!);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Course.sln"))) return dir.FullName;
        throw new InvalidOperationException("The tests do not run inside the repository.");
    }
}
