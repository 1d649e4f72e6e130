using System.Diagnostics;

namespace Course.Core.Events;

/// <summary>
/// The run's one event mechanism: everything a run reports is a <see cref="RunEvent"/> emitted here, and every
/// output listens (the console, the animators, TensorBoard, <c>metrics.json</c>, <c>--events</c>). Sinks are called in
/// the order they were added, on the emitting thread.
/// </summary>
public sealed class RunEvents
{
    private readonly List<Action<RunEvent>> _sinks = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Adds <paramref name="sink"/>; it hears every later event.</summary>
    public void Listen(Action<RunEvent> sink) => _sinks.Add(sink);

    /// <summary>Stamps <paramref name="e"/> with the run's time and hands it to every sink.</summary>
    public void Emit(RunEvent e)
    {
        var stamped = e with { Time = Math.Round(_clock.Elapsed.TotalSeconds, 3) };
        foreach (var sink in _sinks) sink(stamped);
    }
}
