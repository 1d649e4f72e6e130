using System.Diagnostics;
using Course.Core.Data;
using Course.Core.Training;
using NUnit.Framework;

namespace Course.Tests.CommandLine;

/// <summary>
/// Bad input, interruption and faults, as a user meets them: every failure is one sentence on stderr with the documented
/// exit code and no trace, and leaves no run folder behind; a checkpoint is one transaction that a kill at any moment
/// leaves resumable (to the straight run's numbers) or refused in one sentence.
/// </summary>
[NonParallelizable]
public sealed class FaultTests
{
    private static (int Code, string Out, string Err) Invoke(params string[] args) => InProcess.Invoke(args);

    private static void AssertOneSentence(string error, string expected)
    {
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.StartWith("error: ").And.Contain(expected));
        Assert.That(error, Does.Not.Contain("   at ").And.Not.Contain("frame #"), "no trace");
    }

    private static void AssertNothingLeft(string outDir) =>
        Assert.That(Directory.EnumerateFileSystemEntries(outDir), Is.Empty, "no run folder, partial or empty, is left");

    private static string AFile()
    {
        string path = Path.Combine(TestEnvironment.TempFolder(), "a-file.txt");
        File.WriteAllText(path, "not a folder");
        return path;
    }

    /// <summary>The bad-input table: arguments (with <c>{file}</c> for a path to a plain file), exit code, and a piece of the sentence.</summary>
    private static IEnumerable<TestCaseData> BadInputs()
    {
        yield return new TestCaseData(new[] { "frobnicate" }, 2, "'frobnicate' is not a command").SetName("UnknownCommandIsNamed");
        yield return new TestCaseData(new[] { "run", "nope" }, 1, "There is no section 'nope'").SetName("UnknownSection");
        yield return new TestCaseData(new[] { "run", "lenet", "--device", "gpu" }, 2, "--device must be auto, cpu, cuda or cuda:N").SetName("BadDeviceIsUsage");
        yield return new TestCaseData(new[] { "run", "lenet", "--device", "cuda:7" }, 1, "CUDA is not available").SetName("AbsentDevice");
        yield return new TestCaseData(new[] { "run", "lenet", "--epochs", "0" }, 2, "--epochs must be a positive whole number").SetName("ZeroEpochs");
        yield return new TestCaseData(new[] { "run", "lenet", "--lr", "nan" }, 2, "--lr must be a positive number").SetName("NanLearningRate");
        yield return new TestCaseData(new[] { "run", "lenet", "--data-dir", "{file}" }, 1, "is a file; give the folder").SetName("DataDirIsAFile");
        yield return new TestCaseData(new[] { "run", "lenet", "--resize", "64" }, 2, "lenet does not use --resize").SetName("ResizeOnA28PixelNetwork");
        yield return new TestCaseData(new[] { "run", "alexnet", "--resize", "100000" }, 1, "--resize 100000 is larger than any of these networks").SetName("HugeResize");
        yield return new TestCaseData(new[] { "run", "alexnet", "--resize", "1024", "--batch-size", "4096" }, 1, "more than this machine's").SetName("ResizeBeyondMemory");
        yield return new TestCaseData(new[] { "run", "linreg-scratch", "--checkpoint", "{file}" }, 1, "is a file; give a folder").SetName("CheckpointIsAFile");
        yield return new TestCaseData(new[] { "run", "rnn-concise", "--epochs", "1", "--lr", "1e8" }, 1, "Training diverged").SetName("OverflowingPerplexity");
        yield return new TestCaseData(new[] { "run", "softmax-concise", "--epochs", "1", "--limit", "500", "--lr", "1e38" }, 1, "Training diverged").SetName("DivergingClassifier");
    }

    [TestCaseSource(nameof(BadInputs))]
    public void BadInputIsOneSentenceWithItsExitCodeAndLeavesNothing(string[] args, int exitCode, string expected)
    {
        string outDir = TestEnvironment.TempFolder();
        string file = AFile();
        string[] given = [.. args.Select(a => a == "{file}" ? file : a), "--out", outDir];
        if (args[0] == "run" && !args.Contains("--data-dir")) given = [.. given, "--data-dir", TestEnvironment.DataRoot];
        var (code, _, error) = Finish(Start(given)); // the real program: an exception nothing catches would show here
        Assert.That(code, Is.EqualTo(exitCode), error);
        AssertOneSentence(error, expected);
        AssertNothingLeft(outDir);
    }

    [Test]
    public void ACheckpointFolderInUseIsRefusedBeforeTraining()
    {
        string folder = TestEnvironment.TempFolder(), outDir = TestEnvironment.TempFolder();
        using (Checkpoint.Lock(folder))
        {
            var (code, _, error) = Invoke("run", "linreg-scratch", "--checkpoint", folder, "--out", outDir);
            Assert.That(code, Is.EqualTo(1));
            AssertOneSentence(error, "is in use by another run");
        }
        AssertNothingLeft(outDir);
        Assert.That(Invoke("run", "linreg-scratch", "--checkpoint", folder, "--out", outDir).Code, Is.Zero, "free again once the other run ends");
    }

    [Test]
    public void ADamagedCheckpointIsNamedAsDamaged()
    {
        string folder = TestEnvironment.TempFolder(), outDir = TestEnvironment.TempFolder();
        Assert.That(Invoke("run", "linreg-scratch", "--epochs", "2", "--checkpoint", folder, "--out", TestEnvironment.TempFolder()).Code, Is.Zero);
        string model = Path.Combine(folder, "model", "epoch-0002", "model.bin");
        byte[] bytes = File.ReadAllBytes(model);
        BitConverter.GetBytes(float.NaN).CopyTo(bytes, bytes.Length / 2); // a NaN written into the weights
        File.WriteAllBytes(model, bytes);
        var (code, _, error) = Invoke("run", "linreg-scratch", "--epochs", "3", "--checkpoint", folder, "--out", outDir);
        Assert.That(code, Is.EqualTo(1));
        AssertOneSentence(error, "epoch-0002/model.bin is missing or does not match the checksum");
        AssertNothingLeft(outDir);
    }

    [Test]
    public void ARunRemovesWhatKilledRunsLeftAndSaysSo()
    {
        string outDir = TestEnvironment.TempFolder();
        string abandoned = Path.Combine(outDir, "ndarray", ".20200101-000000.partial");
        Directory.CreateDirectory(abandoned);
        File.WriteAllText(Path.Combine(abandoned, ".owner"), "999999 0"); // a process that is gone
        File.WriteAllText(Path.Combine(abandoned, "training.png"), "half a figure");
        var (code, output, _) = Invoke("run", "ndarray", "--out", outDir);
        Assert.That(code, Is.Zero);
        Assert.That(output, Does.Contain("removed 1 unfinished run folder"));
        Assert.That(Directory.Exists(abandoned), Is.False);
        Assert.That(Directory.EnumerateDirectories(Path.Combine(outDir, "ndarray")).Select(Path.GetFileName), Has.None.EndsWith(".partial"));
    }

    /// <summary>The real program, started with the shared data and one thread.</summary>
    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(TestContext.CurrentContext.TestDirectory, "course"), [.. args, "--threads", "1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestEnvironment.TempFolder(),
        };
        start.Environment[DataStore.EnvironmentVariable] = TestEnvironment.DataRoot;
        start.Environment[DataStore.OfflineVariable] = "1";
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        return Process.Start(start)!;
    }

    private static (int Code, string Out, string Err) Finish(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }

    private static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Waits until the run has started training: its checkpoint holds at least one epoch.</summary>
    private static void WaitForFirstEpoch(string checkpoint, Process process)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(checkpoint, "model", "manifest.json")) && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
            Thread.Sleep(20);
    }

    /// <summary>Whether this process ignores SIGINT (bit 1 of SigIgn in /proc/self/status), as a shell's background job does.</summary>
    private static bool IgnoresSigint()
    {
        string mask = File.ReadLines("/proc/self/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))[7..].Trim();
        return (Convert.ToUInt64(mask, 16) & (1UL << 1)) != 0;
    }

    private static readonly string[] LongRun = ["run", "mlp-concise", "--epochs", "400", "--limit", "1000"];

    [TestCase("INT", 130, "Ctrl-C (SIGINT)")]
    [TestCase("TERM", 143, "SIGTERM")]
    [Category("Slow")]
    public void ASignalStopsBetweenStepsKeepsTheCheckpointAndRemovesTheRunFolder(string signal, int exitCode, string named)
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("The test sends signals with Linux's kill and reads /proc.");
        if (signal == "INT" && IgnoresSigint())
            Assert.Ignore("This test host was started with SIGINT ignored (a background job), which its children inherit and .NET honours; the SIGTERM case covers the handler.");
        string checkpoint = TestEnvironment.TempFolder(), outDir = TestEnvironment.TempFolder();
        using var process = Start([.. LongRun, "--checkpoint", checkpoint, "--out", outDir]);
        WaitForFirstEpoch(checkpoint, process);
        Signal(process, signal);
        var (code, _, error) = Finish(process);
        Assert.That(code, Is.EqualTo(exitCode), error);
        AssertOneSentence(error, $"Interrupted by {named} in epoch");
        Assert.That(error, Does.Contain("the checkpoint in"));
        AssertNothingLeft(outDir);
        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(checkpoint, "model")).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "manifest.json", Directory.GetDirectories(Path.Combine(checkpoint, "model"))[0].Split(Path.DirectorySeparatorChar)[^1] }),
            "one generation and its manifest, nothing half-written");
    }

    [Test, Category("Slow")]
    public void AKillAtAnyMomentLeavesACheckpointThatResumesToTheStraightRun()
    {
        string[] run = ["run", "mlp-concise", "--epochs", "12", "--limit", "1000", "--json"];
        var straight = Finish(Start([.. run, "--out", TestEnvironment.TempFolder()]));
        Assert.That(straight.Code, Is.Zero, straight.Err);
        string expected = Metrics(straight.Out);

        var outcomes = new List<string>();
        for (int trial = 0; trial < 8; trial++)
        {
            string checkpoint = TestEnvironment.TempFolder(), outDir = TestEnvironment.TempFolder();
            using (var victim = Start([.. run, "--checkpoint", checkpoint, "--out", outDir]))
            {
                WaitForFirstEpoch(checkpoint, victim);
                Thread.Sleep(trial * 37); // into a different step or save each trial
                victim.Kill(); // SIGKILL: no handler runs
                victim.WaitForExit();
            }
            string model = Path.Combine(checkpoint, "model");
            string manifest = Path.Combine(model, "manifest.json");
            string held = File.Exists(manifest) ? System.Text.Json.JsonDocument.Parse(File.ReadAllText(manifest)).RootElement.GetProperty("Epochs").ToString() : "none";
            var resumed = Finish(Start([.. run, "--checkpoint", checkpoint, "--out", outDir]));
            if (resumed.Code == 0)
            {
                Assert.That(Metrics(resumed.Out), Is.EqualTo(expected), $"trial {trial}: resumed after {held} epochs");
                outcomes.Add($"trial {trial}: killed with {held} epochs saved, resumed to the straight run");
            }
            else
            {
                AssertOneSentence(resumed.Err, "checkpoint");
                outcomes.Add($"trial {trial}: killed with {held} epochs saved, refused: {resumed.Err.Trim()}");
            }
            Assert.That(Directory.EnumerateDirectories(model, "epoch-*").Count(), Is.EqualTo(1), "older generations are swept");
        }
        TestContext.Out.WriteLine(string.Join("\n", outcomes));
    }

    /// <summary>The metrics of the <c>--json</c> line, without the speed and memory, which differ from run to run.</summary>
    private static string Metrics(string stdout)
    {
        string line = stdout.Split('\n').Last(l => l.StartsWith('{'));
        var metrics = System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("metrics");
        return string.Join(", ", metrics.EnumerateObject()
            .Where(m => !m.Name.Contains("per_sec", StringComparison.Ordinal) && !m.Name.StartsWith("memory", StringComparison.Ordinal))
            .Select(m => $"{m.Name}={m.Value}"));
    }
}
