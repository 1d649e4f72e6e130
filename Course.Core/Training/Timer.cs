using System.Diagnostics;

namespace Course.Core.Training;

/// <summary>d2l's <c>Timer</c> (3.1): records several running times.</summary>
public sealed class Timer
{
    private readonly List<double> _times = [];
    private readonly Stopwatch _watch = new();

    /// <summary>Creates the timer and starts it, as d2l's does.</summary>
    public Timer() => Start();

    /// <summary>The recorded times in seconds.</summary>
    public IReadOnlyList<double> Times => _times;

    /// <summary>Starts (or restarts) the timer.</summary>
    public void Start() => _watch.Restart();

    /// <summary>Stops the timer, records the time since <see cref="Start"/> and returns it in seconds.</summary>
    public double Stop()
    {
        _watch.Stop();
        _times.Add(_watch.Elapsed.TotalSeconds);
        return _times[^1];
    }

    /// <summary>The mean of the recorded times.</summary>
    public double Average => _times.Count == 0 ? 0 : _times.Average();

    /// <summary>The sum of the recorded times.</summary>
    public double Sum => _times.Sum();

    /// <summary>The running sums of the recorded times.</summary>
    public IReadOnlyList<double> CumulativeSum()
    {
        double total = 0;
        return _times.Select(t => total += t).ToArray();
    }
}
