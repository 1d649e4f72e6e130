using Course.Core.Data;
using Course.Core.Runtime;
using NUnit.Framework;

namespace Course.Tests;

/// <summary>One intra-op thread for every test (libtorch's spinning threads slow a shared 2-core machine down).</summary>
[SetUpFixture]
public sealed class TestEnvironment
{
    [OneTimeSetUp]
    public void SetUp() => TorchSetup.SetThreads(1);

    /// <summary>The shared data copies: COURSE_DATA, else ../shared/data beside the checkout. Never downloads.</summary>
    public static DataStore Data
    {
        get
        {
            string root = DataRoot ?? throw new IgnoreException("No data folder: set COURSE_DATA to the shared data copies.");
            return new DataStore([root], Path.Combine(Path.GetTempPath(), "course-tests-downloads"), allowDownload: false);
        }
    }

    /// <summary>The folder of the shared data copies, or null.</summary>
    public static string? DataRoot
    {
        get
        {
            if (Environment.GetEnvironmentVariable(DataStore.EnvironmentVariable) is { Length: > 0 } env) return env;
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "..", "shared", "data");
                if (File.Exists(Path.Combine(dir.FullName, "Course.sln")) && Directory.Exists(candidate)) return Path.GetFullPath(candidate);
            }
            return null;
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

    /// <summary>Run options for tests: one thread, CPU, outputs in a temporary folder, data from the shared copies.</summary>
    public static RunOptions Options(int? epochs = null, int? limit = null) => new()
    {
        Epochs = epochs,
        Limit = limit,
        Device = "cpu",
        Threads = 1,
        OutDir = TempFolder(),
        DataDir = DataRoot,
    };
}
