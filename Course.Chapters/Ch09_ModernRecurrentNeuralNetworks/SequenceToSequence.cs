using System.ComponentModel.DataAnnotations;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Seq2Seq;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;

/// <summary>9.7 d2l's <c>Seq2SeqEncoder</c>: embedding, then a multi-layer GRU over time; its outputs and final state are the encoding.</summary>
public sealed class Seq2SeqEncoder : Encoder
{
    /// <summary>The source token embedding.</summary>
    public readonly Embedding embedding;

    /// <summary>The GRU, time-major.</summary>
    public readonly GRU rnn;

    /// <summary>d2l's <c>Seq2SeqEncoder(vocab_size, embed_size, num_hiddens, num_layers, dropout)</c>.</summary>
    public Seq2SeqEncoder(int vocabSize, int embedSize, int numHiddens, int numLayers, double dropout = 0) : base(nameof(Seq2SeqEncoder))
    {
        embedding = nn.Embedding(vocabSize, embedSize);
        rnn = nn.GRU(embedSize, numHiddens, numLayers, dropout: dropout);
        RegisterComponents();
    }

    /// <summary>X (batch, steps) → [output (steps, batch, hiddens), state (layers, batch, hiddens)]; the valid lengths are not used.</summary>
    public override Tensor[] forward(Tensor X, Tensor? validLens)
    {
        var (output, state) = rnn.call(embedding.call(X).permute(1, 0, 2));
        return [output, state];
    }
}

/// <summary>
/// 9.7 d2l's <c>Seq2SeqDecoder</c>: its state starts as the encoder's final state, and at every step the input
/// embedding is joined by the context, the last layer of the state it is given. As in d2l, when the decoder is run one
/// step at a time (prediction) that state is its own latest one, while in training it is the encoder's.
/// </summary>
public sealed class Seq2SeqDecoder : Decoder
{
    /// <summary>The target token embedding.</summary>
    public readonly Embedding embedding;

    /// <summary>The GRU over embedding and context, time-major.</summary>
    public readonly GRU rnn;

    /// <summary>The output layer, hidden units to vocabulary.</summary>
    public readonly Linear dense;

    /// <summary>d2l's <c>Seq2SeqDecoder(vocab_size, embed_size, num_hiddens, num_layers, dropout)</c>.</summary>
    public Seq2SeqDecoder(int vocabSize, int embedSize, int numHiddens, int numLayers, double dropout = 0) : base(nameof(Seq2SeqDecoder))
    {
        embedding = nn.Embedding(vocabSize, embedSize);
        rnn = nn.GRU(embedSize + numHiddens, numHiddens, numLayers, dropout: dropout);
        dense = nn.Linear(numHiddens, vocabSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor?[] InitState(Tensor[] encoderOutputs, Tensor? encoderValidLens) => [encoderOutputs[1]];

    /// <summary>X (batch, steps) and [state] → logits (batch, steps, vocabulary) and [new state].</summary>
    public override (Tensor Output, Tensor?[] State) forward(Tensor X, Tensor?[] state)
    {
        var embedded = embedding.call(X).permute(1, 0, 2);
        var hidden = state[0] ?? throw new ArgumentException("The decoder's state has no hidden state; call InitState first.", nameof(state));
        var context = hidden[-1].repeat(embedded.shape[0], 1, 1);
        var (output, newHidden) = rnn.call(cat([embedded, context], 2), hidden);
        return (dense.call(output).permute(1, 0, 2), [newHidden]);
    }
}

/// <summary>
/// 9.7 Sequence to sequence learning: the RNN encoder and decoder, <c>sequence_mask</c>, the masked softmax
/// cross-entropy, training with teacher forcing on 600 English–French pairs (embed 32, hidden 32, 2 GRU layers,
/// dropout 0.1, batch 64, 10 steps, Adam lr 0.005, 300 epochs), greedy translation and BLEU.
/// </summary>
[Section("seq2seq", "9.7", "Sequence to sequence learning", Dataset = "fra-eng")]
public sealed class SequenceToSequence : ISection<SequenceToSequence.Settings>
{
    /// <summary>The book's <c>embed_size, num_hiddens, num_layers, dropout = 32, 32, 2, 0.1</c>, <c>batch_size, num_steps = 64, 10</c>, <c>lr, num_epochs = 0.005, 300</c>.</summary>
    public sealed record Settings(int EmbedSize = 32, int NumHiddens = 32, int NumLayers = 2, [Range(0.0, 1.0, MaximumIsExclusive = true)] double Dropout = 0.1,
        int BatchSize = 64, int NumSteps = 10, double Lr = 0.005, int Epochs = 300);


    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        using (var scope = NewDisposeScope())
        {
            var encoder = new Seq2SeqEncoder(vocabSize: 10, embedSize: 8, numHiddens: 16, numLayers: 2);
            encoder.eval();
            var X = zeros([4, 7], dtype: int64);
            var encoderOutputs = encoder.call(X, null);
            ctx.Out.WriteLine($"encoder output: {Printing.Shape(encoderOutputs[0])}, state: {Printing.Shape(encoderOutputs[1])}");
            var decoder = new Seq2SeqDecoder(vocabSize: 10, embedSize: 8, numHiddens: 16, numLayers: 2);
            decoder.eval();
            var (output, state) = decoder.call(X, decoder.InitState(encoderOutputs, null));
            ctx.Out.WriteLine($"decoder output: {Printing.Shape(output)}, state: {Printing.Shape(state[0]!)}");
            ctx.Out.Show("sequence_mask([[1, 2, 3], [4, 5, 6]], [1, 2])", MaskedSoftmaxCELoss.SequenceMask(tensor(new long[,] { { 1, 2, 3 }, { 4, 5, 6 } }), tensor(new long[] { 1, 2 })));
            ctx.Out.Show("MaskedSoftmaxCELoss(ones(3, 4, 10), ones(3, 4), [4, 2, 0])",
                MaskedSoftmaxCELoss.Compute(ones(3, 4, 10), ones([3, 4], dtype: int64), tensor(new long[] { 4, 2, 0 })));
        }

        var (trainIter, srcVocab, tgtVocab) = FraEng.LoadData(ctx.Data, s.BatchSize, s.NumSteps, seed: ctx.Options.Seed);
        var net = Build(srcVocab, tgtVocab, new TranslationSizes(s.EmbedSize, s.NumHiddens, s.NumLayers, s.Dropout));
        Train.Seq2Seq(ctx, net, trainIter, s.Lr, s.Epochs, tgtVocab);
        var translator = new Translator(net, srcVocab, tgtVocab, s.NumSteps);
        TranslationRun.Translate(ctx, translator);
    }

    /// <summary>The RNN encoder–decoder for the two vocabularies, with the given sizes.</summary>
    public static EncoderDecoder Build(Vocab source, Vocab target, TranslationSizes sizes) => new(
        new Seq2SeqEncoder(source.Count, sizes.EmbedSize, sizes.NumHiddens, sizes.NumLayers, sizes.Dropout),
        new Seq2SeqDecoder(target.Count, sizes.EmbedSize, sizes.NumHiddens, sizes.NumLayers, sizes.Dropout));
}
