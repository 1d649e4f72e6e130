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

    /// <summary>
    /// Whether a second libtorch thread speeds the section's training up in every measured run, so that without
    /// <c>--threads</c> it gets one per core: the Fashion-MNIST MLPs (4.2, 4.3, 4.6), the convolutional networks (6.6,
    /// chapter 7, and 11.11, whose LeNet has 6.6's sizes with ReLU and max pooling) and the LSTM sections (9.2–9.4),
    /// whose matrix products and convolutions are large enough to share; 9.2 trains its LSTM from scratch, then the concise one, and both get the section's threads. Every other section gets
    /// one thread. Measured on 2 cores, six alternating runs (scripts/speed-vs-pytorch.sh, docs/performance.md "Against
    /// PyTorch"): a second thread runs the MLP 25%, the CNNs 30–64% and the concise LSTM 37% faster
    /// every time; it leaves softmax regression, the RNNs, the concise GRU, the LSTM from scratch and the Transformer
    /// within ±8%, where a busy core turns a small gain into a loss; and it slows the GRU from scratch and seq2seq by 15%.
    /// </summary>
    public bool PerCoreThreads { get; init; }

    /// <summary>The intra-op threads a run of this section gets without <c>--threads</c>.</summary>
    public int DefaultThreads => PerCoreThreads ? Environment.ProcessorCount : 1;
}
