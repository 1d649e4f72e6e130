using System.Reflection;
using Course.Core.Runtime;

namespace Course.Chapters.Infrastructure;

/// <summary>A runnable section: what its attribute says, its settings (none for an <see cref="ISection"/>), and how to run it.</summary>
public sealed class SectionEntry
{
    private readonly Type _type;
    private readonly Type? _settingsType;

    internal SectionEntry(Type type)
    {
        _type = type;
        Info = type.GetCustomAttribute<SectionAttribute>() ?? throw new InvalidOperationException($"{type.Name} lacks [Section].");
        _settingsType = type.GetInterfaces().SingleOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISection<>))?.GetGenericArguments()[0];
        if (_settingsType is null && !typeof(ISection).IsAssignableFrom(type))
            throw new InvalidOperationException($"{type.Name} is neither an ISection nor an ISection<TSettings>.");
        Settings = _settingsType is null ? null : SectionSettings.Of(_settingsType);
    }

    /// <summary>Id, number, title, data set and threads.</summary>
    public SectionAttribute Info { get; }

    /// <summary>The section's settings, or null for a section that takes none.</summary>
    public SectionSettings? Settings { get; }

    /// <summary>Whether the section trains: it takes <c>--checkpoint</c> and <c>--weights</c>.</summary>
    public bool Trains => Settings?.Trains ?? false;

    /// <summary>The option names the section takes beyond those of every run: its settings', then <c>checkpoint</c> and <c>weights</c> if it trains.</summary>
    public IEnumerable<string> OptionNames =>
        (Settings?.All.Select(s => s.Name) ?? []).Concat(Trains ? ["checkpoint", "weights"] : []);

    /// <summary>The settings bound from <paramref name="given"/> (the book's values otherwise), or null for a section without settings.</summary>
    public object? Bind(IReadOnlyDictionary<string, string> given) => Settings?.Bind(given);

    /// <summary>Runs a new instance of the section with <paramref name="settings"/> (from <see cref="Bind"/>).</summary>
    public void Run(RunContext ctx, object? settings)
    {
        object section = Activator.CreateInstance(_type)!;
        if (section is ISection plain) plain.Run(ctx);
        else typeof(ISection<>).MakeGenericType(_settingsType!).GetMethod("Run")!.Invoke(section, BindingFlags.DoNotWrapExceptions, null, [ctx, settings], null);
    }
}

/// <summary>Every section in this assembly, in book order, found by its id or number.</summary>
public static class SectionCatalog
{
    private static readonly Lazy<SectionEntry[]> Sections = new(Discover);

    /// <summary>All sections in book order.</summary>
    public static IReadOnlyList<SectionEntry> All => Sections.Value;

    /// <summary>The section with this id (<c>softmax-concise</c>) or number (<c>3.7</c>).</summary>
    public static SectionEntry Find(string idOrNumber) =>
        Sections.Value.FirstOrDefault(s => string.Equals(s.Info.Id, idOrNumber, StringComparison.OrdinalIgnoreCase) || s.Info.Number == idOrNumber)
        ?? throw new CourseException($"There is no section '{idOrNumber}'; `course list` shows the ids and numbers there are.");

    private static SectionEntry[] Discover() =>
        typeof(SectionCatalog).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetCustomAttribute<SectionAttribute>() is not null)
            .Select(t => new SectionEntry(t))
            .OrderBy(s => Version.Parse(s.Info.Number))
            .ThenBy(s => s.Info.Id, StringComparer.Ordinal)
            .ToArray();
}
