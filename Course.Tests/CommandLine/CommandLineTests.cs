using System.Diagnostics;
using System.Text.Json;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Kernels;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.CommandLine;

/// <summary>The command line: its commands, and one clear sentence with a non-zero exit for every kind of bad input.</summary>
public sealed class CommandLineTests
{
    private static (int Code, string Out, string Err) Invoke(params string[] args) => InProcess.Invoke(args);

    /// <summary>Runs the real program in its own process, with COURSE_DATA and downloads under the test's control.</summary>
    private static (int Code, string Out, string Err) Process(string? courseData, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(TestContext.CurrentContext.TestDirectory, "course"), args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestEnvironment.TempFolder(),
        };
        start.Environment[DataStore.EnvironmentVariable] = courseData;
        start.Environment[DataStore.OfflineVariable] = "1";
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }

    private static void AssertOneSentence(string error)
    {
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.StartWith("error: "));
        Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void WithoutThreadsTheMlpsCnnsAndConciseLstmsGetOnePerCoreAndTheRestOne()
    {
        Assert.That(SectionCatalog.All.Where(s => s.Info.PerCoreThreads).Select(s => s.Info.Number).Distinct(),
            Is.EquivalentTo(new[] { "4.2", "4.3", "4.6", "6.6", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7", "9.2", "9.3", "9.4", "11.11" }));
        Assert.That(SectionCatalog.Find("lenet").Info.DefaultThreads, Is.EqualTo(Environment.ProcessorCount));
        var result = SectionRunner.Run("ndarray", TestEnvironment.Options() with { Threads = null }, TextWriter.Null);
        Assert.That(result.Threads, Is.EqualTo(1), "a section of small operations runs on one thread");
    }

    [Test]
    public void ListShowsEverySection()
    {
        var (code, output, _) = Invoke("list");
        Assert.That(code, Is.Zero);
        foreach (var section in SectionCatalog.All) Assert.That(output, Does.Contain(section.Info.Id).And.Contain(section.Info.Number));
    }

    [Test]
    public void ListShowsTheOptionsEachSectionTakes()
    {
        var (code, output, _) = Invoke("list");
        Assert.That(code, Is.Zero);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines[0], Does.StartWith("id ").And.EndWith(" data                       options (the book's values)"));
        Assert.That(lines.Single(l => l.StartsWith("rnn-scratch ", StringComparison.Ordinal)), Does.EndWith(" The Time Machine           epochs=500 lr=1 batch-size=32 num-steps=35 num-hiddens=512 checkpoint weights"));
        Assert.That(lines.Single(l => l.StartsWith("lenet ", StringComparison.Ordinal)), Does.EndWith(" epochs=10 batch-size=256 lr=0.9 limit checkpoint weights"));
        Assert.That(lines.Single(l => l.StartsWith("resnet ", StringComparison.Ordinal)), Does.EndWith(" epochs=10 batch-size=256 lr=0.05 resize=96 limit checkpoint weights"));
        Assert.That(lines.Single(l => l.StartsWith("conv-layer ", StringComparison.Ordinal)), Does.EndWith(" epochs=10 lr=0.03 checkpoint weights"));
        Assert.That(lines.Single(l => l.StartsWith("ndarray ", StringComparison.Ordinal)), Does.EndWith(" –"));
    }

    [TestCase("rnn-scratch", "--limit", "5", "--resize", "3",
        ExpectedResult = "error: rnn-scratch does not use --limit or --resize; it takes --epochs, --lr, --batch-size, --num-steps, --num-hiddens, --checkpoint, --weights.")]
    [TestCase("8.5", "--epochs", "1", "--limit", "5",
        ExpectedResult = "error: rnn-scratch does not use --limit; it takes --epochs, --lr, --batch-size, --num-steps, --num-hiddens, --checkpoint, --weights.")]
    [TestCase("2.1", "--epochs", "1",
        ExpectedResult = "error: ndarray does not use --epochs; it takes only --device, --seed, --threads, --data-dir, --out, --json and --events.")]
    [TestCase("conv-layer", "--limit", "5", "--batch-size", "8",
        ExpectedResult = "error: conv-layer does not use --batch-size or --limit; it takes --epochs, --lr, --checkpoint, --weights.")]
    [TestCase("3.5", "--epochs", "1", "--lr", "0.1", "--resize", "32",
        ExpectedResult = "error: fashion-mnist does not use --epochs, --lr or --resize; it takes --batch-size, --limit.")]
    public string AnOptionTheSectionDoesNotUseIsRefusedBeforeAnyWork(params string[] args)
    {
        string output = TestEnvironment.TempFolder();
        var (code, _, error) = Invoke(["run", .. args, "--out", output]);
        Assert.That(code, Is.EqualTo(2));
        AssertOneSentence(error);
        Assert.That(Directory.EnumerateFileSystemEntries(output, "*", SearchOption.AllDirectories), Is.Empty, "no run folder");
        return error.Trim();
    }

    [Test]
    public void TheProgramRefusesAnUnusedOptionWithExitCode2AndNoRunFolder()
    {
        string output = TestEnvironment.TempFolder();
        var (code, stdout, error) = Process(TestEnvironment.DataRoot, "run", "rnn-scratch", "--limit", "5", "--resize", "3", "--out", output);
        Assert.That(code, Is.EqualTo(2));
        AssertOneSentence(error);
        Assert.That(error, Does.StartWith("error: rnn-scratch does not use --limit or --resize;"));
        Assert.That(stdout, Is.Empty);
        Assert.That(Directory.EnumerateFileSystemEntries(output, "*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public void EverySectionTakesTheCommonOptions()
    {
        string output = TestEnvironment.TempFolder();
        var (code, stdout, error) = Invoke("run", "ndarray", "--device", "cpu", "--seed", "7", "--threads", "1", "--json", "--out", output,
            "--data-dir", TestEnvironment.TempFolder());
        Assert.That(code, Is.Zero, error);
        Assert.That(stdout, Does.Contain("\"seed\":7"));
    }

    [TestCase("run", "no-such-section", ExpectedResult = 1)]
    [TestCase("run", "9.99", ExpectedResult = 1)]
    [TestCase("run", "softmax-concise", "--epochs", "0", ExpectedResult = 2)]
    [TestCase("run", "softmax-concise", "--epochs", "ten", ExpectedResult = 2)]
    [TestCase("run", "softmax-concise", "--batch-size", "-5", ExpectedResult = 2)]
    [TestCase("run", "softmax-concise", "--lr", "abc", ExpectedResult = 2)]
    [TestCase("run", "softmax-concise", "--lr", "-1", ExpectedResult = 2)]
    [TestCase("run", "softmax-concise", "--threads", "0", ExpectedResult = 2)]
    [TestCase("run", "softmax-concise", "--bogus", ExpectedResult = 2)]
    [TestCase("run", ExpectedResult = 2)]
    [TestCase("frobnicate", ExpectedResult = 2)]
    [TestCase("run", "softmax-concise", "--data-dir", "/no/such/folder", ExpectedResult = 1)]
    [TestCase("run", "softmax-concise", "--device", "tpu", ExpectedResult = 2)]
    public int BadInputIsOneSentenceAndANonZeroExit(params string[] args)
    {
        var (code, _, error) = Invoke(args);
        AssertOneSentence(error);
        return code;
    }

    [Test]
    public void AnAbsentDeviceSaysSo()
    {
        if (TorchSharp.torch.cuda.is_available()) Assert.Ignore("This machine has CUDA.");
        var (code, _, error) = Invoke("run", "ndarray", "--device", "cuda", "--out", TestEnvironment.TempFolder());
        Assert.That(code, Is.EqualTo(1));
        AssertOneSentence(error);
        Assert.That(error, Does.Contain("CUDA is not available"));
    }

    [Test]
    public void MissingDataIsOneSentenceAndLeavesNoOutput()
    {
        string output = TestEnvironment.TempFolder();
        var (code, _, error) = Process(null, "run", "softmax-concise", "--data-dir", TestEnvironment.TempFolder(), "--out", output);
        Assert.That(code, Is.EqualTo(1));
        AssertOneSentence(error);
        Assert.That(error, Does.Contain("was not found").And.Contain("COURSE_DATA"));
        Assert.That(Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public void CorruptDataIsOneSentence()
    {
        string root = TestEnvironment.TempFolder();
        string shared = TestEnvironment.DataRoot;
        Directory.CreateDirectory(Path.Combine(root, "fashion-mnist"));
        foreach (var file in new[] { DataHub.FashionMnistTrainLabels, DataHub.FashionMnistTestImages, DataHub.FashionMnistTestLabels })
            File.Copy(Path.Combine(shared, file.RelativePath), Path.Combine(root, file.RelativePath));
        byte[] images = File.ReadAllBytes(Path.Combine(shared, DataHub.FashionMnistTrainImages.RelativePath));
        File.WriteAllBytes(Path.Combine(root, DataHub.FashionMnistTrainImages.RelativePath), images[..100_000]);

        var (code, _, error) = Process(null, "run", "softmax-concise", "--data-dir", root, "--out", TestEnvironment.TempFolder());
        Assert.That(code, Is.EqualTo(1));
        AssertOneSentence(error);
        Assert.That(error, Does.Contain("truncated"));
    }

    [Test]
    public void ADivergingRunStopsWithOneSentenceAndLeavesNoOutput()
    {
        string output = TestEnvironment.TempFolder();
        var (code, _, error) = Process(TestEnvironment.DataRoot, "run", "softmax-concise", "--lr", "1e38", "--epochs", "1", "--limit", "2000", "--threads", "1", "--out", output);
        Assert.That(code, Is.EqualTo(1));
        AssertOneSentence(error);
        Assert.That(error, Does.Contain("diverged"));
        Assert.That(Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public void ARunPrintsTheBooksLinesAndItsJson()
    {
        string output = TestEnvironment.TempFolder();
        var (code, stdout, error) = Process(TestEnvironment.DataRoot, "run", "3.7", "--epochs", "1", "--limit", "3000", "--threads", "1", "--json", "--out", output);
        Assert.That(code, Is.Zero, error);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Some.Match(@"^loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}$"));
        Assert.That(lines, Has.Some.Match(@"^\d+\.\d examples/sec on cpu$"));
        using var json = JsonDocument.Parse(lines[^1]);
        Assert.That(json.RootElement.GetProperty("id").GetString(), Is.EqualTo("softmax-concise"));
        Assert.That(json.RootElement.GetProperty("hyperparameters").GetProperty("lr").GetDouble(), Is.EqualTo(0.1));
        string folder = json.RootElement.GetProperty("output_directory").GetString()!;
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.SupersetOf(new[] { "metrics.json", "training.png" }));
        Assert.That(Directory.GetFiles(Path.Combine(folder, "tensorboard")).Single(), Does.Contain("tfevents"));
        // How its convolutions are computed (#19): the same verdict the program reaches, in metrics.json and, where the
        // route changed anything, as the run's first line.
        var verdict = KernelGuard.Ensure(CPU);
        Assert.That(json.RootElement.GetProperty("kernels").GetString(), Is.EqualTo(verdict.Describe()));
        if (verdict.Note is null) Assert.That(stdout, Does.Not.Contain("note: oneDNN"));
        else Assert.That(lines[0], Does.StartWith("note: oneDNN's convolutions on cpu compute wrongly"));
    }

    [Test]
    public void DataReportsEveryDataSet()
    {
        var (code, stdout, _) = Process(TestEnvironment.DataRoot, "data");
        Assert.That(code, Is.Zero, stdout);
        foreach (var file in DataHub.Files) Assert.That(stdout, Does.Contain(file.Name));
        Assert.That(stdout, Does.Contain("fra-eng"));
    }

    [Test, Category("Slow")]
    public void DoctorProvesThisMachinesNumbersAndNamesTheRoute()
    {
        var (code, stdout, stderr) = Process(TestEnvironment.DataRoot, "doctor");
        Assert.That((code, stderr), Is.EqualTo((0, "")), stdout);
        Assert.That(stdout, Does.Contain("Every check holds"));
        foreach (var model in BookModels.All)
            Assert.That(stdout, Does.Match($@"\n{model.Name} on cpu +ok +forward .* backward .* off float64"));
        foreach (var file in DataHub.Files) Assert.That(stdout, Does.Contain($"data {file.Name}"));
        var verdict = KernelGuard.Ensure(CPU);
        Assert.That(stdout, Does.Contain(verdict.Route == KernelRoute.Default
            ? "kernels on cpu                 ok    default kernels pass every probe"
            : "kernels on cpu                 ok    oneDNN off: the default kernels failed"));
        if (CpuInfo.Current.KnownFault is not null)
            Assert.That(stdout, Does.Contain("CPUID leaf 0x8000001D (its caches) is empty"));
    }

    [Test, Category("Cuda")]
    public void DoctorProvesEveryBookModelOnCudaAgainstTheCpusFloat64()
    {
        if (!cuda.is_available()) Assert.Ignore("CUDA is not available on this machine.");
        var (code, stdout, stderr) = Process(TestEnvironment.DataRoot, "doctor");
        Assert.That((code, stderr), Is.EqualTo((0, "")), stdout);
        Assert.That(stdout, Does.Match(@"\nkernels on cuda:0 +ok "));
        foreach (var model in BookModels.All)
            Assert.That(stdout, Does.Match($@"\n{model.Name} on cuda:0 +ok +forward .* backward .* off float64"));
    }
}
