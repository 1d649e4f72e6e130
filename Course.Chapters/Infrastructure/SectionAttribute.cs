using Course.Core.Runtime;

namespace Course.Chapters.Infrastructure;

/// <summary>Marks a runnable section: its id (<c>lenet</c>), the book's number (<c>6.6</c>), title, data set and options.</summary>
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

    /// <summary>
    /// The options of <c>run</c> the section reads (<see cref="OptionSets"/> names the common sets); <c>run</c> refuses
    /// the others, and reading one throws.
    /// </summary>
    public SectionOptions Options { get; init; } = SectionOptions.None;

    /// <summary>
    /// Whether the section trains a convolutional network (6.6, chapter 7), whose large operations gain from libtorch's
    /// intra-op threads: without <c>--threads</c> it gets one per core. Every other section gets one thread, as its
    /// operations are too small to share: on 2 cores, 2 threads run softmax regression, the MLP, the RNN and seq2seq
    /// 10–60% slower than 1, and LeNet and BN-LeNet 12–26% faster (scripts/speed-vs-pytorch.sh, README "Speed").
    /// </summary>
    public bool Convolutional { get; init; }

    /// <summary>The intra-op threads a run of this section gets without <c>--threads</c>.</summary>
    public int DefaultThreads => Convolutional ? Environment.ProcessorCount : 1;
}
