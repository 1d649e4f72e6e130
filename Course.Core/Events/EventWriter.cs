using System.Text.Encodings.Web;
using System.Text.Json;

namespace Course.Core.Events;

/// <summary>
/// <c>--events FILE|-</c>: each event as one JSON line, <c>{"v":1,"time":…,"type":…,…}</c>, flushed as it is written so
/// that a tool can follow a run live. <see cref="Version"/> changes only when a field changes meaning or goes;
/// docs/events.md describes the format.
/// </summary>
public sealed class EventWriter : IDisposable
{
    /// <summary>The format's version, the <c>v</c> of every line.</summary>
    public const int Version = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly TextWriter _writer;
    private readonly bool _owned;

    /// <summary>A log on <paramref name="writer"/> (standard output for <c>-</c>), left open when done.</summary>
    public EventWriter(TextWriter writer) => _writer = writer;

    /// <summary>A log in the file <paramref name="path"/>, created or replaced, in UTF-8.</summary>
    public EventWriter(string path)
    {
        _writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
        _owned = true;
    }

    /// <summary>The JSON line of <paramref name="e"/>.</summary>
    public static string Line(RunEvent e) => $"{{\"v\":{Version},{JsonSerializer.Serialize(e, Json)[1..]}";

    /// <summary>Writes <paramref name="e"/> as one line and flushes it.</summary>
    public void Write(RunEvent e)
    {
        _writer.WriteLine(Line(e));
        _writer.Flush();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_owned) _writer.Dispose();
    }
}
