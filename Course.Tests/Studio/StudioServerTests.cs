using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Course.Chapters.Infrastructure;
using Course.Chapters.Studio;
using NUnit.Framework;

namespace Course.Tests.Studio;

/// <summary>
/// <c>course studio</c>'s server, in this process on a free loopback port, its runs real child processes of
/// <c>course</c>: the API, the replay of a run's events, the security rules, and a stopped run leaving nothing behind.
/// </summary>
[NonParallelizable]
public sealed class StudioServerTests
{
    private static async Task<(StudioServer Server, HttpClient Client, string Runs)> StartAsync()
    {
        string runs = Path.Combine(TestEnvironment.TempFolder(), "runs");
        Environment.SetEnvironmentVariable(Course.Core.Data.DataStore.EnvironmentVariable, TestEnvironment.DataRoot);
        var server = new StudioServer(runs, port: 0);
        await server.StartAsync();
        var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add(StudioServer.TokenHeader, server.Token);
        return (server, client, runs);
    }

    /// <summary>The queue's messages, from the moment of the call, until <paramref name="until"/> holds for one or the time runs out.</summary>
    private static async Task<List<JsonNode>> MessagesAsync(StudioServer server, Func<JsonNode, bool> until, Func<Task>? then = null)
    {
        var messages = new List<JsonNode>();
        var done = new TaskCompletionSource();
        using (server.Queue.Listen(m =>
        {
            var node = JsonNode.Parse(m)!;
            lock (messages) messages.Add(node);
            if (until(node)) done.TrySetResult();
        }))
        {
            if (then is not null) await then();
            await done.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }
        return messages;
    }

    private static bool Ended(JsonNode m) => (string?)m["kind"] == "ended";

    private static IEnumerable<JsonNode> Events(IEnumerable<JsonNode> messages, string type) =>
        messages.Where(m => (string?)m["kind"] == "event" && (string?)m["event"]!["type"] == type).Select(m => m["event"]!);

    [Test]
    public async Task TheApiListsTheSectionsWithTheirSettingsAndSources()
    {
        var (server, client, _) = await StartAsync();
        await using (server)
        {
            var sections = (await client.GetFromJsonAsync<JsonArray>("api/sections"))!;
            Assert.That(sections.Select(s => (string?)s!["id"]), Is.EqualTo(SectionCatalog.All.Select(s => s.Info.Id)));
            var lenet = sections.Single(s => (string?)s!["id"] == "lenet")!;
            Assert.That(lenet["settings"]!.AsArray().Select(s => $"{s!["name"]}={s["value"]}"), Is.EqualTo(new[] { "epochs=10", "batch-size=256", "lr=0.9", "limit=" }));
            string source = await client.GetStringAsync("api/sections/lenet/source");
            Assert.That(source, Does.Contain("public sealed class LeNetSection").And.Contain("double Lr = 0.9"));
            string page = await client.GetStringAsync("/");
            Assert.That(page, Does.Contain(server.Token), "the page holds the token");
        }
    }

    [Test]
    public async Task ARunStreamsItsEventsCommitsItsFolderAndMatchesTheCommandLine()
    {
        var (server, client, runs) = await StartAsync();
        await using (server)
        {
            var messages = await MessagesAsync(server, Ended, async () =>
            {
                var response = await client.PostAsJsonAsync("api/runs", new { section = "linreg-scratch", options = new Dictionary<string, string> { ["epochs"] = "2" } });
                response.EnsureSuccessStatusCode();
            });
            Assert.That((string?)messages.Last(Ended)["status"], Is.EqualTo("completed"));
            Assert.That(Events(messages, "epoch_ended").Count(), Is.EqualTo(2));
            string folder = (string)Events(messages, "run_ended").Single()["folder"]!;
            var listed = (await client.GetFromJsonAsync<JsonArray>("api/runs"))!;
            Assert.That(listed.Single()!["folder"]!.GetValue<string>(), Is.EqualTo(Path.GetRelativePath(runs, folder).Replace('\\', '/')));
            Assert.That(await client.GetStringAsync($"files/{listed[0]!["folder"]}/metrics.json"), Does.Contain("\"id\": \"linreg-scratch\""));

            // The same run at the command line gives the same numbers and files.
            var direct = SectionRunner.Run("linreg-scratch", TestEnvironment.Options(epochs: 2), TextWriter.Null);
            var studio = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")))!["metrics"]!.AsObject();
            foreach (string metric in new[] { "loss", "w_error_max", "b_error" })
                Assert.That(studio[metric]!.GetValue<double>(), Is.EqualTo(direct.Metrics[metric]), metric);
            Assert.That(Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(),
                Is.EqualTo(Directory.EnumerateFileSystemEntries(direct.OutputDirectory).Select(Path.GetFileName).Order()));
        }
    }

    [Test]
    public async Task AListenerThatComesLateGetsTheRunFromItsStart()
    {
        var (server, client, _) = await StartAsync();
        await using (server)
        {
            var firstEpoch = await MessagesAsync(server, m => Events([m], "epoch_ended").Any(), async () =>
                (await client.PostAsJsonAsync("api/runs", new { section = "softmax-concise", options = new Dictionary<string, string> { ["epochs"] = "3", ["limit"] = "20000" } })).EnsureSuccessStatusCode());
            // A reload: a new listener, mid-run.
            var replayed = await MessagesAsync(server, Ended);
            Assert.That((string?)replayed[0]["kind"], Is.EqualTo("state"));
            Assert.That(Events(replayed, "run_started").Count(), Is.EqualTo(1), "the run's first event, replayed");
            Assert.That(Events(replayed, "epoch_ended").Select(e => (int)e["epoch"]!), Is.EqualTo(new[] { 1, 2, 3 }));
        }
    }

    [Test]
    public async Task StopEndsTheRunCleanlyAndLeavesNothing()
    {
        var (server, client, runs) = await StartAsync();
        await using (server)
        {
            string id = "";
            var messages = await MessagesAsync(server, Ended, async () =>
            {
                var started = await client.PostAsJsonAsync("api/runs", new { section = "softmax-concise", options = new Dictionary<string, string> { ["epochs"] = "50" } });
                id = (string)(await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
                while (server.Queue.Current?.Events.Any(e => e.Contains("\"epoch_ended\"", StringComparison.Ordinal)) != true) await Task.Delay(100);
                (await client.PostAsync($"api/runs/{id}/stop", null)).EnsureSuccessStatusCode();
            });
            var ended = Events(messages, "run_ended").Single();
            Assert.That((string?)ended["status"], Is.EqualTo("interrupted"));
            Assert.That((int)ended["exit_code"]!, Is.EqualTo(143));
            Assert.That(Directory.EnumerateFileSystemEntries(runs, "*", SearchOption.AllDirectories).Where(p => !Directory.Exists(p)), Is.Empty,
                "no partial folder, no file");
        }
    }

    [Test]
    public async Task StoppingTheStudioStopsItsRunCleanly()
    {
        var (server, client, runs) = await StartAsync();
        await MessagesAsync(server, m => Events([m], "training_started").Any(), async () =>
            (await client.PostAsJsonAsync("api/runs", new { section = "softmax-concise", options = new Dictionary<string, string> { ["epochs"] = "50" } })).EnsureSuccessStatusCode());
        var run = server.Queue.Current!;
        await server.DisposeAsync();
        Assert.That(run.Status, Is.EqualTo("interrupted"));
        Assert.That(Directory.EnumerateFileSystemEntries(runs, "*", SearchOption.AllDirectories).Where(p => !Directory.Exists(p)), Is.Empty);
    }

    [Test]
    public async Task BadOptionsAreOneSentence()
    {
        var (server, client, _) = await StartAsync();
        await using (server)
        {
            var response = await client.PostAsJsonAsync("api/runs", new { section = "lenet", options = new Dictionary<string, string> { ["lr"] = "-1" } });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("--lr must be a positive number, not '-1'."));
            response = await client.PostAsJsonAsync("api/runs", new { section = "lenet", options = new Dictionary<string, string> { ["num-hiddens"] = "8" } });
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("lenet does not take --num-hiddens."));
            response = await client.PostAsJsonAsync("api/runs", new { section = "no-such-section" });
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("There is no section 'no-such-section'"));
            Assert.That(server.Queue.Current, Is.Null);
        }
    }

    [TestCase("Host", "evil.example:80", HttpStatusCode.MisdirectedRequest, TestName = "AForeignHostIsRefused")]
    [TestCase(StudioServer.TokenHeader, "", HttpStatusCode.Forbidden, TestName = "AChangeWithoutTheTokenIsRefused")]
    [TestCase(StudioServer.TokenHeader, "0123456789abcdef0123456789abcdef0123456789abcdef", HttpStatusCode.Forbidden, TestName = "AChangeWithAnotherTokenIsRefused")]
    public async Task TheGuardRefuses(string header, string value, HttpStatusCode expected)
    {
        var (server, client, _) = await StartAsync();
        await using (server)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/runs") { Content = JsonContent.Create(new { section = "ndarray" }) };
            if (header == "Host") request.Headers.Host = value;
            else
            {
                client.DefaultRequestHeaders.Remove(StudioServer.TokenHeader);
                if (value.Length > 0) request.Headers.Add(header, value);
            }
            var response = await client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(expected));
            Assert.That(server.Queue.Current, Is.Null, "nothing ran");
        }
    }

    [TestCase("files/../secret.txt")]
    [TestCase("files/%2e%2e/secret.txt")]
    [TestCase("files/%2e%2e%2fsecret.txt")]
    [TestCase("files/..%5csecret.txt")]
    [TestCase("files/%2ftmp%2fsecret.txt")]
    [TestCase("files/link/secret.txt")]
    [TestCase("files/link-file.txt")]
    public async Task OnlyTheRunsFolderIsServed(string path)
    {
        var (server, client, runs) = await StartAsync();
        await using (server)
        {
            string outside = Path.GetDirectoryName(runs)!;
            File.WriteAllText(Path.Combine(outside, "secret.txt"), "secret");
            Directory.CreateSymbolicLink(Path.Combine(runs, "link"), outside);
            File.CreateSymbolicLink(Path.Combine(runs, "link-file.txt"), Path.Combine(outside, "secret.txt"));
            var response = await client.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound).Or.EqualTo(HttpStatusCode.BadRequest), path);
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("secret"));
            var delete = await client.DeleteAsync("api/runs/link/..");
            Assert.That(delete.IsSuccessStatusCode, Is.False);
            Assert.That(File.Exists(Path.Combine(outside, "secret.txt")));
        }
    }

    [Test]
    public async Task ADeletedRunIsGone()
    {
        var (server, client, runs) = await StartAsync();
        await using (server)
        {
            var result = SectionRunner.Run("ndarray", TestEnvironment.Options() with { OutDir = runs }, TextWriter.Null);
            string folder = Path.GetRelativePath(runs, result.OutputDirectory).Replace('\\', '/');
            Assert.That((await client.GetFromJsonAsync<JsonArray>("api/runs"))!.Select(r => (string?)r!["folder"]), Is.EqualTo(new[] { folder }),
                "a run made at the command line is listed too");
            (await client.DeleteAsync($"api/runs/{folder}")).EnsureSuccessStatusCode();
            Assert.That(Directory.Exists(result.OutputDirectory), Is.False);
            Assert.That(await client.GetFromJsonAsync<JsonArray>("api/runs"), Is.Empty);
        }
    }
}
