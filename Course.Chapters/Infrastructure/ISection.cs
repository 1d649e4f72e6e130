using Course.Core.Runtime;

namespace Course.Chapters.Infrastructure;

/// <summary>A runnable section of the book: it reads its hyperparameters from the context, runs, prints and records metrics.</summary>
public interface ISection
{
    /// <summary>Runs the section.</summary>
    void Run(RunContext ctx);
}
