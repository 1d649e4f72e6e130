using System.Runtime.InteropServices;

namespace Course.Core.Runtime;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM as a request to stop: the first signal is held back and the training core stops at its
/// next step, after any checkpoint being written is complete, so the run can remove what it started and say so in
/// one sentence. A second signal ends the process at once, as usual. <see cref="StopWhenInputEnds"/> makes the end of
/// standard input the same request, on every OS: that is how <c>course studio</c> stops the runs it started, and why
/// they stop cleanly when the studio itself goes.
/// </summary>
public static class Interruption
{
    private static PosixSignal? _requested;

    /// <summary>The signal that asked the run to stop, or null.</summary>
    public static PosixSignal? Requested => _requested;

    /// <summary>Listens for SIGINT and SIGTERM until the returned scope ends.</summary>
    public static IDisposable Listen()
    {
        _requested = null;
        PosixSignalRegistration Register(PosixSignal signal) => PosixSignalRegistration.Create(signal, context =>
        {
            if (_requested is not null) return; // the second signal: let it end the process
            _requested = signal;
            context.Cancel = true;
        });
        return new Registrations([Register(PosixSignal.SIGINT), Register(PosixSignal.SIGTERM)]);
    }

    /// <summary>
    /// Watches standard input on a background thread and, when it ends (the parent closed it, or exited), asks the run
    /// to stop as SIGTERM does.
    /// </summary>
    public static void StopWhenInputEnds()
    {
        var watcher = new Thread(() =>
        {
            using var input = Console.OpenStandardInput();
            byte[] buffer = new byte[256];
            while (input.Read(buffer, 0, buffer.Length) > 0)
            {
                // Anything written is ignored: only the end of the input asks the run to stop.
            }
            _requested ??= PosixSignal.SIGTERM;
        })
        { IsBackground = true, Name = "stop when standard input ends" };
        watcher.Start();
    }

    private sealed class Registrations(PosixSignalRegistration[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in registrations) registration.Dispose();
        }
    }
}

/// <summary>A run stopped by SIGINT or SIGTERM: its sentence, and the exit code a shell expects (130 or 143).</summary>
public sealed class RunInterruptedException(PosixSignal signal, string where)
    : Exception($"Interrupted by {(signal == PosixSignal.SIGINT ? "Ctrl-C (SIGINT)" : "SIGTERM")} {where}; the run's output folder was removed.")
{
    /// <summary>128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode { get; } = signal == PosixSignal.SIGINT ? 130 : 143;
}
