using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Core.Data;
using Course.Tests;
using NUnit.Framework;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Course.Exercises.Tests.ChapterNotes;

/// <summary>The Q&amp;A of the text preprocessing and RNN lectures (d2l 8.2, 8.4, 8.5).</summary>
public sealed class NotesChapter8Tests
{
    [Test]
    public void TokenIdsAreNamesNotMagnitudes()
    {
        var vocab = new Vocab("the time machine by h g wells the time".Split(' '));
        var ids = tensor(vocab.ToIndices(["the", "wells", "g"]).Select(i => (long)i).ToArray());
        var oneHot = F.one_hot(ids, vocab.Count).to(float32);
        Assert.That(NotesCheck.Floats(oneHot.sum(dim: 1)), Is.All.EqualTo(1f), "every token is a unit vector, whatever its id");
        Assert.That(NotesCheck.Floats(oneHot.mm(oneHot.T)), Is.EqualTo(new[] { 1f, 0, 0, 0, 1, 0, 0, 0, 1 }), "and no two are closer than others");
    }

    [Test]
    public void NumStepsIsTheLengthOfEachSubsequence()
    {
        int[] corpus = Enumerable.Range(0, 100).ToArray();
        var (X, Y) = new SeqDataLoader(corpus, batchSize: 2, numSteps: 5, useRandomIter: false).First();
        Assert.That(X.shape, Is.EqualTo(new long[] { 2, 5 }), "(batch_size, num_steps)");
        Assert.That(Y.equal(X + 1).all().item<bool>(), "each step predicts the next token");
    }

    [Test]
    public void ThereIsOneClassificationPerExamplePerStep()
    {
        manual_seed(1);
        var net = new RnnScratchModel(28, 16);
        var X = randint(0, 28, [2, 5]);
        var (output, state) = net.forward(X, net.BeginState(2, CPU));
        Assert.That(output.shape, Is.EqualTo(new long[] { 10, 28 }), "batch_size × num_steps rows of vocabulary scores");
        Assert.That(state[0].shape, Is.EqualTo(new long[] { 2, 16 }));
    }

    [Test]
    public void TheStateIsUpdatedOncePerTimeStepForTheWholeBatch()
    {
        manual_seed(2);
        var net = new RnnScratchModel(28, 16);
        var X = randint(0, 28, [3, 5]);
        var (all, final) = net.forward(X, net.BeginState(3, CPU));
        var state = net.BeginState(3, CPU);
        var steps = new List<Tensor>();
        for (int t = 0; t < 5; t++)
        {
            (var output, state) = net.forward(X.narrow(1, t, 1), state);
            steps.Add(output);
        }
        Assert.That(steps, Has.Count.EqualTo(5), "num_steps updates, each of a (batch, hiddens) state");
        Assert.That(cat(steps, 0).allclose(all, atol: 1e-6));
        Assert.That(state[0].allclose(final[0], atol: 1e-6));
    }

    [Test]
    public void DetachingTheStateCutsTheGraphToThePreviousBatch()
    {
        manual_seed(3);
        var net = new RnnScratchModel(28, 8);
        var X1 = randint(0, 28, [2, 4]);
        var X2 = randint(0, 28, [2, 4]);
        Tensor? GradientOfFirstState(bool detach)
        {
            var h0 = zeros(2, 8).requires_grad_(true);
            var (_, state) = net.forward(X1, [h0]);
            var carried = detach ? state[0].detach() : state[0];
            var (output, _) = net.forward(X2, [carried]);
            output.sum().backward();
            return h0.grad;
        }
        Assert.That(GradientOfFirstState(detach: false), Is.Not.Null, "without detach the second batch back-propagates into the first");
        Assert.That(GradientOfFirstState(detach: true), Is.Null);
    }

    [Test]
    public void CharacterVocabularyIsTinyComparedWithWords()
    {
        var lines = TimeMachine.ReadLines(TestEnvironment.Data);
        var chars = new Vocab(TimeMachine.Tokenize(lines, TokenKind.Char).SelectMany(l => l));
        var words = new Vocab(TimeMachine.Tokenize(lines, TokenKind.Word).SelectMany(l => l));
        Assert.That(chars.Count, Is.EqualTo(28), "26 letters, space and <unk>");
        Assert.That(words.Count, Is.EqualTo(4580), "4579 words and <unk>");
    }

    [Test]
    public void TimeMajorInputsMakeEachStepContiguous()
    {
        using var X = arange(10).reshape(2, 5);
        var inputs = F.one_hot(X.T, 28);
        Assert.That(inputs.shape, Is.EqualTo(new long[] { 5, 2, 28 }), "(num_steps, batch_size, vocab)");
        Assert.That(inputs[1].is_contiguous());
        Assert.That(inputs[1].argmax(1).equal(X[TensorIndex.Colon, 1]).all().item<bool>(), "step 1 holds every example's second token");
    }
}
