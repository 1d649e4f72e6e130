using Course.Core.Runtime;

namespace Course.Chapters.Infrastructure;

/// <summary>A runnable section of the book that takes no settings: it runs, prints and records metrics.</summary>
public interface ISection
{
    /// <summary>Runs the section.</summary>
    void Run(RunContext ctx);
}

/// <summary>
/// A runnable section with settings: its hyperparameters, the book's values as defaults, in a record declared at the
/// top of its file (<c>public sealed record Settings(int Epochs = 10, double Lr = 0.9)</c>). The command line binds
/// its options to the record by name (<see cref="SectionSettings"/>).
/// </summary>
/// <typeparam name="TSettings">The section's settings record.</typeparam>
public interface ISection<in TSettings> where TSettings : class
{
    /// <summary>Runs the section with <paramref name="settings"/>.</summary>
    void Run(RunContext ctx, TSettings settings);
}
