using System.IO.Compression;
using Course.Core.Runtime;

namespace Course.Core.Data;

/// <summary>Unpacks a zip archive (d2l's <c>download_extract</c>) with every entry's path checked to stay inside the target folder.</summary>
public static class ZipExtractor
{
    /// <summary>
    /// Extracts <paramref name="zipPath"/> into <paramref name="targetDir"/>. The archive is unpacked into a sibling
    /// temporary folder first and moved into place only when every entry succeeded; an entry whose path leaves the
    /// folder (<c>../</c>, an absolute path) is an error and nothing is written. Into an existing folder only the
    /// archive's files are moved (replacing those of the same name); nothing else there is touched.
    /// </summary>
    public static void Extract(string zipPath, string targetDir)
    {
        string target = Path.GetFullPath(targetDir);
        string staging = target + ".extracting";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        string stagingRoot = staging + Path.DirectorySeparatorChar;
        try
        {
            using var archive = ZipFile.OpenRead(zipPath);
            foreach (var entry in archive.Entries)
            {
                string destination = Path.GetFullPath(Path.Combine(staging, StripTopFolder(entry.FullName, Path.GetFileName(target))));
                if (!destination.StartsWith(stagingRoot, StringComparison.Ordinal) && destination != staging)
                    throw new CourseException($"The archive '{zipPath}' has an entry '{entry.FullName}' that would be written outside '{target}'; it was not extracted.");
                if (entry.FullName.EndsWith('/'))
                {
                    Directory.CreateDirectory(destination);
                    continue;
                }
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                entry.ExtractToFile(destination, overwrite: true);
            }
            if (!Directory.Exists(target))
            {
                Directory.Move(staging, target);
                return;
            }
            foreach (string file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories))
            {
                string destination = Path.Combine(target, Path.GetRelativePath(staging, file));
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Move(file, destination, overwrite: true);
            }
        }
        catch (InvalidDataException e)
        {
            throw new CourseException($"The archive '{zipPath}' is corrupt ({e.Message}); delete it and run `course data` again.", e);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>d2l's archives hold one top folder named like the target (<c>fra-eng/fra.txt</c>); drop it.</summary>
    private static string StripTopFolder(string entry, string folder) =>
        entry.StartsWith(folder + "/", StringComparison.Ordinal) ? entry[(folder.Length + 1)..] : entry;
}
