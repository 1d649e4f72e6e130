using Course.Core.Data;
using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.LessonQuiz;

// The lesson quiz answers of seed 000 (a PyTorch course's 思考题答案集锦), lesson by lesson; the index is
// Course.Exercises.Tests/README.md, section 000.

/// <summary>Lessons 21–24: TF-IDF, word-vector length, sentiment prediction, BERT's 512 positions.</summary>
public sealed class QuizTextTests
{
    /// <summary>TF-IDF with tf = count / length and idf = ln(N / df), one dictionary per document.</summary>
    private static List<Dictionary<string, double>> TfIdf(IReadOnlyList<string[]> documents, int minCount = 1)
    {
        var df = documents.SelectMany(d => d.Distinct()).CountBy(w => w).ToDictionary();
        return [.. documents.Select(d => d.CountBy(w => w).Where(c => c.Value >= minCount)
            .ToDictionary(c => c.Key, c => (double)c.Value / d.Length * Math.Log((double)documents.Count / df[c.Key])))];
    }

    /// <summary>
    /// Lesson 21: TF-IDF rates a word by its rarity, not its meaning. In a finance corpus, the figure of speech
    /// "rocket" outranks "stock" and "price", the subject of the document, and "stock", in every document, scores 0.
    /// The notes' remedy, a minimum term count, lets "price" lead.
    /// </summary>
    [Test]
    public void TfIdfOverratesRareWords()
    {
        string[][] corpus =
        [
            ["stock", "price", "rocket", "stock", "price"],
            ["stock", "price", "fell"],
            ["stock", "market", "price"],
            ["stock", "bank", "rate"],
        ];
        var weights = TfIdf(corpus);
        var first = weights[0];
        Assert.That(first.MaxBy(p => p.Value).Key, Is.EqualTo("rocket"));
        Assert.That(first["rocket"], Is.EqualTo(0.2 * Math.Log(4)).Within(1e-12));
        Assert.That(first["price"], Is.EqualTo(0.4 * Math.Log(4.0 / 3)).Within(1e-12));
        Assert.That(first["stock"], Is.EqualTo(0), "a word in every document weighs nothing");
        Assert.That(TfIdf(corpus, minCount: 2)[0].MaxBy(p => p.Value).Key, Is.EqualTo("price"));
    }

    /// <summary>The rule of thumb n &gt; 8.33 ln N for the word-vector length n of a vocabulary of N words.</summary>
    private static double MinimumDimension(double vocabularySize) => 8.33 * Math.Log(vocabularySize);

    /// <summary>
    /// Lesson 22: longer is not always better; the rule n &gt; 8.33 ln N (natural log) asks for 96 dimensions for
    /// 100,000 words — 64 is too short, 128 enough — and grows by only 8.33 ln 2 ≈ 5.8 per doubling of the vocabulary,
    /// while the embedding's parameters grow linearly in n.
    /// </summary>
    [Test]
    public void WordVectorLengthRule()
    {
        Assert.That(MinimumDimension(100_000), Is.EqualTo(95.9).Within(0.05));
        Assert.That(MinimumDimension(100_000), Is.GreaterThan(64).And.LessThan(128));
        Assert.That(MinimumDimension(5_000_000), Is.GreaterThan(128), "five million words need more than 128");
        Assert.That(MinimumDimension(200_000) - MinimumDimension(100_000), Is.EqualTo(8.33 * Math.Log(2)).Within(1e-9));
        using var small = nn.Embedding(100_000, 128);
        using var large = nn.Embedding(100_000, 256);
        Assert.That(large.weight!.numel(), Is.EqualTo(2 * small.weight!.numel()));
    }

    /// <summary>A small LSTM sentiment classifier that reads padded token ids and their lengths, as the lesson's model does.</summary>
    private sealed class SentimentLstm : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Embedding embedding;
        private readonly LSTM lstm;
        private readonly Linear output;

        public SentimentLstm(int vocabSize) : base("SentimentLstm")
        {
            embedding = nn.Embedding(vocabSize, 16);
            lstm = nn.LSTM(16, 16, batchFirst: true);
            output = nn.Linear(16, 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor ids, Tensor lengths)
        {
            var (outputs, _, _) = lstm.call(embedding.call(ids));
            var last = outputs.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, outputs.shape[2])).squeeze(1);
            return output.call(last);
        }
    }

    private static string[] Tokenize(string text) =>
        text.ToLowerInvariant().Split([' ', '!', '.', ','], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Lesson 23's <c>predict_sentiment</c>: tokens → ids → logits → softmax; the arg-max class and its probability.</summary>
    private static (string Label, double Probability) PredictSentiment(string text, SentimentLstm model, Vocab vocab)
    {
        using var scope = NewDisposeScope();
        model.eval();
        int[] ids = vocab.ToIndices(Tokenize(text));
        using var noGrad = no_grad();
        var prediction = model.call(tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0), tensor(new long[] { ids.Length })).squeeze(0);
        var probability = softmax(prediction, -1);
        long predicted = prediction.argmax(-1).item<long>();
        return (predicted == 0 ? "neg" : "pos", probability[predicted].item<float>());
    }

    /// <summary>
    /// Lesson 23: <c>predict_sentiment</c> on a model trained here on a toy review corpus (the lesson's IMDb model is not
    /// available): "This film is terrible!" comes out 'neg' with the softmax probability of that class.
    /// </summary>
    [Test]
    public void PredictSentimentReturnsTheClassAndItsProbability()
    {
        manual_seed(23);
        string[] negative = ["this film is terrible", "a boring and awful movie", "terrible acting and a dull plot", "i hated this awful film", "the worst movie , boring", "dull , terrible and boring"];
        string[] positive = ["this film is wonderful", "a great and moving movie", "wonderful acting and a clever plot", "i loved this great film", "the best movie , brilliant", "clever , wonderful and great"];
        var reviews = negative.Select(t => (Tokens: Tokenize(t), Label: 0L)).Concat(positive.Select(t => (Tokens: Tokenize(t), Label: 1L))).ToArray();
        var vocab = new Vocab(reviews.SelectMany(r => r.Tokens), reservedTokens: ["<pad>"]);
        int width = reviews.Max(r => r.Tokens.Length);
        long[,] ids = new long[reviews.Length, width];
        for (int i = 0; i < reviews.Length; i++)
        {
            int[] row = vocab.ToIndices(reviews[i].Tokens);
            for (int j = 0; j < width; j++) ids[i, j] = j < row.Length ? row[j] : vocab["<pad>"];
        }
        var model = new SentimentLstm(vocab.Count);
        using (var scope = NewDisposeScope())
        {
            var x = tensor(ids);
            var lengths = tensor(reviews.Select(r => (long)r.Tokens.Length).ToArray());
            var y = tensor(reviews.Select(r => r.Label).ToArray());
            var adam = optim.Adam(model.parameters(), 0.05);
            for (int step = 0; step < 60; step++)
            {
                using var inner = NewDisposeScope();
                adam.zero_grad();
                nn.functional.cross_entropy(model.call(x, lengths), y).backward();
                adam.step();
            }
        }
        var (label, probability) = PredictSentiment("This film is terrible!", model, vocab);
        Assert.That(label, Is.EqualTo("neg"));
        Assert.That(probability, Is.GreaterThan(0.5).And.LessThanOrEqualTo(1.0));
        Assert.That(PredictSentiment("A wonderful, great film.", model, vocab).Label, Is.EqualTo("pos"));
    }

    /// <summary>
    /// Lesson 24 (open): BERT learns 512 position embeddings, so position 512 does not exist; a long text is cut into
    /// overlapping windows of at most 510 tokens (plus [CLS] and [SEP]) whose predictions are pooled, or truncated to
    /// its head and tail.
    /// </summary>
    [Test]
    public void LongTextsGoToBertInWindows()
    {
        using var scope = NewDisposeScope();
        using var positions = nn.Embedding(512, 8);
        Assert.That(positions.call(arange(512)).shape, Is.EqualTo(new long[] { 512, 8 }));
        Assert.That(() => positions.call(arange(513)), Throws.Exception, "no embedding for position 512");

        const int length = 1200, window = 510, stride = 255;
        var starts = new List<int>();
        for (int start = 0; ; start += stride)
        {
            starts.Add(start);
            if (start + window >= length) break;
        }
        var covered = new bool[length];
        foreach (int start in starts)
            for (int i = start; i < Math.Min(start + window, length); i++) covered[i] = true;
        Assert.That(covered, Is.All.True, "every token is in some window");
        Assert.That(starts, Has.Count.EqualTo(4));
        int[] tokens = [.. Enumerable.Range(0, length)];
        int[] headTail = [.. tokens.Take(128), .. tokens.TakeLast(window - 128)];
        Assert.That(headTail, Has.Length.EqualTo(510));
        Assert.That(headTail[^1], Is.EqualTo(length - 1));
    }
}
