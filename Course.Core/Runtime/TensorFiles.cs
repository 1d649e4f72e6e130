using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Core.Runtime;

/// <summary>
/// d2l 5.5's <c>torch.save</c> / <c>torch.load</c>: a tensor, a list of tensors, a dictionary of tensors or a model's
/// <c>state_dict</c> in one file, written atomically (a temporary file in the same folder, then a rename), read back
/// with checks that end in a <see cref="CourseException"/> naming the entry at fault.
/// </summary>
/// <remarks>
/// The format, little-endian: the magic bytes <c>CTNS</c>, a version byte (2), a kind byte (0 tensor, 1 list,
/// 2 dictionary), the entry count (int32); per entry its name (a .NET <see cref="BinaryWriter"/> string: "" for a
/// tensor, the index for a list, the key for a dictionary) and the tensor as TorchSharp's
/// <see cref="TensorExtensionMethods.Save(Tensor, BinaryWriter)"/> writes it (dtype, rank, shape, raw bytes; always
/// from the CPU); then the end marker <c>CEND</c>, so that a file cut short anywhere is caught, and the SHA-256 of
/// every byte before it, so that a file damaged anywhere is named as damaged rather than loaded.
/// A model's state is a dictionary (<c>0.weight</c>, <c>hidden.bias</c>, …, persistent buffers included).
/// </remarks>
public static class TensorFiles
{
    private const byte Version = 2;
    private const int HashLength = 32;
    private static readonly byte[] Magic = "CTNS"u8.ToArray();
    private static readonly byte[] EndMarker = "CEND"u8.ToArray();

    private enum Kind : byte { Tensor = 0, List = 1, Dictionary = 2 }

    /// <summary><c>torch.save(x, path)</c> for one tensor.</summary>
    public static void Save(Tensor tensor, string path) => Write(path, Kind.Tensor, [("", tensor)]);

    /// <summary><c>torch.load(path)</c> of a file written by <see cref="Save(Tensor, string)"/>; the tensor is on the CPU.</summary>
    public static Tensor Load(string path) => Read(path, Kind.Tensor)[0].Tensor;

    /// <summary><c>torch.save([x, y], path)</c>.</summary>
    public static void SaveList(IReadOnlyList<Tensor> tensors, string path) =>
        Write(path, Kind.List, tensors.Select((t, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), t)).ToArray());

    /// <summary>Reads a list written by <see cref="SaveList"/>, in its order; the tensors are on the CPU.</summary>
    public static IReadOnlyList<Tensor> LoadList(string path) => Read(path, Kind.List).Select(e => e.Tensor).ToArray();

    /// <summary><c>torch.save({'x': x, 'y': y}, path)</c>; the keys keep their order.</summary>
    public static void SaveDictionary(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path) =>
        Write(path, Kind.Dictionary, tensors.Select(kv => (kv.Key, kv.Value)).ToArray());

    /// <summary>Reads a dictionary written by <see cref="SaveDictionary"/> or <see cref="SaveState"/>; the tensors are on the CPU.</summary>
    public static Dictionary<string, Tensor> LoadDictionary(string path) =>
        Read(path, Kind.Dictionary).ToDictionary(e => e.Name, e => e.Tensor);

    /// <summary><c>torch.save(net.state_dict(), path)</c>: the module's parameters and persistent buffers by name.</summary>
    public static void SaveState(nn.Module module, string path) => SaveDictionary(module.state_dict(), path);

    /// <summary>
    /// <c>net.load_state_dict(torch.load(path))</c>: copies every saved tensor into the module's parameter or buffer of
    /// the same name, on the module's device. The file must hold exactly the module's names, shapes and dtypes;
    /// anything else is a <see cref="CourseException"/> that names the first entry that does not fit.
    /// </summary>
    public static void LoadState(nn.Module module, string path)
    {
        var saved = LoadDictionary(path);
        try
        {
            var state = module.state_dict();
            var missing = state.Keys.Where(k => !saved.ContainsKey(k)).ToArray();
            var unexpected = saved.Keys.Where(k => !state.ContainsKey(k)).ToArray();
            if (missing.Length > 0 || unexpected.Length > 0)
                throw new CourseException($"'{path}' holds the state of another architecture: "
                    + string.Join("; ", new[]
                    {
                        missing.Length > 0 ? $"the model's {Names(missing)} {(missing.Length == 1 ? "is" : "are")} missing from the file" : null,
                        unexpected.Length > 0 ? $"the file's {Names(unexpected)} {(unexpected.Length == 1 ? "is" : "are")} not in the model" : null,
                    }.OfType<string>())
                    + "; load it into the model it was saved from.");
            foreach (var (name, target) in state)
            {
                var source = saved[name];
                if (!source.shape.SequenceEqual(target.shape))
                    throw new CourseException($"Parameter '{name}' has shape {Shape(source.shape)} in '{path}' but {Shape(target.shape)} in the model; the file was saved from a model of another size.");
                if (source.dtype != target.dtype)
                    throw new CourseException($"Parameter '{name}' is {source.dtype} in '{path}' but {target.dtype} in the model; convert one of them first.");
            }
            using (no_grad())
            {
                foreach (var (name, target) in state) target.copy_(saved[name]);
            }
        }
        finally
        {
            foreach (var tensor in saved.Values) tensor.Dispose();
        }
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToArray();
        string shown = string.Join(", ", list.Take(4).Select(n => $"'{n}'"));
        return list.Length > 4 ? $"{shown} and {list.Length - 4} more" : shown;
    }

    private static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";

    private static void Write(string path, Kind kind, IReadOnlyList<(string Name, Tensor Tensor)> entries) =>
        AtomicFile.Write(path, "the tensor file", stream =>
        {
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(Version);
                writer.Write((byte)kind);
                writer.Write(entries.Count);
                foreach (var (name, tensor) in entries)
                {
                    writer.Write(name);
                    // TorchSharp writes the storage as it lies; a channels-last weight (Course.Core/Kernels) must be
                    // written in the logical order the shape says.
                    using var ordered = tensor.contiguous();
                    ordered.Save(writer);
                }
                writer.Write(EndMarker);
            }
            stream.Position = 0;
            byte[] checksum = SHA256.HashData(stream); // reads to the end, where the checksum goes
            stream.Write(checksum);
        });

    private static List<(string Name, Tensor Tensor)> Read(string path, Kind expected)
    {
        if (!File.Exists(path))
            throw new CourseException($"'{path}' does not exist; save it first.");
        var entries = new List<(string Name, Tensor Tensor)>();
        string at = "the header";
        try
        {
            byte[] bytes = File.ReadAllBytes(path);
            if (bytes.Length >= Magic.Length && !bytes.AsSpan().StartsWith(Magic))
                throw new CourseException($"'{path}' is not a tensor file written by TensorFiles (it does not start with 'CTNS').");
            int length = Math.Max(0, bytes.Length - HashLength);
            using var stream = new MemoryStream(bytes, 0, length, writable: false);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            ReadExactly(reader, Magic.Length);
            byte version = reader.ReadByte();
            if (version != Version)
                throw new CourseException($"'{path}' has format version {version}; this build reads version {Version}.");
            var kind = (Kind)reader.ReadByte();
            if (kind != expected)
                throw new CourseException($"'{path}' holds a {Describe(kind)}, not a {Describe(expected)}; load it with the matching method.");
            int count = reader.ReadInt32();
            if (count < 0) throw new InvalidDataException($"the entry count is {count}");
            for (int i = 0; i < count; i++)
            {
                at = $"entry {i + 1} of {count}";
                string name = reader.ReadString();
                at = name.Length > 0 ? $"'{name}' (entry {i + 1} of {count})" : at;
                if (kind == Kind.Dictionary && entries.Exists(e => e.Name == name))
                    throw new InvalidDataException($"the key '{name}' appears twice");
                entries.Add((name, TensorExtensionMethods.Load(reader)));
            }
            at = "the end marker";
            if (!ReadExactly(reader, EndMarker.Length).AsSpan().SequenceEqual(EndMarker) || stream.Position != stream.Length)
                throw new InvalidDataException("the end marker is not where it should be");
            if (!SHA256.HashData(bytes.AsSpan(0, length)).AsSpan().SequenceEqual(bytes.AsSpan(length)))
                throw new CourseException($"'{path}' is damaged: its contents do not match the checksum written with them; save it again.");
            return entries;
        }
        catch (Exception e) when (e is not CourseException)
        {
            foreach (var (_, tensor) in entries) tensor.Dispose();
            string what = e is EndOfStreamException ? "is truncated" : "is damaged";
            throw new CourseException($"'{path}' {what}: reading stopped at {at} ({Errors.FirstLine(e.Message)}); save it again.", e);
        }
        catch
        {
            foreach (var (_, tensor) in entries) tensor.Dispose();
            throw;
        }
    }

    private static byte[] ReadExactly(BinaryReader reader, int count)
    {
        byte[] bytes = reader.ReadBytes(count);
        return bytes.Length == count ? bytes : throw new EndOfStreamException($"{count} bytes were expected, {bytes.Length} were there");
    }

    private static string Describe(Kind kind) => kind switch
    {
        Kind.Tensor => "single tensor",
        Kind.List => "list of tensors",
        Kind.Dictionary => "dictionary of tensors",
        _ => $"kind {(byte)kind}",
    };
}
