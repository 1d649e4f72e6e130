using System.Text.Json;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// A training checkpoint in a folder: the model's state (<see cref="TensorFiles"/>), the updater's state and the
/// epochs done so far. Every file is written beside the old one and renamed into place, the epoch history last, so a
/// run killed mid-save never leaves a half-written file.
/// </summary>
public sealed class Checkpoint(string folder)
{
    private const string ModelFile = "model.bin";
    private const string UpdaterFile = "updater.bin";
    private const string HistoryFile = "history.json";

    /// <summary>The checkpoint folder.</summary>
    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>Whether the folder holds a complete checkpoint.</summary>
    public bool Exists => File.Exists(Path.Combine(Folder, HistoryFile));

    /// <summary>Saves the model, the updater's state and the epochs so far.</summary>
    public void Save(nn.Module model, IUpdater updater, IReadOnlyList<EpochMetrics> epochs)
    {
        Directory.CreateDirectory(Folder);
        string updater_ = Path.Combine(Folder, UpdaterFile + ".new");
        string history = Path.Combine(Folder, HistoryFile + ".new");
        updater.SaveState(updater_);
        File.WriteAllText(history, JsonSerializer.Serialize(epochs));
        TensorFiles.SaveState(model, Path.Combine(Folder, ModelFile));
        if (File.Exists(updater_)) File.Move(updater_, Path.Combine(Folder, UpdaterFile), overwrite: true);
        File.Move(history, Path.Combine(Folder, HistoryFile), overwrite: true);
    }

    /// <summary>Restores the model and the updater and returns the epochs already done.</summary>
    public IReadOnlyList<EpochMetrics> Restore(nn.Module model, IUpdater updater)
    {
        try
        {
            TensorFiles.LoadState(model, Path.Combine(Folder, ModelFile));
            string updaterState = Path.Combine(Folder, UpdaterFile);
            if (File.Exists(updaterState)) updater.LoadState(updaterState);
            return JsonSerializer.Deserialize<EpochMetrics[]>(File.ReadAllText(Path.Combine(Folder, HistoryFile))) ?? [];
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or ArgumentException or InvalidOperationException)
        {
            throw new CourseException($"The checkpoint in '{Folder}' does not fit this model or is damaged ({e.Message}); delete the folder to start afresh.", e);
        }
    }
}
