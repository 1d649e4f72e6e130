using System.Security.Cryptography;
using System.Text.Json;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// One epoch in a training history: its number, its metrics by name (<c>train loss</c>, <c>perplexity</c>), the
/// examples (or tokens) it trained on and the seconds its steps took.
/// </summary>
public sealed record EpochRecord(int Epoch, IReadOnlyDictionary<string, double> Metrics, double Count, double Seconds);

/// <summary>
/// A training checkpoint in a folder, saved as one transaction: each save writes a new generation folder
/// (<c>epoch-0003/</c>: the model's state, the updater's state, torch's global random generator and the epochs done),
/// then renames <c>manifest.json</c> into place, which names that generation, the run it belongs to and the SHA-256 of
/// each of its files; only then are older generations deleted. A run killed anywhere leaves a manifest that names a
/// complete generation, and restoring checks every file against it, so a checkpoint either resumes exactly where a
/// save ended or is refused in one sentence.
/// </summary>
/// <param name="folder">The checkpoint folder.</param>
/// <param name="identity">What the run is (section and settings); a checkpoint of another run is refused.</param>
public sealed class Checkpoint(string folder, string identity = "")
{
    private const string ManifestFile = "manifest.json";
    private const string ModelFile = "model.bin";
    private const string UpdaterFile = "updater.bin";
    private const string RandomFile = "random.bin";
    private const string HistoryFile = "history.json";
    private const string LockFile = ".lock";

    private sealed record Manifest(string Identity, int Epochs, string Generation, Dictionary<string, string> Sha256);

    /// <summary>The checkpoint folder.</summary>
    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>What the run is: a checkpoint whose identity differs is not restored.</summary>
    public string Identity { get; } = identity;

    /// <summary>Whether the folder holds a checkpoint.</summary>
    public bool Exists => File.Exists(Path.Combine(Folder, ManifestFile));

    /// <summary>
    /// Makes sure <paramref name="folder"/> can hold checkpoints (a folder, writable) and locks it for this process until
    /// the returned scope ends, so that two runs cannot write one checkpoint; each is one sentence when it fails.
    /// </summary>
    public static IDisposable Lock(string folder)
    {
        string full = Path.GetFullPath(folder);
        if (File.Exists(full)) throw new CourseException($"--checkpoint '{folder}' is a file; give a folder (it is created if missing).");
        try
        {
            Directory.CreateDirectory(full);
            string probe = Path.Combine(full, $".probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CourseException($"--checkpoint '{folder}' cannot be written ({Errors.FirstLine(e.Message)}); give a folder you can write to.", e);
        }
        try
        {
            return new FileStream(Path.Combine(full, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new CourseException($"--checkpoint '{folder}' is in use by another run; wait for it to end, or give another folder.", e);
        }
    }

    /// <summary>Saves the model, the updater's state, torch's random state and the epochs so far as a new generation.</summary>
    public void Save(nn.Module model, IUpdater updater, IReadOnlyList<EpochRecord> epochs)
    {
        string name = $"epoch-{epochs.Count:D4}";
        string generation = Path.Combine(Folder, name);
        try
        {
            if (Directory.Exists(generation)) Directory.Delete(generation, recursive: true); // a save killed before its manifest
            Directory.CreateDirectory(generation);
            updater.SaveState(Path.Combine(generation, UpdaterFile));
            File.WriteAllText(Path.Combine(generation, HistoryFile), JsonSerializer.Serialize(epochs));
            using (var random = get_rng_state()) TensorFiles.Save(random, Path.Combine(generation, RandomFile));
            TensorFiles.SaveState(model, Path.Combine(generation, ModelFile));
            var hashes = Directory.EnumerateFiles(generation).Order(StringComparer.Ordinal)
                .ToDictionary(f => Path.GetFileName(f), Sha256);
            string manifest = Path.Combine(Folder, ManifestFile);
            File.WriteAllText(manifest + ".new", JsonSerializer.Serialize(new Manifest(Identity, epochs.Count, name, hashes)));
            File.Move(manifest + ".new", manifest, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CourseException($"Cannot save the checkpoint in '{Folder}' ({Errors.FirstLine(e.Message)}); free some space or give another --checkpoint folder.", e);
        }
        Sweep(name);
    }

    /// <summary>
    /// Restores the model, the updater and torch's random state from the manifest's generation, after checking every file
    /// against it, and returns the epochs already done. <paramref name="beforeUpdaterState"/>, given the number of epochs
    /// done, brings what the updater's saved state does not hold (a learning-rate scheduler) up to them first.
    /// </summary>
    public IReadOnlyList<EpochRecord> Restore(nn.Module model, IUpdater updater, Action<int>? beforeUpdaterState = null)
    {
        Manifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(Path.Combine(Folder, ManifestFile)))
                ?? throw new InvalidDataException("the manifest is empty");
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidDataException or NotSupportedException)
        {
            throw Damaged($"its manifest cannot be read ({Errors.FirstLine(e.Message)})", e);
        }
        if (manifest.Identity != Identity)
            throw new CourseException($"The checkpoint in '{Folder}' belongs to another run ({Describe(manifest.Identity)}), not this one ({Describe(Identity)}); " +
                "use another --checkpoint folder, or the settings it was made with.");
        string generation = Path.Combine(Folder, manifest.Generation);
        foreach (var (file, hash) in manifest.Sha256)
        {
            string path = Path.Combine(generation, file);
            if (!File.Exists(path) || Sha256(path) != hash)
                throw Damaged($"{manifest.Generation}/{file} is missing or does not match the checksum in its manifest", null);
        }
        Sweep(manifest.Generation);
        try
        {
            var epochs = JsonSerializer.Deserialize<EpochRecord[]>(File.ReadAllText(Path.Combine(generation, HistoryFile))) ?? [];
            if (epochs.Length != manifest.Epochs) throw new InvalidDataException($"the history holds {epochs.Length} epochs, the manifest {manifest.Epochs}");
            TensorFiles.LoadState(model, Path.Combine(generation, ModelFile));
            beforeUpdaterState?.Invoke(epochs.Length);
            string updaterState = Path.Combine(generation, UpdaterFile);
            if (File.Exists(updaterState)) updater.LoadState(updaterState);
            using var random = TensorFiles.Load(Path.Combine(generation, RandomFile));
            set_rng_state(random);
            return epochs;
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidDataException or ArgumentException or InvalidOperationException)
        {
            throw Damaged($"it does not fit this model ({Errors.FirstLine(e.Message)})", e);
        }
    }

    /// <summary>Deletes what killed saves left: generations other than <paramref name="keep"/> and an unfinished manifest.</summary>
    private void Sweep(string keep)
    {
        foreach (string stale in Directory.EnumerateDirectories(Folder, "epoch-*").Where(d => Path.GetFileName(d) != keep))
            Directory.Delete(stale, recursive: true);
        File.Delete(Path.Combine(Folder, ManifestFile + ".new"));
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    private CourseException Damaged(string what, Exception? inner) =>
        new($"The checkpoint in '{Folder}' cannot be resumed: {what}; delete the folder to start afresh.", inner);

    private static string Describe(string identity) => identity.Length == 0 ? "no settings recorded" : identity;
}
