using System.Reflection;
using Course.Core.Runtime;

namespace Course.Chapters.Infrastructure;

/// <summary>Every <see cref="ISection"/> in this assembly, in book order, found by its id or number.</summary>
public static class SectionCatalog
{
    private static readonly Lazy<(SectionAttribute Info, Type Type)[]> Sections = new(Discover);

    /// <summary>All sections in book order.</summary>
    public static IReadOnlyList<SectionAttribute> All => Sections.Value.Select(s => s.Info).ToArray();

    /// <summary>The section with this id (<c>softmax-concise</c>) or number (<c>3.7</c>).</summary>
    public static (SectionAttribute Info, ISection Section) Find(string idOrNumber)
    {
        foreach (var (info, type) in Sections.Value)
        {
            if (string.Equals(info.Id, idOrNumber, StringComparison.OrdinalIgnoreCase) || info.Number == idOrNumber)
                return (info, (ISection)Activator.CreateInstance(type)!);
        }
        throw new CourseException($"There is no section '{idOrNumber}'; `course list` shows the ids and numbers there are.");
    }

    private static (SectionAttribute, Type)[] Discover() =>
        typeof(SectionCatalog).Assembly.GetTypes()
            .Where(t => typeof(ISection).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (t.GetCustomAttribute<SectionAttribute>() ?? throw new InvalidOperationException($"{t.Name} lacks [Section]."), t))
            .OrderBy(s => Version.Parse(s.Item1.Number))
            .ThenBy(s => s.Item1.Id, StringComparer.Ordinal)
            .ToArray();
}
