using System.Text.Json;
using NUnit.Framework;
using static Course.Tests.CommandLine.InProcess;

namespace Course.Tests.CommandLine;

/// <summary>
/// <c>--events</c> (docs/events.md, version 1): a real run's stream, line by line, against the documented format, for a
/// completed run, a failed one, and on standard output.
/// </summary>
public sealed class EventsTests
{
    /// <summary>The fields of each event type besides <c>v</c>, <c>time</c> and <c>type</c>, as docs/events.md lists them.</summary>
    private static readonly Dictionary<string, string[]> Fields = new()
    {
        ["run_started"] = ["section", "settings", "device", "threads", "kernels", "seed", "folder"],
        ["line"] = ["text"],
        ["chart"] = ["figure", "legend", "x_label", "y_label", "x_lim", "y_lim", "log_y"],
        ["training_started"] = ["training", "device", "epochs", "restored"],
        ["point"] = ["figure", "x", "values"],
        ["progress"] = ["training", "epoch", "epochs", "batch", "batches", "status"],
        ["epoch_ended"] = ["training", "epoch", "epochs", "metrics", "seconds", "restored"],
        ["figure"] = ["file"],
        ["metric"] = ["name", "value"],
        ["run_ended"] = ["status", "exit_code", "message", "folder"],
    };

    /// <summary>Each line of <paramref name="text"/> as a JSON object, checked against the format.</summary>
    private static List<JsonElement> Parse(string text)
    {
        var events = new List<JsonElement>();
        double time = 0;
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var e = JsonDocument.Parse(line).RootElement;
            Assert.That(e.GetProperty("v").GetInt32(), Is.EqualTo(1), line);
            string type = e.GetProperty("type").GetString()!;
            Assert.That(Fields, Does.ContainKey(type), line);
            Assert.That(e.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "v", "time", "type" }.Concat(Fields[type])), line);
            Assert.That(e.GetProperty("time").GetDouble(), Is.GreaterThanOrEqualTo(time), "time never decreases");
            time = e.GetProperty("time").GetDouble();
            events.Add(e);
        }
        return events;
    }

    private static IEnumerable<JsonElement> OfType(IEnumerable<JsonElement> events, string type) =>
        events.Where(e => e.GetProperty("type").GetString() == type);

    [Test]
    public void ACompletedRunsStreamFollowsTheFormat()
    {
        string folder = TestEnvironment.TempFolder(), file = Path.Combine(folder, "events.jsonl");
        var (code, output, _) = Invoke("run", "linreg-scratch", "--epochs", "2", "--lr", "0.05", "--events", file,
            "--out", folder, "--data-dir", TestEnvironment.DataRoot, "--threads", "1");
        Assert.That(code, Is.Zero);
        var events = Parse(File.ReadAllText(file));
        var started = events[0];
        Assert.That(started.GetProperty("type").GetString(), Is.EqualTo("run_started"));
        Assert.That(started.GetProperty("settings").GetProperty("lr").GetDouble(), Is.EqualTo(0.05));
        Assert.That(started.GetProperty("settings").GetProperty("batch_size").GetInt32(), Is.EqualTo(10), "the book's value");
        var ended = events[^1];
        Assert.That(ended.GetProperty("type").GetString(), Is.EqualTo("run_ended"));
        Assert.That(ended.GetProperty("status").GetString(), Is.EqualTo("completed"));
        Assert.That(Directory.Exists(ended.GetProperty("folder").GetString()));
        Assert.That(OfType(events, "epoch_ended").Select(e => e.GetProperty("epoch").GetInt32()), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(OfType(events, "training_started").Single().GetProperty("device").GetString(), Is.EqualTo("cpu"));
        Assert.That(OfType(events, "figure").Select(e => e.GetProperty("file").GetString()), Does.Contain("data.png"));
        Assert.That(OfType(events, "metric").Select(e => e.GetProperty("name").GetString()), Does.Contain("loss"));
        // The console printed exactly the stream's lines.
        Assert.That(OfType(events, "line").Select(e => e.GetProperty("text").GetString()),
            Is.EqualTo(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))));
    }

    [Test]
    public void AFailedRunEndsWithItsSentenceAndCode()
    {
        string folder = TestEnvironment.TempFolder(), file = Path.Combine(folder, "events.jsonl");
        var (code, _, error) = Invoke("run", "linreg-scratch", "--epochs", "2", "--lr", "1e30", "--events", file,
            "--out", folder, "--data-dir", TestEnvironment.DataRoot, "--threads", "1");
        Assert.That(code, Is.EqualTo(1));
        var ended = Parse(File.ReadAllText(file))[^1];
        Assert.That(ended.GetProperty("status").GetString(), Is.EqualTo("failed"));
        Assert.That(ended.GetProperty("exit_code").GetInt32(), Is.EqualTo(1));
        Assert.That("error: " + ended.GetProperty("message").GetString(), Is.EqualTo(error.Trim()));
        Assert.That(ended.GetProperty("folder").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public void OnStandardOutputTheStreamReplacesThePrintedLines()
    {
        string folder = TestEnvironment.TempFolder();
        var (code, output, _) = Invoke("run", "linreg-concise", "--epochs", "1", "--events", "-", "--json",
            "--out", folder, "--data-dir", TestEnvironment.DataRoot, "--threads", "1");
        Assert.That(code, Is.Zero);
        var events = Parse(output);
        Assert.That(events[0].GetProperty("type").GetString(), Is.EqualTo("run_started"));
        Assert.That(events[^1].GetProperty("type").GetString(), Is.EqualTo("run_ended"));
        Assert.That(OfType(events, "line").Select(e => e.GetProperty("text").GetString()), Has.Some.StartsWith("{\"id\":\"linreg-concise\""),
            "--json's line is an event too");
    }

    [Test]
    public void EveryEventTypeIsDocumented()
    {
        string doc = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "events.md"));
        foreach (var (type, fields) in Fields)
            Assert.That(doc, Does.Contain($"| `{type}` |"), type);
    }
}
