namespace Course.Core.Runtime;

/// <summary>A file that is either whole or not there: written to a temporary file beside it, flushed to disk, then renamed over it.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/> (a stream that can also be read back) atomically;
    /// a failure removes the temporary file and, for an I/O error, is one sentence that names <paramref name="what"/>.
    /// </summary>
    public static void Write(string path, string what, Action<FileStream> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            if (File.Exists(temp)) File.Delete(temp);
            if (e is IOException or UnauthorizedAccessException)
                throw new CourseException($"Cannot write {what} '{path}': {e.Message}", e);
            throw;
        }
    }
}
