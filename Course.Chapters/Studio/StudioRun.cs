using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Course.Chapters.Studio;

/// <summary>
/// One run the studio started: a child process <c>course run &lt;section&gt; --events - --stop-when-input-ends</c>,
/// exactly a run of the command line, and every event it has written so far, kept for replay.
/// </summary>
public sealed class StudioRun
{
    private readonly List<string> _events = [];
    private Process? _process;

    internal StudioRun(string id, string section, IReadOnlyDictionary<string, string> options) =>
        (Id, Section, Options) = (id, section, options);

    /// <summary>The studio's name for the run.</summary>
    public string Id { get; }

    /// <summary>The section's id.</summary>
    public string Section { get; }

    /// <summary>The options given, by name without dashes.</summary>
    public IReadOnlyDictionary<string, string> Options { get; }

    /// <summary><c>waiting</c>, <c>running</c>, <c>stopping</c>, or the status of its <c>run_ended</c> event.</summary>
    public string Status { get; private set; } = "waiting";

    /// <summary>The events so far, as the JSON lines the run wrote.</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_events) return _events.ToArray();
        }
    }

    /// <summary>The command-line arguments of the child: <c>run</c>, the section, the studio's own options, then the given ones.</summary>
    public IEnumerable<string> Arguments(string outDir) =>
        new[] { "run", Section, "--events", "-", "--stop-when-input-ends", "--out", outDir }
            .Concat(Options.SelectMany(o => new[] { "--" + o.Key, o.Value }));

    /// <summary>Starts the child with <paramref name="command"/>; each event goes to <paramref name="onEvent"/> as it comes.</summary>
    internal Task Start(ProcessStartInfo command, string outDir, Action<StudioRun, string> onEvent)
    {
        foreach (string argument in Arguments(outDir)) command.ArgumentList.Add(argument);
        command.RedirectStandardInput = command.RedirectStandardOutput = command.RedirectStandardError = true;
        command.UseShellExecute = false;
        _process = Process.Start(command) ?? throw new InvalidOperationException("The run's process did not start.");
        Status = "running";
        var errors = _process.StandardError.ReadToEndAsync();
        return Task.Run(async () =>
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith('{')) continue;
                lock (_events) _events.Add(line);
                if (JsonNode.Parse(line)?["type"]?.GetValue<string>() == "run_ended")
                    Status = JsonNode.Parse(line)!["status"]!.GetValue<string>();
                onEvent(this, line);
            }
            await _process.WaitForExitAsync();
            await errors;
            if (Status is "running" or "stopping") Status = "failed"; // it ended without its run_ended: a crash
        });
    }

    /// <summary>
    /// Asks the run to stop as Ctrl-C does, on every OS: its standard input is closed, which the child, started with
    /// <c>--stop-when-input-ends</c>, takes as SIGTERM: it stops at its next step and removes its partial folder.
    /// </summary>
    public void Stop()
    {
        if (_process is null || Status != "running") return;
        Status = "stopping";
        _process.StandardInput.Close();
    }

    /// <summary>Ends the child at once, where it did not stop within its grace.</summary>
    internal void Kill()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
    }
}
