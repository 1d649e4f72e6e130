namespace Course.Tests.CommandLine;

/// <summary>The command line run in the test's own process, with its output and error captured.</summary>
internal static class InProcess
{
    /// <summary>Runs <c>course</c> with <paramref name="args"/>; returns the exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Course.Chapters.Infrastructure.CommandLine.Invoke(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
