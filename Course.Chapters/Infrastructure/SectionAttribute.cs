namespace Course.Chapters.Infrastructure;

/// <summary>Marks a runnable section: its id (<c>lenet</c>), the book's number (<c>6.6</c>), title and data set.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SectionAttribute(string id, string number, string title) : Attribute
{
    /// <summary>The id used on the command line.</summary>
    public string Id { get; } = id;

    /// <summary>The book's section number.</summary>
    public string Number { get; } = number;

    /// <summary>The section's title.</summary>
    public string Title { get; } = title;

    /// <summary>The data set the section uses, or "–".</summary>
    public string Dataset { get; init; } = "–";
}
