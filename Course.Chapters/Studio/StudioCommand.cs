using System.Net;
using Course.Core.Runtime;

namespace Course.Chapters.Studio;

/// <summary><c>course studio [--port N] [--host ADDRESS] [--out DIR]</c>: serves the studio until Ctrl-C.</summary>
public static class StudioCommand
{
    /// <summary>Starts the studio, prints its address, and serves until SIGINT or SIGTERM; then stops its run cleanly.</summary>
    public static int Run(string outDir, int port, string? host, TextWriter output)
    {
        var address = IPAddress.Loopback;
        if (host is not null)
        {
            if (!IPAddress.TryParse(host, out address))
                throw new Infrastructure.UsageException($"--host must be an IP address to listen on, not '{host}'.");
            if (!IPAddress.IsLoopback(address))
                output.WriteLine($"warning: listening on {host}: anyone who can reach this machine's port {port} can see the runs; the token still guards every change.");
        }
        var server = new StudioServer(outDir, port, address);
        try
        {
            server.StartAsync().GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            throw new CourseException($"The studio cannot listen on port {port} ({Errors.FirstLine(e.Message)}); pass another --port.", e);
        }
        output.WriteLine($"course studio: {server.Address} (runs in {Path.GetFullPath(outDir)}); Ctrl-C stops it.");
        while (Interruption.Requested is null) Thread.Sleep(200);
        output.WriteLine("stopping: the current run stops at its next step.");
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }
}
