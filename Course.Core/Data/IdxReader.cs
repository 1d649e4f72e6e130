using System.Buffers.Binary;
using System.IO.Compression;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Core.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST: a magic number, big-endian dimensions, then unsigned bytes, which are
/// read straight into the memory of a uint8 tensor (no managed copy of the data).
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of a label file (one dimension of unsigned bytes).</summary>
    public const int LabelsMagic = 0x0801;

    /// <summary>Magic number of an image file (three dimensions of unsigned bytes).</summary>
    public const int ImagesMagic = 0x0803;

    /// <summary>Reads an IDX file, gzip-compressed or not, and checks its magic number and length.</summary>
    public static Tensor Read(string path, int expectedMagic)
    {
        try
        {
            using var file = File.OpenRead(path);
            bool gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
            file.Position = 0;
            using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            return Read(stream, expectedMagic, path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new CourseException($"'{path}' is not a readable IDX file ({e.Message}); delete it and run `course data` again.", e);
        }
    }

    /// <summary>Reads IDX data from a stream into a uint8 tensor of the declared shape; <paramref name="name"/> names it in errors.</summary>
    public static Tensor Read(Stream stream, int expectedMagic, string name)
    {
        Span<byte> word = stackalloc byte[4];
        ReadExactly(stream, word, name, "header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (magic != expectedMagic)
            throw new CourseException($"'{name}' has IDX magic number {magic} where {expectedMagic} was expected; it is not the file it should be.");

        long[] shape = new long[magic & 0xff];
        long length = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            ReadExactly(stream, word, name, "header");
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (shape[i] <= 0) throw new CourseException($"'{name}' declares dimension {i} of size {shape[i]}.");
            length *= shape[i];
        }
        if (length > int.MaxValue) throw new CourseException($"'{name}' declares {length:N0} bytes, more than one read can hold.");

        var data = empty(shape, uint8);
        try
        {
            ReadExactly(stream, data.bytes, name, $"{length:N0} data bytes");
            if (stream.ReadByte() != -1) throw new CourseException($"'{name}' has bytes after the {length:N0} its header declares.");
            return data;
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string name, string what)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new CourseException($"'{name}' is truncated: it ends before its {what}; delete it and run `course data` again.", e);
        }
    }
}
