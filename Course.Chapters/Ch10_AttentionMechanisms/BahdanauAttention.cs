using System.ComponentModel.DataAnnotations;
using Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Seq2Seq;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch10_AttentionMechanisms;

/// <summary>
/// 10.4 d2l's <c>Seq2SeqAttentionDecoder</c>: at every step the last layer of the decoder's hidden state queries the
/// encoder's outputs through additive attention, and the context joins the input embedding in a multi-layer GRU.
/// Its state is [encoder outputs (batch, steps, hiddens), hidden state, encoder valid lengths].
/// </summary>
public sealed class Seq2SeqAttentionDecoder : Decoder, IAttentionWeights
{
    /// <summary>Additive attention, queries and keys of the hidden size.</summary>
    public readonly AdditiveAttention attention;

    /// <summary>The target token embedding.</summary>
    public readonly Embedding embedding;

    /// <summary>The GRU over embedding and context, time-major.</summary>
    public readonly GRU rnn;

    /// <summary>The output layer, hidden units to vocabulary.</summary>
    public readonly Linear dense;

    private Tensor[] _attentionWeights = [];

    /// <summary>d2l's <c>Seq2SeqAttentionDecoder(vocab_size, embed_size, num_hiddens, num_layers, dropout)</c>.</summary>
    public Seq2SeqAttentionDecoder(int vocabSize, int embedSize, int numHiddens, int numLayers, double dropout = 0) : base(nameof(Seq2SeqAttentionDecoder))
    {
        attention = new AdditiveAttention(numHiddens, numHiddens, numHiddens, dropout);
        embedding = nn.Embedding(vocabSize, embedSize);
        rnn = nn.GRU(embedSize + numHiddens, numHiddens, numLayers, dropout: dropout);
        dense = nn.Linear(numHiddens, vocabSize);
        RegisterComponents();
    }

    /// <summary>The attention weights of each step of the last call, each (batch, 1, source steps).</summary>
    public IReadOnlyList<Tensor> AttentionWeights => _attentionWeights;

    /// <inheritdoc />
    public override Tensor?[] InitState(Tensor[] encoderOutputs, Tensor? encoderValidLens) =>
        [encoderOutputs[0].permute(1, 0, 2), encoderOutputs[1], encoderValidLens];

    /// <inheritdoc />
    public override (Tensor Output, Tensor?[] State) forward(Tensor X, Tensor?[] state)
    {
        var encoderOutputs = state[0] ?? throw new ArgumentException("The state has no encoder outputs; call InitState first.", nameof(state));
        var hidden = state[1]!;
        var outputs = new List<Tensor>();
        var weights = new List<Tensor>();
        foreach (var x in embedding.call(X).permute(1, 0, 2).unbind(0))
        {
            var query = hidden[-1].unsqueeze(1);
            var context = attention.call(query, encoderOutputs, encoderOutputs, state[2]);
            (var output, hidden) = rnn.call(cat([context, x.unsqueeze(1)], -1).permute(1, 0, 2), hidden);
            outputs.Add(output);
            weights.Add(attention.Weights);
        }
        _attentionWeights = [.. weights];
        return (dense.call(cat(outputs, 0)).permute(1, 0, 2), [encoderOutputs, hidden, state[2]]);
    }
}

/// <summary>
/// 10.4 Bahdanau attention: 9.7's RNN encoder with <see cref="Seq2SeqAttentionDecoder"/>, trained like 9.7 (embed 32,
/// hidden 32, 2 GRU layers, dropout 0.1, batch 64, 10 steps, Adam lr 0.005) for 250 epochs; the test sentences with
/// BLEU and the attention over the source while translating the last one.
/// </summary>
[Section("bahdanau-attention", "10.4", "Bahdanau attention", Dataset = "fra-eng")]
public sealed class BahdanauAttention : ISection<BahdanauAttention.Settings>
{
    /// <summary>The book's <c>embed_size, num_hiddens, num_layers, dropout = 32, 32, 2, 0.1</c>, <c>batch_size, num_steps = 64, 10</c>, <c>lr, num_epochs = 0.005, 250</c>.</summary>
    public sealed record Settings(int EmbedSize = 32, int NumHiddens = 32, int NumLayers = 2, [Range(0.0, 1.0, MaximumIsExclusive = true)] double Dropout = 0.1,
        int BatchSize = 64, int NumSteps = 10, double Lr = 0.005, int Epochs = 250);


    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        using (var scope = NewDisposeScope())
        {
            var encoder = new Seq2SeqEncoder(vocabSize: 10, embedSize: 8, numHiddens: 16, numLayers: 2);
            var decoder = new Seq2SeqAttentionDecoder(vocabSize: 10, embedSize: 8, numHiddens: 16, numLayers: 2);
            encoder.eval();
            decoder.eval();
            var X = zeros([4, 7], dtype: int64);
            var state = decoder.InitState(encoder.call(X, null), null);
            var (output, next) = decoder.call(X, state);
            ctx.Out.WriteLine($"output {Printing.Shape(output)}, state has {next.Length} parts: encoder outputs {Printing.Shape(next[0]!)}, hidden state {Printing.Shape(next[1]!)}");
        }

        var (trainIter, srcVocab, tgtVocab) = FraEng.LoadData(ctx.Data, s.BatchSize, s.NumSteps, seed: ctx.Options.Seed);
        var net = Build(srcVocab, tgtVocab, new TranslationSizes(s.EmbedSize, s.NumHiddens, s.NumLayers, s.Dropout));
        Train.Seq2Seq(ctx, net, trainIter, s.Lr, s.Epochs, tgtVocab);
        var translator = new Translator(net, srcVocab, tgtVocab, s.NumSteps);
        TranslationRun.Translate(ctx, translator);
        var (english, _) = TranslationRun.TestPairs[^1];
        var translation = translator.Greedy(english, saveAttentionWeights: true);
        using var weights = cat(translation.Attention!.Value.DecoderSteps.Select(step => step[0][0]).ToArray(), 0);
        int sourceLength = english.Split(' ').Length + 1;
        ctx.Figure("attention", path => Heatmaps.Save(path, weights[.., ..sourceLength].unsqueeze(0).unsqueeze(0), "Key positions", "Query positions"));
    }

    /// <summary>The RNN encoder and the attention decoder for the two vocabularies.</summary>
    public static EncoderDecoder Build(Vocab source, Vocab target, TranslationSizes sizes) => new(
        new Seq2SeqEncoder(source.Count, sizes.EmbedSize, sizes.NumHiddens, sizes.NumLayers, sizes.Dropout),
        new Seq2SeqAttentionDecoder(target.Count, sizes.EmbedSize, sizes.NumHiddens, sizes.NumLayers, sizes.Dropout));
}
