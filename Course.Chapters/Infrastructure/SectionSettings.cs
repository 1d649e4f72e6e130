using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Course.Chapters.Infrastructure;

/// <summary>
/// One setting of a section: a parameter of its settings record, the option <c>--&lt;name&gt;</c> that sets it, and
/// the book's value, its default. Whole numbers and numbers must be positive, unless a <see cref="RangeAttribute"/>
/// on the parameter says otherwise; a nullable one is unset (null) by default.
/// </summary>
public sealed record Setting(ParameterInfo Parameter)
{
    /// <summary>The option's name without dashes: <c>BatchSize</c> → <c>batch-size</c>.</summary>
    public string Name { get; } = Words(Parameter.Name!, '-');

    /// <summary>The name in <c>metrics.json</c> and events: <c>batch_size</c>.</summary>
    public string Key { get; } = Words(Parameter.Name!, '_');

    /// <summary>The value's type, nullable or not: <c>int</c> or <c>double</c>.</summary>
    public Type Type => Nullable.GetUnderlyingType(Parameter.ParameterType) ?? Parameter.ParameterType;

    /// <summary>The book's value, or null where the book has none (e.g. <c>--limit</c>).</summary>
    public object? Default => Parameter.DefaultValue;

    /// <summary>Parses and checks <paramref name="text"/> as the command line gives it; a bad value is one sentence (exit 2).</summary>
    public object Parse(string text)
    {
        object? value = Type == typeof(int) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int whole) ? whole
            : Type == typeof(double) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number) ? number
            : null;
        var range = Parameter.GetCustomAttribute<RangeAttribute>();
        bool valid = value is not null && (range?.IsValid(value) ?? Convert.ToDouble(value, CultureInfo.InvariantCulture) > 0);
        if (valid) return value!;
        string expected = range is not null
            ? $"a number from {range.Minimum} to {range.Maximum}{(range.MaximumIsExclusive ? " (not included)" : "")}"
            : Type == typeof(int) ? "a positive whole number" : "a positive number";
        throw new UsageException($"--{Name} must be {expected}, not '{text}'.");
    }

    /// <summary><c>batch-size=256</c>, or <c>limit</c> without a default.</summary>
    public override string ToString() => Default is null ? Name : string.Create(CultureInfo.InvariantCulture, $"{Name}={Default}");

    private static string Words(string pascal, char separator)
    {
        var name = new StringBuilder();
        foreach (char c in pascal)
        {
            if (char.IsUpper(c) && name.Length > 0) name.Append(separator);
            name.Append(char.ToLowerInvariant(c));
        }
        return name.ToString();
    }
}

/// <summary>
/// A section's settings record, read by reflection once: its settings in the order declared, how to bind the
/// command line's values to a new record, and the record's values by name for <c>metrics.json</c>.
/// </summary>
public sealed class SectionSettings
{
    private readonly ConstructorInfo _constructor;

    private SectionSettings(Type type)
    {
        _constructor = type.GetConstructors().MaxBy(c => c.GetParameters().Length)
            ?? throw new InvalidOperationException($"{type.Name} has no public constructor.");
        All = _constructor.GetParameters().Select(p => new Setting(p)).ToArray();
    }

    /// <summary>The settings of <paramref name="type"/>, a record whose constructor takes them all with the book's values as defaults.</summary>
    public static SectionSettings Of(Type type) => new(type);

    /// <summary>The settings in the order the record declares them.</summary>
    public IReadOnlyList<Setting> All { get; }

    /// <summary>Whether the section trains (it has <c>Epochs</c>), and so takes <c>--checkpoint</c> and <c>--weights</c>.</summary>
    public bool Trains => All.Any(s => s.Name == "epochs");

    /// <summary>A record with the book's values, but for those <paramref name="given"/> by option name.</summary>
    public object Bind(IReadOnlyDictionary<string, string> given) =>
        _constructor.Invoke(All.Select(s => given.TryGetValue(s.Name, out var text) ? s.Parse(text) : s.Default).ToArray());

    /// <summary>The values of <paramref name="settings"/> by key (<c>batch_size</c>), the unset ones left out.</summary>
    public IReadOnlyDictionary<string, object> Values(object settings) =>
        All.Select(s => (s.Key, Value: settings.GetType().GetProperty(s.Parameter.Name!)!.GetValue(settings)))
            .Where(s => s.Value is not null)
            .ToDictionary(s => s.Key, s => s.Value!);
}
