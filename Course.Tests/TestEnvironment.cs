using Course.Core.Data;
using Course.Core.Kernels;
using Course.Core.Runtime;
using NUnit.Framework;

namespace Course.Tests;

/// <summary>
/// The run's environment: one intra-op thread for every test (libtorch's spinning threads slow a shared 2-core machine
/// down), and the data sets, found as the app finds them. Tests that need data and cannot have it are ignored, and the
/// run's summary says how many, once.
/// </summary>
[SetUpFixture]
public sealed class TestEnvironment
{
    private static readonly Lazy<(string? Folder, string Reason)> Found = new(FindData);
    private static int _leftOut;

    [OneTimeSetUp]
    public void SetUp()
    {
        NativeHeap.KeepFreedBlocks();
        TorchSetup.SetThreads(1);
        // As every run does: check the convolution kernels and route around wrong ones, so that the tests run on the
        // path users get (Course.Tests/Kernels).
        if (KernelGuard.Ensure(TorchSharp.torch.CPU).Note is { } note) TestContext.Progress.WriteLine(note);
    }

    /// <summary>
    /// Says once, after the last test, how many tests were left out for want of data. It goes to the error stream:
    /// NUnit's adapter shows that one in <c>dotnet test</c>'s summary at every verbosity, and Progress at none.
    /// </summary>
    [OneTimeTearDown]
    public void TearDown()
    {
        if (_leftOut > 0)
            TestContext.Error.WriteLine($"{_leftOut} tests were skipped: no data (set {DataStore.EnvironmentVariable}, or allow downloads into data/ by leaving {DataStore.OfflineVariable} unset). {Found.Value.Reason}.");
    }

    /// <summary>The data sets, verified: see <see cref="DataRoot"/>. Never downloads (that happened, if it could, on first use).</summary>
    public static DataStore Data => new([DataRoot], DataRoot, allowDownload: false);

    /// <summary>
    /// The folder that holds every data set: <c>COURSE_DATA</c> when it is set, else the checkout's <c>data/</c>. On first
    /// use each data set is found there and verified, or downloaded there (<c>course data</c>'s work) unless
    /// <c>COURSE_OFFLINE</c> is on. When that fails, the calling test is ignored and counted. Debian's data folder is not
    /// searched, so that this one folder can stand for all of them (as <c>--data-dir</c> or a child's <c>COURSE_DATA</c>).
    /// </summary>
    public static string DataRoot
    {
        get
        {
            if (Found.Value.Folder is { } folder) return folder;
            Interlocked.Increment(ref _leftOut);
            throw new IgnoreException($"No data: {Found.Value.Reason}");
        }
    }

    private static (string?, string) FindData()
    {
        string folder = Environment.GetEnvironmentVariable(DataStore.EnvironmentVariable) is { Length: > 0 } env
            ? Path.GetFullPath(env)
            : Path.Combine(RepositoryRoot, "data");
        var store = new DataStore([folder], folder, !Switches.IsOn(Environment.GetEnvironmentVariable(DataStore.OfflineVariable)));
        try
        {
            foreach (var file in DataHub.Files) store.Resolve(file);
            foreach (var archive in DataHub.Archives) store.ResolveFolder(archive);
            return (folder, "");
        }
        catch (Exception e) when (e is CourseException or IOException or HttpRequestException or UnauthorizedAccessException)
        {
            return (null, e.Message.TrimEnd('.'));
        }
    }

    /// <summary>The checkout's root folder (the one holding Course.sln), found upwards from the test assembly.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Course.sln"))) return dir.FullName;
            throw new InvalidOperationException($"No Course.sln above {TestContext.CurrentContext.TestDirectory}.");
        }
    }

    /// <summary>A fresh empty folder under the temporary folder.</summary>
    public static string TempFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "course-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Run options for tests: one thread, CPU, outputs in a temporary folder, data from <see cref="DataRoot"/>, and the
    /// given settings where not null.
    /// </summary>
    public static RunOptions Options(int? epochs = null, int? limit = null, int? resize = null, int? batchSize = null, double? lr = null) => new()
    {
        Settings = Settings(("epochs", epochs), ("limit", limit), ("resize", resize), ("batch-size", batchSize), ("lr", lr)),
        Device = "cpu",
        Threads = 1,
        OutDir = TempFolder(),
        DataDir = DataRoot,
    };

    /// <summary>A run of its own for a test that calls the training core directly: silent, its folder never committed.</summary>
    public static RunContext Context(RunOptions? options = null, TorchSharp.torch.Device? device = null) =>
        new(options ?? Options(), "test", TextWriter.Null, Data, device);

    /// <summary>Settings as the command line gives them, by option name, leaving out the null ones.</summary>
    public static Dictionary<string, string> Settings(params (string Name, object? Value)[] values) =>
        values.Where(v => v.Value is not null)
            .ToDictionary(v => v.Name, v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture)!);
}
