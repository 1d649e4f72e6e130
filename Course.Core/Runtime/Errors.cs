namespace Course.Core.Runtime;

/// <summary>Turning exceptions into the one sentence a user sees.</summary>
public static class Errors
{
    /// <summary>The first line of <paramref name="message"/>: libtorch appends a C++ backtrace to its messages.</summary>
    public static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
