using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using Course.Core.Runtime;
using Spectre.Console;

namespace Course.Core.Data;

/// <summary>
/// Finds data files (d2l's <c>download</c> and <c>download_extract</c>, 4.10). A file is looked up under each root in
/// turn: <c>--data-dir</c>, <c>COURSE_DATA</c>, <c>data/</c>, then, on Linux, <c>/usr/share/datasets</c> (Debian's
/// <c>dataset-fashion-mnist</c>). A copy that is found is verified; a missing one is downloaded into the download
/// folder with a progress bar and verified before it is moved into place. A wrong size or checksum is an error.
/// </summary>
public sealed class DataStore
{
    /// <summary>The environment variable that names a data root.</summary>
    public const string EnvironmentVariable = "COURSE_DATA";

    /// <summary>Set to 1 to never download (tests, CI and machines without internet access).</summary>
    public const string OfflineVariable = "COURSE_OFFLINE";

    /// <summary>Debian's data-set folder (<c>dataset-fashion-mnist</c> installs into <c>fashion-mnist/</c> here).</summary>
    public const string DebianDatasets = "/usr/share/datasets";

    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), bool> Verified = new();
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(30) };

    /// <summary>
    /// The usual roots: <paramref name="dataDir"/>, <c>COURSE_DATA</c>, <c>data/</c> and, on Linux, Debian's folder; downloads go to
    /// <paramref name="dataDir"/> or <c>data/</c>, unless <c>COURSE_OFFLINE=1</c>.
    /// </summary>
    public DataStore(string? dataDir = null)
        : this(DefaultRoots(dataDir), dataDir ?? "data", !Switches.IsOn(Environment.GetEnvironmentVariable(OfflineVariable))) { }

    /// <summary>Explicit roots, searched in order, and the folder downloads go to.</summary>
    public DataStore(IEnumerable<string> roots, string downloadDir, bool allowDownload)
    {
        Roots = roots.Select(Path.GetFullPath).Distinct().ToArray();
        DownloadDir = Path.GetFullPath(downloadDir);
        AllowDownload = allowDownload;
    }

    /// <summary>The folders searched, in order.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>Where missing files are downloaded to.</summary>
    public string DownloadDir { get; }

    /// <summary>Whether a missing file may be downloaded.</summary>
    public bool AllowDownload { get; }

    /// <summary>The first copy of <paramref name="file"/> under the roots, unverified; null when there is none.</summary>
    public string? Locate(RemoteFile file) =>
        Roots.Select(root => Path.Combine(root, file.RelativePath)).FirstOrDefault(File.Exists);

    /// <summary>The verified local path of <paramref name="file"/>, downloading it when it is missing.</summary>
    public string Resolve(RemoteFile file)
    {
        if (Locate(file) is { } path)
        {
            Verify(file, path);
            return path;
        }
        if (!AllowDownload)
            throw new CourseException($"{file.Name} ({file.RelativePath}) was not found in {string.Join(", ", Roots)} and downloads are off; run `course data` where there is internet access, or set {EnvironmentVariable} to a folder that holds it.");
        return Download(file);
    }

    /// <summary>
    /// The folder an archive unpacks to, downloading and extracting the archive when neither is there; the extracted
    /// file the book reads is verified like any other file.
    /// </summary>
    public string ResolveFolder(RemoteArchive archive)
    {
        if (Locate(archive.Extracted) is { } found)
        {
            Verify(archive.Extracted, found);
            return Path.GetDirectoryName(found)!;
        }
        string zip = Resolve(archive.Zip);
        string target = Path.Combine(DownloadDir, archive.Folder);
        ZipExtractor.Extract(zip, target);
        string marker = Path.Combine(target, archive.Marker);
        if (!File.Exists(marker))
            throw new CourseException($"{archive.Zip.Name}: the archive '{zip}' does not contain {archive.Folder}/{archive.Marker}.");
        Verify(archive.Extracted, marker);
        return target;
    }

    /// <summary>Checks a local copy's size and SHA-1 (of its content for gzip files that are checked by content).</summary>
    public static void Verify(RemoteFile file, string path)
    {
        var info = new FileInfo(path);
        var key = (info.FullName, info.Length, info.LastWriteTimeUtc);
        if (Verified.ContainsKey(key)) return;

        string sha1;
        long size;
        if (file.ChecksumOfContent)
        {
            try
            {
                using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
                using var counter = new CountingStream(gzip);
                sha1 = Convert.ToHexStringLower(SHA1.HashData(counter));
                size = counter.Count;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
            {
                throw new CourseException($"{file.Name}: '{path}' is truncated or not a valid gzip file ({e.Message}); delete it and run `course data` again.", e);
            }
        }
        else
        {
            size = info.Length;
            using var stream = File.OpenRead(path);
            sha1 = Convert.ToHexStringLower(SHA1.HashData(stream));
        }

        if (file.Size is { } expected && size != expected)
            throw new CourseException($"{file.Name}: '{path}' is truncated or padded: expected {expected:N0} bytes{(file.ChecksumOfContent ? " of content" : "")}, found {size:N0}; delete it and run `course data` again.");
        if (!string.Equals(sha1, file.Sha1, StringComparison.OrdinalIgnoreCase))
            throw new CourseException($"{file.Name}: '{path}' is corrupt: expected SHA-1 {file.Sha1}, found {sha1}; delete it and run `course data` again.");
        Verified[key] = true;
    }

    private string Download(RemoteFile file)
    {
        string target = Path.Combine(DownloadDir, file.RelativePath);
        string partial = target + ".download";
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            DownloadTo(file, partial);
            Verify(file, partial);
            File.Move(partial, target, overwrite: true);
            return target;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new CourseException($"{file.Name} was not found in {string.Join(", ", Roots)} and could not be downloaded from {file.Url} ({e.Message}); copy it into {DownloadDir} or set {EnvironmentVariable} to a folder that holds it.", e);
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
    }

    private static void DownloadTo(RemoteFile file, string path)
    {
        using var response = Http.GetAsync(file.Url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        long? total = response.Content.Headers.ContentLength;
        using var source = response.Content.ReadAsStream();
        using var sink = File.Create(path);
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            Console.Error.WriteLine($"Downloading {file.Url} ...");
            source.CopyTo(sink);
            return;
        }
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .Start(progress =>
            {
                var task = progress.AddTask(file.FileName, maxValue: total ?? 1);
                task.IsIndeterminate = total is null;
                byte[] buffer = new byte[1 << 16];
                for (int read; (read = source.Read(buffer)) > 0;)
                {
                    sink.Write(buffer, 0, read);
                    task.Increment(read);
                }
                task.Value = task.MaxValue;
            });
    }

    private static IEnumerable<string> DefaultRoots(string? dataDir)
    {
        if (dataDir is not null) yield return dataDir;
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env) yield return env;
        yield return "data";
        if (OperatingSystem.IsLinux()) yield return DebianDatasets;
    }

    /// <summary>A read-only stream that counts the bytes read through it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Count { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = inner.Read(buffer, offset, count);
            Count += read;
            return read;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
