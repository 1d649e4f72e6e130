namespace Course.Core.Data;

/// <summary>
/// A named remote file, d2l's <c>DATA_HUB</c> entry: where it lives under a data root, its URL, and how to tell
/// that a copy is whole. <paramref name="Sha1"/> and <paramref name="Size"/> describe the file's bytes, or, when
/// <paramref name="ChecksumOfContent"/> is set, the bytes of its decompressed gzip content (distributions
/// recompress Fashion-MNIST, so only its content is the same everywhere).
/// </summary>
public sealed record RemoteFile(
    string Name,
    string RelativePath,
    string Url,
    string Sha1,
    long? Size = null,
    bool ChecksumOfContent = false)
{
    /// <summary>The file's name without its folder.</summary>
    public string FileName => Path.GetFileName(RelativePath);
}

/// <summary>
/// A zip archive that d2l's <c>download_extract</c> unpacks into <paramref name="Folder"/>, which must then hold
/// <paramref name="Marker"/>, the file the book reads, whose SHA-1 and size are checked as a remote file's are.
/// </summary>
public sealed record RemoteArchive(RemoteFile Zip, string Folder, string Marker, string MarkerSha1, long MarkerSize)
{
    /// <summary>The extracted file the book reads, as a file to verify under a data root.</summary>
    public RemoteFile Extracted => new($"{Zip.Name}/{Marker}", Path.Combine(Folder, Marker), Zip.Url, MarkerSha1, MarkerSize);
}
