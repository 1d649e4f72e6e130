using System.Runtime.InteropServices;

namespace Course.Core.Runtime;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM as a request to stop: the first signal is held back and the training core stops at its
/// next step, after any checkpoint being written is complete, so the run can remove what it started and say so in
/// one sentence. A second signal ends the process at once, as usual.
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
