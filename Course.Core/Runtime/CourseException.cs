namespace Course.Core.Runtime;

/// <summary>
/// A failure the user can act on: bad input, missing or corrupt data, a diverging run or an absent device.
/// The command line prints its message as one sentence and exits non-zero, without a stack trace.
/// </summary>
public sealed class CourseException : Exception
{
    /// <summary>Creates the error with a message that says what was expected, what was found and what to do.</summary>
    public CourseException(string message, Exception? inner = null) : base(message, inner) { }
}
