using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Course.Core.Runtime;

/// <summary>
/// A model's weights as PyTorch holds them: d2l's <c>net.load_state_dict(torch.load(path))</c> and
/// <c>torch.save(net.state_dict(), path)</c> (5.5), across languages. Reads a PyTorch <c>.pt</c>/<c>.pth</c> file (the
/// zip format of <c>torch.save</c>) or a <c>.safetensors</c> file, and writes safetensors, under the names d2l's own
/// model gives each tensor (<see cref="BookState"/>), so a state_dict moves between d2l's PyTorch model and Course's
/// with no key renamed by hand.
/// </summary>
public static class PyTorchWeights
{
    /// <summary>The file endings <see cref="Load"/> reads.</summary>
    public static readonly string[] Extensions = [".safetensors", ".pt", ".pth"];

    /// <summary>
    /// The model's <c>state_dict</c> under d2l's names: TorchSharp's keys (which Course's model classes make the same as
    /// d2l's), renamed or left out where a <see cref="IBookState"/> module says d2l's model differs (innermost first).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, Tensor>> BookState(nn.Module model)
    {
        var books = model.named_modules().Prepend(("", model))
            .Where(m => m.Item2 is IBookState).OrderByDescending(m => m.Item1.Length)
            .Select(m => (Prefix: m.Item1.Length == 0 ? "" : m.Item1 + ".", Book: (IBookState)m.Item2)).ToArray();
        var state = new List<KeyValuePair<string, Tensor>>();
        foreach (var (key, tensor) in model.state_dict())
        {
            string? name = key;
            foreach (var (prefix, book) in books)
            {
                if (name is null || !name.StartsWith(prefix, StringComparison.Ordinal)) continue;
                name = book.BookName(name[prefix.Length..]) is { } local ? prefix + local : null;
            }
            if (name is not null) state.Add(new(name, tensor));
        }
        return state;
    }

    /// <summary>
    /// Copies the state_dict in <paramref name="path"/> into <paramref name="model"/> (on whatever device it is). The
    /// file must hold exactly <see cref="BookState"/>'s keys, shapes and dtypes; anything else is a
    /// <see cref="CourseException"/> of one sentence naming the first key that does not fit.
    /// </summary>
    public static void Load(nn.Module model, string path)
    {
        var saved = Read(path);
        try
        {
            var state = BookState(model);
            foreach (var (key, target) in state)
            {
                if (!saved.TryGetValue(key, out var source))
                    throw new CourseException($"The weights in '{path}' lack '{key}' ({Describe(target)}), which the model {model.GetType().Name} has; were they saved from another model?");
                if (!source.shape.SequenceEqual(target.shape))
                    throw new CourseException($"'{key}' is {Shape(source.shape)} in '{path}' but {Shape(target.shape)} in the model {model.GetType().Name}; the weights are of a model of another size.");
                if (source.dtype != target.dtype)
                    throw new CourseException($"'{key}' is {source.dtype} in '{path}' but {target.dtype} in the model {model.GetType().Name}; convert the state_dict first (e.g. net.float() in PyTorch).");
            }
            var keys = state.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
            if (saved.Keys.FirstOrDefault(k => !keys.Contains(k)) is { } extra)
                throw new CourseException($"The weights in '{path}' hold '{extra}' ({Describe(saved[extra])}), which the model {model.GetType().Name} has no place for; were they saved from another model?");
            using (no_grad())
            {
                foreach (var (key, target) in state) target.copy_(saved[key]);
            }
        }
        finally
        {
            foreach (var tensor in saved.Values) tensor.Dispose();
        }
    }

    /// <summary>
    /// Writes <see cref="BookState"/> of <paramref name="model"/> to <paramref name="path"/> as safetensors (from the
    /// CPU), atomically: a temporary file in the same folder, then a rename. PyTorch reads it with
    /// <c>net.load_state_dict(safetensors.torch.load_file(path))</c>.
    /// </summary>
    public static void Save(nn.Module model, string path)
    {
        using var scope = NewDisposeScope();
        var state = BookState(model).ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous());
        AtomicFile.Write(path, "the weights", stream => Safetensors.SaveStateDict(stream, state, leaveOpen: true));
    }

    /// <summary>Reads a state_dict file into CPU tensors by key.</summary>
    private static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new CourseException($"The weights file '{path}' does not exist.");
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (!Extensions.Contains(extension))
            throw new CourseException($"'{path}' is not a PyTorch state_dict file; give a {string.Join(", ", Extensions)} file.");
        try
        {
            if (extension == ".safetensors") return Safetensors.LoadStateDict(path);
            var table = PyTorchUnpickler.UnpickleStateDict(path);
            var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in table)
            {
                state[(string)entry.Key] = entry.Value as Tensor
                    ?? throw new InvalidDataException($"its entry '{entry.Key}' is a {entry.Value?.GetType().Name ?? "None"}, not a tensor; save net.state_dict(), not the whole model");
            }
            return state;
        }
        catch (Exception e) when (e is not CourseException)
        {
            throw new CourseException($"'{path}' could not be read as a PyTorch state_dict: {e.Message.Split('\n', 2)[0].Trim()}", e);
        }
    }

    private static string Describe(Tensor t) => $"{Shape(t.shape)} {t.dtype}";

    private static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";
}

/// <summary>
/// A module whose TorchSharp state_dict differs from d2l's PyTorch model of the same name: an entry d2l does not keep
/// (7.5's from-scratch <c>BatchNorm</c> keeps its moving statistics as plain attributes) or keeps under another name
/// (10.2 trains <c>NWKernelRegression</c> inside a wrapper). <see cref="PyTorchWeights"/> reads and writes the weights
/// under d2l's names.
/// </summary>
public interface IBookState
{
    /// <summary>d2l's name for the module's own state_dict entry <paramref name="name"/> (no prefix), or null where d2l's <c>state_dict()</c> has none.</summary>
    string? BookName(string name);
}
