using System.Diagnostics;
using System.Text.Json;

namespace Course.Chapters.Studio;

/// <summary>
/// The studio's runs: one at a time, the others waiting in order. Every change and every event of the current run is
/// broadcast to the pages that listen (<see cref="Listen"/>), and a page that starts listening first gets the state and
/// the current run's events from its start.
/// </summary>
public sealed class StudioRuns(Func<ProcessStartInfo> command, string outDir) : IDisposable
{
    private readonly object _lock = new();
    private readonly List<StudioRun> _waiting = [];
    private readonly List<Action<string>> _listeners = [];
    private StudioRun? _current;
    private Task _finished = Task.CompletedTask;
    private int _count;

    /// <summary>The run going on, or null.</summary>
    public StudioRun? Current
    {
        get
        {
            lock (_lock) return _current;
        }
    }

    /// <summary>Queues a run of <paramref name="section"/> (its options already checked); it starts when the ones before it have ended.</summary>
    public StudioRun Enqueue(string section, IReadOnlyDictionary<string, string> options)
    {
        lock (_lock)
        {
            var run = new StudioRun($"run-{++_count}", section, options);
            _waiting.Add(run);
            Broadcast(State());
            if (_current is null) StartNext();
            return run;
        }
    }

    /// <summary>Stops the run <paramref name="id"/>: the current one cleanly, a waiting one by leaving the queue; false if there is none.</summary>
    public bool Stop(string id)
    {
        lock (_lock)
        {
            if (_current?.Id == id)
            {
                _current.Stop();
                Broadcast(State());
                return true;
            }
            int removed = _waiting.RemoveAll(r => r.Id == id);
            if (removed > 0) Broadcast(State());
            return removed > 0;
        }
    }

    /// <summary>
    /// Hands <paramref name="listener"/> the state, the current run's events so far, then every later message, until the
    /// returned scope ends. Each message is one JSON object: <c>{"kind":"state",…}</c>, <c>{"kind":"event","run":…,"event":…}</c> or
    /// <c>{"kind":"ended","run":…,"status":…}</c>.
    /// </summary>
    public IDisposable Listen(Action<string> listener)
    {
        lock (_lock)
        {
            listener(State());
            if (_current is { } run)
                foreach (string e in run.Events) listener(EventMessage(run, e));
            _listeners.Add(listener);
        }
        return new Subscription(() =>
        {
            lock (_lock) _listeners.Remove(listener);
        });
    }

    /// <summary>Whether <paramref name="folder"/> (a run folder's path relative to the runs folder) belongs to the run going on.</summary>
    public bool IsCurrent(string folder)
    {
        lock (_lock) return _current is not null && folder.StartsWith(_current.Section + "/", StringComparison.Ordinal) && _current.Status is "running" or "stopping";
    }

    /// <summary>The queue as a message: the current run and the waiting ones, with their options.</summary>
    public string State()
    {
        lock (_lock)
        {
            object Describe(StudioRun r) => new { id = r.Id, section = r.Section, options = r.Options, status = r.Status };
            return JsonSerializer.Serialize(new { kind = "state", current = _current is null ? null : Describe(_current), waiting = _waiting.Select(Describe) });
        }
    }

    private void StartNext()
    {
        if (_waiting.Count == 0)
        {
            _current = null;
            return;
        }
        _current = _waiting[0];
        _waiting.RemoveAt(0);
        var run = _current;
        _finished = run.Start(command(), outDir, (r, e) =>
        {
            lock (_lock) Broadcast(EventMessage(r, e));
        }).ContinueWith(_ =>
        {
            lock (_lock)
            {
                Broadcast(JsonSerializer.Serialize(new { kind = "ended", run = run.Id, status = run.Status }));
                StartNext();
                Broadcast(State());
            }
        }, TaskScheduler.Default);
        Broadcast(State());
    }

    private static string EventMessage(StudioRun run, string e) => $"{{\"kind\":\"event\",\"run\":{JsonSerializer.Serialize(run.Id)},\"event\":{e}}}";

    private void Broadcast(string message)
    {
        foreach (var listener in _listeners.ToArray()) listener(message);
    }

    /// <summary>Empties the queue and stops the current run: cleanly within 30 seconds, else at once.</summary>
    public void Dispose()
    {
        StudioRun? run;
        Task finished;
        lock (_lock)
        {
            _waiting.Clear();
            run = _current;
            finished = _finished;
            run?.Stop();
        }
        if (run is not null && !finished.Wait(TimeSpan.FromSeconds(30))) run.Kill();
    }

    private sealed class Subscription(Action end) : IDisposable
    {
        public void Dispose() => end();
    }
}
