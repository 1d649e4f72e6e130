using Course.Core.Events;

namespace Course.Core.Plotting;

/// <summary>
/// d2l's <c>Animator</c> (3.6): curves that grow point by point during training. It reports its figure and each point
/// as events (<see cref="ChartStarted"/>, <see cref="PointAdded"/>); <see cref="AnimatorSink"/> draws them into a PNG
/// that can be watched while the run goes on, and <c>--events</c> hands them to any other viewer.
/// </summary>
public sealed class Animator
{
    private readonly RunEvents _events;

    /// <summary>Starts the figure <paramref name="figure"/>, its series named by <paramref name="legend"/>.</summary>
    public Animator(RunEvents events, string figure, IReadOnlyList<string> legend, AxesStyle axes)
    {
        (_events, Figure, Legend) = (events, figure, legend);
        events.Emit(new ChartStarted(figure, legend, axes.XLabel, axes.YLabel, Limits(axes.XLim), Limits(axes.YLim), axes.YScale == Scale.Log));
    }

    /// <summary>The figure's name in the run folder, without <c>.png</c>.</summary>
    public string Figure { get; }

    /// <summary>The series' names, in order.</summary>
    public IReadOnlyList<string> Legend { get; }

    /// <summary>Adds one point to each series, in legend order (null skips a series, as d2l's <c>None</c> does).</summary>
    public void Add(double x, params double?[] ys)
    {
        var values = new Dictionary<string, double>();
        for (int i = 0; i < ys.Length && i < Legend.Count; i++)
            if (ys[i] is { } y) values[Legend[i]] = y;
        _events.Emit(new PointAdded(Figure, x, values));
    }

    private static double[]? Limits((double Min, double Max)? limits) => limits is var (min, max) ? [min, max] : null;
}

/// <summary>The animators' listener: keeps each figure's points and rewrites its PNG after every point.</summary>
public sealed class AnimatorSink(Func<string, string> pathOf)
{
    private readonly Dictionary<string, (ChartStarted Chart, List<(List<double> X, List<double> Y)> Series)> _figures = new();

    /// <summary>The points so far of <paramref name="figure"/>, one list per series in legend order.</summary>
    public IReadOnlyList<(IReadOnlyList<double> X, IReadOnlyList<double> Y)> Series(string figure) =>
        _figures[figure].Series.Select(s => ((IReadOnlyList<double>)s.X, (IReadOnlyList<double>)s.Y)).ToArray();

    /// <summary>Handles one event of the run.</summary>
    public void On(RunEvent e)
    {
        switch (e)
        {
            case ChartStarted chart:
                _figures[chart.Figure] = (chart, chart.Legend.Select(_ => (new List<double>(), new List<double>())).ToList());
                break;
            case PointAdded point when _figures.TryGetValue(point.Figure, out var figure):
                for (int i = 0; i < figure.Chart.Legend.Count; i++)
                {
                    if (!point.Values.TryGetValue(figure.Chart.Legend[i], out double y)) continue;
                    figure.Series[i].X.Add(point.X);
                    figure.Series[i].Y.Add(y);
                }
                Save(figure.Chart, figure.Series);
                break;
        }
    }

    private void Save(ChartStarted chart, List<(List<double> X, List<double> Y)> series) =>
        LineChart.Save(pathOf(chart.Figure), series.Select((s, i) => new LineSeries(chart.Legend[i], s.X, s.Y)).ToArray(), new AxesStyle
        {
            XLabel = chart.XLabel,
            YLabel = chart.YLabel,
            XLim = chart.XLim is [var x0, var x1] ? (x0, x1) : null,
            YLim = chart.YLim is [var y0, var y1] ? (y0, y1) : null,
            YScale = chart.LogY ? Scale.Log : Scale.Linear,
        });
}
