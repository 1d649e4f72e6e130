namespace Course.Chapters.Infrastructure;

/// <summary>A command line that is malformed for what it asks; <see cref="CommandLine.Invoke"/> prints its message and exits with 2.</summary>
public sealed class UsageException(string message) : Exception(message);
