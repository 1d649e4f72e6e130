using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Course.Core.Data;
using Course.Core.Runtime;
using NUnit.Framework;

namespace Course.Tests.Data;

public sealed class DataStoreTests
{
    private static string SharedCopy(RemoteFile file) =>
        TestEnvironment.Data.Locate(file) ?? throw new IgnoreException($"{file.RelativePath} is not in the data folder.");

    [Test]
    public void SharedCopiesPassTheirChecksums()
    {
        var store = TestEnvironment.Data;
        foreach (var file in DataHub.Files)
            Assert.That(store.Resolve(file), Does.EndWith(file.RelativePath));
        Assert.That(File.Exists(Path.Combine(store.ResolveFolder(DataHub.FraEng), "fra.txt")));
    }

    [Test]
    public void DebiansFolderIsSearchedLastAndOnLinuxOnly()
    {
        var roots = new DataStore("some-data").Roots;
        string debian = Path.GetFullPath(DataStore.DebianDatasets);
        if (OperatingSystem.IsLinux()) Assert.That(roots[^1], Is.EqualTo(debian));
        else Assert.That(roots, Has.No.Member(debian));
    }

    [Test]
    public void RootsAreSearchedInOrder()
    {
        string first = TestEnvironment.TempFolder();
        string copy = Path.Combine(first, DataHub.TimeMachine.RelativePath);
        File.Copy(SharedCopy(DataHub.TimeMachine), copy);
        var store = new DataStore([first, TestEnvironment.DataRoot], first, allowDownload: false);
        Assert.That(store.Resolve(DataHub.TimeMachine), Is.EqualTo(copy));
    }

    [Test]
    public void ACorruptCopyIsRejected()
    {
        string root = TestEnvironment.TempFolder();
        byte[] bytes = File.ReadAllBytes(SharedCopy(DataHub.TimeMachine));
        bytes[1000] ^= 0xff;
        File.WriteAllBytes(Path.Combine(root, DataHub.TimeMachine.RelativePath), bytes);
        var store = new DataStore([root], root, allowDownload: false);
        Assert.That(() => store.Resolve(DataHub.TimeMachine), Throws.TypeOf<CourseException>().With.Message.Contains("is corrupt: expected SHA-1"));
    }

    [Test]
    public void ATruncatedCopyIsRejected()
    {
        string root = TestEnvironment.TempFolder();
        byte[] bytes = File.ReadAllBytes(SharedCopy(DataHub.KaggleHouseTest));
        File.WriteAllBytes(Path.Combine(root, DataHub.KaggleHouseTest.RelativePath), bytes[..^100]);
        var store = new DataStore([root], root, allowDownload: false);
        Assert.That(() => store.Resolve(DataHub.KaggleHouseTest), Throws.TypeOf<CourseException>().With.Message.Contains("truncated"));
    }

    [Test]
    public void ATruncatedGzipIsRejected()
    {
        string root = TestEnvironment.TempFolder();
        Directory.CreateDirectory(Path.Combine(root, "fashion-mnist"));
        byte[] bytes = File.ReadAllBytes(SharedCopy(DataHub.FashionMnistTestLabels));
        File.WriteAllBytes(Path.Combine(root, DataHub.FashionMnistTestLabels.RelativePath), bytes[..(bytes.Length / 2)]);
        var store = new DataStore([root], root, allowDownload: false);
        Assert.That(() => store.Resolve(DataHub.FashionMnistTestLabels), Throws.TypeOf<CourseException>().With.Message.Contains("truncated"));
    }

    [Test]
    public void ARecompressedGzipIsAcceptedByItsContent()
    {
        string root = TestEnvironment.TempFolder();
        Directory.CreateDirectory(Path.Combine(root, "fashion-mnist"));
        using (var source = new GZipStream(File.OpenRead(SharedCopy(DataHub.FashionMnistTestLabels)), CompressionMode.Decompress))
        using (var target = new GZipStream(File.Create(Path.Combine(root, DataHub.FashionMnistTestLabels.RelativePath)), CompressionLevel.Fastest))
            source.CopyTo(target);
        var store = new DataStore([root], root, allowDownload: false);
        Assert.That(store.Resolve(DataHub.FashionMnistTestLabels), Does.StartWith(root));
    }

    [Test]
    public void AMissingFileSaysWhereItLookedAndWhatToDo()
    {
        string root = TestEnvironment.TempFolder();
        var store = new DataStore([root], root, allowDownload: false);
        var e = Assert.Throws<CourseException>(() => store.Resolve(DataHub.FashionMnistTrainImages))!;
        Assert.That(e.Message, Does.Contain(root).And.Contain("COURSE_DATA").And.Contain("course data"));
    }

    [Test]
    public void DownloadsVerifyAndMoveIntoPlace()
    {
        byte[] content = "a small data set\n"u8.ToArray();
        using var server = new TinyServer(content);
        string root = TestEnvironment.TempFolder();
        var file = new RemoteFile("tiny", "sub/tiny.txt", server.Url, Convert.ToHexStringLower(SHA1.HashData(content)), content.Length);
        string path = new DataStore([root], root, allowDownload: true).Resolve(file);
        Assert.That(path, Is.EqualTo(Path.Combine(root, "sub", "tiny.txt")));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(content));
    }

    [Test]
    public void ADownloadWithTheWrongChecksumLeavesNothing()
    {
        using var server = new TinyServer("tampered\n"u8.ToArray());
        string root = TestEnvironment.TempFolder();
        var file = new RemoteFile("tiny", "tiny.txt", server.Url, new string('0', 40), 9);
        Assert.That(() => new DataStore([root], root, allowDownload: true).Resolve(file),
            Throws.TypeOf<CourseException>().With.Message.Contains("corrupt"));
        Assert.That(Directory.GetFiles(root), Is.Empty);
    }

    /// <summary>Serves one response on a loopback port.</summary>
    private sealed class TinyServer : IDisposable
    {
        private readonly HttpListener _listener = new();

        public TinyServer(byte[] content)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/tiny.txt";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _ = Task.Run(async () =>
            {
                var context = await _listener.GetContextAsync();
                context.Response.ContentLength64 = content.Length;
                await context.Response.OutputStream.WriteAsync(content);
                context.Response.Close();
            });
        }

        public string Url { get; }

        public void Dispose() => _listener.Close();
    }
}
