using System.Diagnostics;

namespace Course.Core.Plotting;

/// <summary>
/// The live status of long work. On a terminal it rewrites one line in place (at most ten times a second);
/// when output is redirected it stays quiet and only the lines given to <see cref="Line"/> are written.
/// </summary>
public sealed class ProgressLine(TextWriter output)
{
    private readonly bool _live = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private int _width;

    /// <summary>Whether a status would be shown now: on a terminal, at most ten times a second.</summary>
    public bool IsDue => _live && _sinceLast.ElapsedMilliseconds >= 100;

    /// <summary>Shows <paramref name="status"/> in place of the previous status (terminals only).</summary>
    public void Report(string status)
    {
        if (!IsDue) return;
        _sinceLast.Restart();
        output.Write('\r' + status.PadRight(_width));
        _width = status.Length;
    }

    /// <summary>Clears the status and writes a permanent line.</summary>
    public void Line(string text)
    {
        Clear();
        output.WriteLine(text);
    }

    /// <summary>Removes the status from a terminal.</summary>
    public void Clear()
    {
        if (!_live || _width == 0) return;
        output.Write('\r' + new string(' ', _width) + '\r');
        _width = 0;
    }
}
