namespace Course.Core.Runtime;

/// <summary>
/// The folder a run writes to. It is built as <c>&lt;root&gt;/&lt;id&gt;/.&lt;timestamp&gt;.partial</c> and renamed to
/// <c>&lt;root&gt;/&lt;id&gt;/&lt;timestamp&gt;</c> only when the run succeeds, so a failed run leaves no half-written output.
/// </summary>
public sealed class RunDirectory : IDisposable
{
    private readonly string _final;
    private bool _committed;

    /// <summary>Creates the partial folder for a new run of <paramref name="id"/> under <paramref name="root"/>.</summary>
    public RunDirectory(string root, string id)
    {
        string parent = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, id));
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss");
        string name = stamp;
        for (int n = 2; Directory.Exists(System.IO.Path.Combine(parent, name)) || Directory.Exists(System.IO.Path.Combine(parent, $".{name}.partial")); n++)
            name = $"{stamp}-{n}";
        _final = System.IO.Path.Combine(parent, name);
        Path = System.IO.Path.Combine(parent, $".{name}.partial");
        try
        {
            Directory.CreateDirectory(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CourseException($"Cannot create the run folder under '{parent}': {e.Message}", e);
        }
    }

    /// <summary>The folder's name once the run has succeeded.</summary>
    public string FinalPath => _final;

    /// <summary>The folder files are written to while the run goes on.</summary>
    public string Path { get; private set; }

    /// <summary>The path of a file inside the run folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Renames the partial folder to its final name; returns that name.</summary>
    public string Commit()
    {
        Directory.Move(Path, _final);
        Path = _final;
        _committed = true;
        return _final;
    }

    /// <summary>Deletes the partial folder of a run that did not commit.</summary>
    public void Dispose()
    {
        if (!_committed && Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
