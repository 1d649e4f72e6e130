using System.Text;

namespace Course.Core.Events;

/// <summary>
/// The section's console (<c>ctx.Out</c>): what it writes is cut into lines, and each whole line is emitted as a
/// <see cref="LinePrinted"/> event, which the console sink prints.
/// </summary>
public sealed class LineWriter(RunEvents events) : TextWriter
{
    private readonly StringBuilder _line = new();

    /// <inheritdoc />
    public override Encoding Encoding => Encoding.UTF8;

    /// <inheritdoc />
    public override void Write(char value)
    {
        if (value == '\n')
        {
            if (_line.Length > 0 && _line[^1] == '\r') _line.Length--;
            string text = _line.ToString();
            _line.Clear();
            events.Emit(new LinePrinted(text));
        }
        else _line.Append(value);
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        foreach (char c in value ?? "") Write(c);
    }

    /// <inheritdoc />
    public override void WriteLine(string? value)
    {
        _line.Append(value);
        Write('\n');
    }

    /// <summary>Emits what is left of an unfinished line.</summary>
    public override void Flush()
    {
        if (_line.Length > 0) Write('\n');
    }
}
