using System.Diagnostics;
using Course.Core.Events;

namespace Course.Core.Plotting;

/// <summary>
/// The console's listener: it prints every line the run prints, and on a terminal shows the training's progress in
/// one line rewritten in place (at most ten times a second); when output is redirected the progress stays quiet.
/// </summary>
public sealed class ProgressLine(TextWriter output)
{
    private readonly bool _live = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private int _width;

    /// <summary>Handles one event of the run.</summary>
    public void On(RunEvent e)
    {
        switch (e)
        {
            case LinePrinted line:
                Clear();
                output.WriteLine(line.Text);
                break;
            case ProgressMade progress:
                Report(progress.Status);
                break;
            case EpochEnded epoch when epoch.Epoch == epoch.Epochs:
                Clear();
                break;
        }
    }

    private void Report(string status)
    {
        if (!_live || _sinceLast.ElapsedMilliseconds < 100) return;
        _sinceLast.Restart();
        output.Write('\r' + status.PadRight(_width));
        _width = status.Length;
    }

    private void Clear()
    {
        if (!_live || _width == 0) return;
        output.Write('\r' + new string(' ', _width) + '\r');
        _width = 0;
    }
}
