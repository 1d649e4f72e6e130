using System.Diagnostics;
using System.Globalization;

namespace Course.Core.Runtime;

/// <summary>
/// The folder a run writes to. It is built as <c>&lt;root&gt;/&lt;id&gt;/.&lt;timestamp&gt;.partial</c> and renamed to
/// <c>&lt;root&gt;/&lt;id&gt;/&lt;timestamp&gt;</c> only when the run succeeds, so a failed run leaves no half-written output.
/// The partial folder holds an owner file (process id and start time), created exclusively, so two runs never take
/// one name; a new run removes the partial folders whose owner is gone (a run killed with SIGKILL or a power cut).
/// </summary>
public sealed class RunDirectory : IDisposable
{
    private const string OwnerFile = ".owner";
    private static readonly TimeSpan OwnerGrace = TimeSpan.FromMinutes(1);
    private readonly string _parent;
    private readonly string _final;
    private bool _committed;

    /// <summary>Creates the partial folder for a new run of <paramref name="id"/> under <paramref name="root"/>.</summary>
    public RunDirectory(string root, string id)
    {
        _parent = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, id));
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        try
        {
            Directory.CreateDirectory(_parent);
            Swept = SweepAbandoned(_parent);
            for (int n = 1; ; n++)
            {
                string name = n == 1 ? stamp : $"{stamp}-{n}";
                string partial = System.IO.Path.Combine(_parent, $".{name}.partial");
                if (Directory.Exists(System.IO.Path.Combine(_parent, name)) || !TryOwn(partial)) continue;
                (_final, Path) = (System.IO.Path.Combine(_parent, name), partial);
                break;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CourseException($"Cannot create the run folder under '{_parent}': {e.Message}", e);
        }
    }

    /// <summary>The folder's name once the run has succeeded.</summary>
    public string FinalPath => _final;

    /// <summary>The folder files are written to while the run goes on.</summary>
    public string Path { get; private set; }

    /// <summary>How many partial folders of runs that were killed this run removed.</summary>
    public int Swept { get; }

    /// <summary>The path of a file inside the run folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Renames the partial folder to its final name; returns that name.</summary>
    public string Commit()
    {
        System.IO.File.Delete(File(OwnerFile));
        Directory.Move(Path, _final);
        Path = _final;
        _committed = true;
        return _final;
    }

    /// <summary>
    /// Deletes the partial folder of a run that did not commit, and the section's folder if that leaves it empty. A
    /// failure to clean up never hides the error that ended the run: the next run sweeps what is left.
    /// </summary>
    public void Dispose()
    {
        if (_committed) return;
        try
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
            if (!Directory.EnumerateFileSystemEntries(_parent).Any()) Directory.Delete(_parent);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next run's sweep.
        }
    }

    /// <summary>Creates <paramref name="partial"/> with this process's owner file, unless another run owns it already.</summary>
    private static bool TryOwn(string partial)
    {
        Directory.CreateDirectory(partial);
        try
        {
            using var owner = new FileStream(System.IO.Path.Combine(partial, OwnerFile), FileMode.CreateNew, FileAccess.Write);
            using var process = Process.GetCurrentProcess();
            using var writer = new StreamWriter(owner);
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {process.StartTime.ToUniversalTime().Ticks}"));
            return true;
        }
        catch (IOException) when (System.IO.File.Exists(System.IO.Path.Combine(partial, OwnerFile)))
        {
            return false;
        }
    }

    private static int SweepAbandoned(string parent)
    {
        int swept = 0;
        foreach (string partial in Directory.EnumerateDirectories(parent, ".*.partial"))
        {
            if (IsAlive(partial)) continue;
            try
            {
                Directory.Delete(partial, recursive: true);
                swept++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process is removing it, or it cannot be removed; it does not hold up this run.
            }
        }
        return swept;
    }

    /// <summary>Whether the run that owns <paramref name="partial"/> still runs (a folder without its owner file yet is given a minute).</summary>
    private static bool IsAlive(string partial)
    {
        string ownerFile = System.IO.Path.Combine(partial, OwnerFile);
        if (!System.IO.File.Exists(ownerFile)) return DateTime.UtcNow - Directory.GetCreationTimeUtc(partial) < OwnerGrace;
        try
        {
            string[] parts = System.IO.File.ReadAllText(ownerFile).Split(' ');
            using var process = Process.GetProcessById(int.Parse(parts[0], CultureInfo.InvariantCulture));
            return process.StartTime.ToUniversalTime().Ticks == long.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IndexOutOfRangeException
            or OverflowException or IOException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
