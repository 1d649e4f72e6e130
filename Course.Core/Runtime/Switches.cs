namespace Course.Core.Runtime;

/// <summary>Environment switches such as <c>COURSE_OFFLINE</c> and <c>COURSE_VERBOSE</c>.</summary>
public static class Switches
{
    /// <summary>Whether a switch's value turns it on: 1, true, yes or on, in any case.</summary>
    public static bool IsOn(string? value) => value?.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";
}
