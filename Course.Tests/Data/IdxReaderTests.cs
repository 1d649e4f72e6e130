using System.Buffers.Binary;
using Course.Core.Data;
using Course.Core.Runtime;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Tests.Data;

public sealed class IdxReaderTests
{
    /// <summary>An IDX stream: magic, big-endian dimensions, data, then <paramref name="extra"/> trailing bytes.</summary>
    private static MemoryStream Idx(int magic, int[] shape, byte[] data, int extra = 0)
    {
        var stream = new MemoryStream();
        Span<byte> word = stackalloc byte[4];
        foreach (int value in shape.Prepend(magic))
        {
            BinaryPrimitives.WriteInt32BigEndian(word, value);
            stream.Write(word);
        }
        stream.Write(data);
        stream.Write(new byte[extra]);
        stream.Position = 0;
        return stream;
    }

    [Test]
    public void ReadsImagesAndLabels()
    {
        using var images = IdxReader.Read(Idx(IdxReader.ImagesMagic, [2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), IdxReader.ImagesMagic, "images");
        Assert.That(images.shape, Is.EqualTo(new long[] { 2, 2, 3 }));
        Assert.That(images.dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(images.data<byte>().ToArray(), Is.EqualTo(Enumerable.Range(1, 12).Select(i => (byte)i)));
        using var labels = IdxReader.Read(Idx(IdxReader.LabelsMagic, [3], [9, 0, 3]), IdxReader.LabelsMagic, "labels");
        Assert.That(labels.shape, Is.EqualTo(new long[] { 3 }));
        Assert.That(labels.data<byte>().ToArray(), Is.EqualTo(new byte[] { 9, 0, 3 }));
    }

    [Test]
    public void WrongMagicIsRejected() =>
        Assert.That(() => IdxReader.Read(Idx(IdxReader.LabelsMagic, [3], [1, 2, 3]), IdxReader.ImagesMagic, "x"),
            Throws.TypeOf<CourseException>().With.Message.Contains("magic number 2049 where 2051"));

    [Test]
    public void TruncatedDataIsRejected() =>
        Assert.That(() => IdxReader.Read(Idx(IdxReader.LabelsMagic, [5], [1, 2, 3]), IdxReader.LabelsMagic, "x"),
            Throws.TypeOf<CourseException>().With.Message.Contains("truncated"));

    [Test]
    public void TrailingBytesAreRejected() =>
        Assert.That(() => IdxReader.Read(Idx(IdxReader.LabelsMagic, [3], [1, 2, 3], extra: 2), IdxReader.LabelsMagic, "x"),
            Throws.TypeOf<CourseException>().With.Message.Contains("bytes after"));
}
