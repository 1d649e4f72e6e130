using System.Text.Json;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>One epoch in a training history: its metrics, the examples (or tokens) it trained on and the seconds it took.</summary>
public sealed record EpochRecord<TEpoch>(TEpoch Metrics, double Count, double Seconds);

/// <summary>
/// A training checkpoint in a folder: the model's state (<see cref="TensorFiles"/>), the updater's state, torch's
/// global random generator and the epochs done so far, tagged with the run it belongs to. Every file is written beside
/// the old one and renamed into place, the epoch history last, so a run killed mid-save never leaves a half-written
/// file. Restoring it into the same run continues exactly where the saved one stopped.
/// </summary>
/// <param name="folder">The checkpoint folder.</param>
/// <param name="identity">What the run is (section and settings); a checkpoint of another run is refused.</param>
public sealed class Checkpoint(string folder, string identity = "")
{
    private const string ModelFile = "model.bin";
    private const string UpdaterFile = "updater.bin";
    private const string RandomFile = "random.bin";
    private const string HistoryFile = "history.json";

    private sealed record Saved<TEpoch>(string Identity, EpochRecord<TEpoch>[] Epochs);

    /// <summary>The checkpoint folder.</summary>
    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>What the run is: a checkpoint whose identity differs is not restored.</summary>
    public string Identity { get; } = identity;

    /// <summary>Whether the folder holds a complete checkpoint.</summary>
    public bool Exists => File.Exists(Path.Combine(Folder, HistoryFile));

    /// <summary>Saves the model, the updater's state, torch's random state and the epochs so far.</summary>
    public void Save<TEpoch>(nn.Module model, IUpdater updater, IReadOnlyList<EpochRecord<TEpoch>> epochs)
    {
        Directory.CreateDirectory(Folder);
        string updaterState = Path.Combine(Folder, UpdaterFile + ".new");
        string history = Path.Combine(Folder, HistoryFile + ".new");
        updater.SaveState(updaterState);
        File.WriteAllText(history, JsonSerializer.Serialize(new Saved<TEpoch>(Identity, [.. epochs])));
        using (var random = get_rng_state()) TensorFiles.Save(random, Path.Combine(Folder, RandomFile));
        TensorFiles.SaveState(model, Path.Combine(Folder, ModelFile));
        if (File.Exists(updaterState)) File.Move(updaterState, Path.Combine(Folder, UpdaterFile), overwrite: true);
        File.Move(history, Path.Combine(Folder, HistoryFile), overwrite: true);
    }

    /// <summary>Restores the model, the updater and torch's random state, and returns the epochs already done.</summary>
    public IReadOnlyList<EpochRecord<TEpoch>> Restore<TEpoch>(nn.Module model, IUpdater updater)
    {
        Saved<TEpoch> saved;
        try
        {
            saved = JsonSerializer.Deserialize<Saved<TEpoch>>(File.ReadAllText(Path.Combine(Folder, HistoryFile)))
                ?? throw new InvalidDataException("the history is empty");
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidDataException or NotSupportedException)
        {
            throw Damaged(e);
        }
        if (saved.Identity != Identity)
            throw new CourseException($"The checkpoint in '{Folder}' belongs to another run ({Describe(saved.Identity)}), not this one ({Describe(Identity)}); " +
                "use another --checkpoint folder, or the settings it was made with.");
        try
        {
            TensorFiles.LoadState(model, Path.Combine(Folder, ModelFile));
            string updaterState = Path.Combine(Folder, UpdaterFile);
            if (File.Exists(updaterState)) updater.LoadState(updaterState);
            string random = Path.Combine(Folder, RandomFile);
            if (File.Exists(random))
            {
                using var state = TensorFiles.Load(random);
                set_rng_state(state);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException)
        {
            throw Damaged(e);
        }
        return saved.Epochs ?? [];
    }

    private CourseException Damaged(Exception e) =>
        new($"The checkpoint in '{Folder}' does not fit this model or is damaged ({e.Message}); delete the folder to start afresh.", e);

    private static string Describe(string identity) => identity.Length == 0 ? "no settings recorded" : identity;
}
