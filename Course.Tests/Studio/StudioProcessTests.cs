using System.Diagnostics;
using System.Net.Http.Json;
using Course.Chapters.Studio;
using NUnit.Framework;

namespace Course.Tests.Studio;

/// <summary><c>course studio</c> as its own process: its address on the first line, and a studio killed outright still stops its run cleanly.</summary>
[NonParallelizable]
public sealed class StudioProcessTests
{
    [Test]
    public async Task AKilledStudioLeavesNoRunningRunAndNoPartialFolder()
    {
        string runs = Path.Combine(TestEnvironment.TempFolder(), "runs");
        var start = new ProcessStartInfo(Path.Combine(TestContext.CurrentContext.TestDirectory, "course"), ["studio", "--port", "0", "--out", runs])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment[Course.Core.Data.DataStore.EnvironmentVariable] = TestEnvironment.DataRoot;
        using var studio = Process.Start(start)!;
        try
        {
            string first = (await studio.StandardOutput.ReadLineAsync())!;
            Assert.That(first, Does.Match(@"^course studio: http://127\.0\.0\.1:\d+/ "));
            var address = new Uri(first.Split(' ')[2]);
            using var client = new HttpClient { BaseAddress = address };
            string page = await client.GetStringAsync("/");
            string token = page.Split("name=\"course-token\" content=\"")[1].Split('"')[0];
            client.DefaultRequestHeaders.Add(StudioServer.TokenHeader, token);
            (await client.PostAsJsonAsync("api/runs", new { section = "softmax-concise", options = new Dictionary<string, string> { ["epochs"] = "200" } })).EnsureSuccessStatusCode();
            using (var stream = new StreamReader(await client.GetStreamAsync("api/stream")))
                while (await stream.ReadLineAsync() is { } line && !line.Contains("\"epoch_ended\"", StringComparison.Ordinal)) { }
            Assert.That(Directory.EnumerateDirectories(runs, ".*.partial", SearchOption.AllDirectories), Is.Not.Empty, "the run is writing its folder");

            studio.Kill(); // SIGKILL (TerminateProcess on Windows): no chance to stop anything; the run's input closes with it
            await studio.WaitForExitAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Directory.EnumerateFileSystemEntries(runs, "*", SearchOption.AllDirectories).Any(p => !Directory.Exists(p)) && DateTime.UtcNow < deadline)
                await Task.Delay(200);
            Assert.That(Directory.EnumerateFileSystemEntries(runs, "*", SearchOption.AllDirectories).Where(p => !Directory.Exists(p)), Is.Empty,
                "the run stopped at its next step and removed its partial folder");
        }
        finally
        {
            if (!studio.HasExited) studio.Kill(entireProcessTree: true);
        }
    }
}
