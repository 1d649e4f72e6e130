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
    /// Whether the section runs faster on one libtorch thread than on one per core: the GRUs of 9.1 and the
    /// encoder–decoders of 9.7, 9.8, 10.4 and 10.7 (batches of 64, hidden size 32), whose operations are too small to
    /// share. Without <c>--threads</c> such a section gets one thread, and every other section one per core, as PyTorch
    /// does. Measured on 2 cores (scripts/speed-vs-pytorch.sh, README "Against PyTorch"): a second thread runs softmax
    /// regression, the MLP, the CNNs, the RNN from scratch and the LSTMs 8–67% faster, and the GRU from scratch,
    /// seq2seq and Bahdanau attention 14–40% slower.
    /// </summary>
    public bool OneThread { get; init; }

    /// <summary>The intra-op threads a run of this section gets without <c>--threads</c>.</summary>
    public int DefaultThreads => OneThread ? 1 : Environment.ProcessorCount;
}
