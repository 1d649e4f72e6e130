namespace Course.Core.Plotting;

/// <summary>
/// d2l's <c>Animator</c> (3.6): curves that grow point by point during training. Instead of redrawing a notebook cell,
/// it rewrites a PNG file after each <see cref="Add"/>, so the figure can be watched while the run goes on.
/// </summary>
public sealed class Animator
{
    private readonly string _path;
    private readonly AxesStyle _axes;
    private readonly List<string> _legend;
    private readonly List<(List<double> X, List<double> Y)> _series = [];

    /// <summary>An animator that draws into <paramref name="path"/>; <paramref name="legend"/> names the series in order.</summary>
    public Animator(string path, IEnumerable<string>? legend = null, AxesStyle? axes = null)
    {
        _path = path;
        _legend = legend?.ToList() ?? [];
        _axes = axes ?? new AxesStyle();
    }

    /// <summary>The points so far, one list per series.</summary>
    public IReadOnlyList<(IReadOnlyList<double> X, IReadOnlyList<double> Y)> Series =>
        _series.Select(s => ((IReadOnlyList<double>)s.X, (IReadOnlyList<double>)s.Y)).ToArray();

    /// <summary>Adds one point to each series (null skips a series, as d2l's <c>None</c> does) and rewrites the figure.</summary>
    public void Add(double x, params double?[] ys)
    {
        while (_series.Count < ys.Length) _series.Add(([], []));
        for (int i = 0; i < ys.Length; i++)
        {
            if (ys[i] is not { } y) continue;
            _series[i].X.Add(x);
            _series[i].Y.Add(y);
        }
        Save();
    }

    /// <summary>Writes the figure as it stands.</summary>
    public void Save() => LineChart.Save(_path,
        _series.Select((s, i) => new LineSeries(i < _legend.Count ? _legend[i] : null, s.X, s.Y)).ToArray(), _axes);
}
