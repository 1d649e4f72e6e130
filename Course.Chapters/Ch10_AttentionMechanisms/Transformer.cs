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

/// <summary>10.7 d2l's <c>PositionWiseFFN</c>: the same two-layer ReLU MLP applied at every position.</summary>
public sealed class PositionWiseFFN : nn.Module<Tensor, Tensor>
{
    /// <summary>The two layers.</summary>
    public readonly Linear dense1, dense2;

    /// <summary>d2l's <c>PositionWiseFFN(ffn_num_input, ffn_num_hiddens, ffn_num_outputs)</c>.</summary>
    public PositionWiseFFN(int numInput, int numHiddens, int numOutputs) : base(nameof(PositionWiseFFN))
    {
        dense1 = nn.Linear(numInput, numHiddens);
        dense2 = nn.Linear(numHiddens, numOutputs);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor X) => dense2.call(nn.functional.relu(dense1.call(X)));
}

/// <summary>10.7 d2l's <c>AddNorm</c>: the residual connection and layer normalisation, LayerNorm(X + dropout(Y)).</summary>
public sealed class AddNorm : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Dropout on the sublayer's output.</summary>
    public readonly Dropout dropout;

    /// <summary>Layer normalisation over <c>normalized_shape</c>.</summary>
    public readonly LayerNorm ln;

    /// <summary>d2l's <c>AddNorm(normalized_shape, dropout)</c>.</summary>
    public AddNorm(long[] normalizedShape, double dropout) : base(nameof(AddNorm))
    {
        this.dropout = nn.Dropout(dropout);
        ln = nn.LayerNorm(normalizedShape);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor X, Tensor Y) => ln.call(dropout.call(Y) + X);
}

/// <summary>The sizes of d2l's Transformer blocks (10.7).</summary>
/// <param name="KeySize">Key size of the attention projections.</param>
/// <param name="QuerySize">Query size.</param>
/// <param name="ValueSize">Value size.</param>
/// <param name="NumHiddens">Model width.</param>
/// <param name="NormShape">LayerNorm shape.</param>
/// <param name="FfnNumInput">Input width of the position-wise FFN.</param>
/// <param name="FfnNumHiddens">Hidden width of the FFN.</param>
/// <param name="NumHeads">Attention heads.</param>
/// <param name="Dropout">Dropout everywhere.</param>
public sealed record TransformerSizes(int KeySize, int QuerySize, int ValueSize, int NumHiddens, long[] NormShape,
    int FfnNumInput, int FfnNumHiddens, int NumHeads, double Dropout);

/// <summary>10.7 d2l's <c>EncoderBlock</c>: multi-head self-attention and the FFN, each followed by <see cref="AddNorm"/>.</summary>
public sealed class EncoderBlock : nn.Module<Tensor, Tensor?, Tensor>
{
    /// <summary>Self-attention.</summary>
    public readonly MultiHeadAttention attention;

    /// <summary>The two add-and-norm layers.</summary>
    public readonly AddNorm addnorm1, addnorm2;

    /// <summary>The position-wise FFN.</summary>
    public readonly PositionWiseFFN ffn;

    /// <summary>d2l's <c>EncoderBlock(key_size, …, num_heads, dropout)</c>.</summary>
    public EncoderBlock(TransformerSizes s, bool useBias = false) : base(nameof(EncoderBlock))
    {
        attention = new MultiHeadAttention(s.KeySize, s.QuerySize, s.ValueSize, s.NumHiddens, s.NumHeads, s.Dropout, useBias);
        addnorm1 = new AddNorm(s.NormShape, s.Dropout);
        ffn = new PositionWiseFFN(s.FfnNumInput, s.FfnNumHiddens, s.NumHiddens);
        addnorm2 = new AddNorm(s.NormShape, s.Dropout);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor X, Tensor? validLens)
    {
        var Y = addnorm1.call(X, attention.call(X, X, X, validLens));
        return addnorm2.call(Y, ffn.call(Y));
    }
}

/// <summary>10.7 d2l's <c>TransformerEncoder</c>: scaled embedding plus positional encoding, then <c>num_layers</c> encoder blocks.</summary>
public sealed class TransformerEncoder : Encoder, IAttentionWeights, IBookState
{
    /// <summary>The token embedding.</summary>
    public readonly Embedding embedding;

    /// <summary>The positional encoding.</summary>
    public readonly PositionalEncoding pos_encoding;

    /// <summary>The encoder blocks (d2l's <c>blks.block0</c>, … in PyTorch weights: <see cref="BookName"/>).</summary>
    public readonly ModuleList<EncoderBlock> blks;

    /// <inheritdoc cref="TransformerBlocks.BookName"/>
    public string? BookName(string name) => TransformerBlocks.BookName(name);

    private readonly int _numHiddens;

    /// <summary>d2l's <c>TransformerEncoder(vocab_size, key_size, …, num_heads, num_layers, dropout)</c>.</summary>
    public TransformerEncoder(int vocabSize, TransformerSizes sizes, int numLayers, bool useBias = false) : base(nameof(TransformerEncoder))
    {
        _numHiddens = sizes.NumHiddens;
        embedding = nn.Embedding(vocabSize, sizes.NumHiddens);
        pos_encoding = new PositionalEncoding(sizes.NumHiddens, sizes.Dropout);
        blks = nn.ModuleList(Enumerable.Range(0, numLayers).Select(_ => new EncoderBlock(sizes, useBias)).ToArray());
        RegisterComponents();
    }

    /// <summary>Each block's self-attention weights of the last call, (batch · heads, steps, steps).</summary>
    public IReadOnlyList<Tensor> AttentionWeights => blks.Select(b => b.attention.AttentionWeights[0]).ToArray();

    /// <summary>X (batch, steps) → (batch, steps, num_hiddens), one output only.</summary>
    public override Tensor[] forward(Tensor X, Tensor? validLens)
    {
        // The embedding is scaled by √d so that it and the encoding (values in [−1, 1]) are of similar size.
        var H = pos_encoding.call(embedding.call(X) * Math.Sqrt(_numHiddens));
        foreach (var block in blks) H = block.call(H, validLens);
        return [H];
    }
}

/// <summary>
/// 10.7 d2l's <c>DecoderBlock</c> (block <c>i</c> of the decoder): masked self-attention over the target so far,
/// encoder–decoder attention, and the FFN, each with <see cref="AddNorm"/>. In training the whole target is given at
/// once and position t may only attend to positions ≤ t; in prediction the block keeps the tokens it has seen in
/// its slot of the state and attends to all of them.
/// </summary>
public sealed class DecoderBlock : nn.Module<Tensor, Tensor?[], (Tensor Output, Tensor?[] State)>
{
    /// <summary>Masked self-attention and encoder–decoder attention.</summary>
    public readonly MultiHeadAttention attention1, attention2;

    /// <summary>The three add-and-norm layers.</summary>
    public readonly AddNorm addnorm1, addnorm2, addnorm3;

    /// <summary>The position-wise FFN.</summary>
    public readonly PositionWiseFFN ffn;

    private readonly int _index;

    /// <summary>d2l's <c>DecoderBlock(key_size, …, num_heads, dropout, i)</c>.</summary>
    public DecoderBlock(TransformerSizes s, int index) : base(nameof(DecoderBlock))
    {
        _index = index;
        attention1 = new MultiHeadAttention(s.KeySize, s.QuerySize, s.ValueSize, s.NumHiddens, s.NumHeads, s.Dropout);
        addnorm1 = new AddNorm(s.NormShape, s.Dropout);
        attention2 = new MultiHeadAttention(s.KeySize, s.QuerySize, s.ValueSize, s.NumHiddens, s.NumHeads, s.Dropout);
        addnorm2 = new AddNorm(s.NormShape, s.Dropout);
        ffn = new PositionWiseFFN(s.FfnNumInput, s.FfnNumHiddens, s.NumHiddens);
        addnorm3 = new AddNorm(s.NormShape, s.Dropout);
        RegisterComponents();
    }

    /// <summary>X (batch, steps, hiddens) and the state [encoder outputs, encoder valid lengths, each block's past inputs].</summary>
    public override (Tensor Output, Tensor?[] State) forward(Tensor X, Tensor?[] state)
    {
        var (encoderOutputs, encoderValidLens) = (state[0]!, state[1]);
        int slot = 2 + _index;
        var keyValues = state[slot] is { } past ? cat([past, X], 1) : X;
        var next = (Tensor?[])state.Clone();
        next[slot] = keyValues;
        // Training: each position t sees the target up to t (valid lengths 1, 2, …, steps for every row).
        var decoderValidLens = training ? arange(1, X.shape[1] + 1, device: X.device).repeat(X.shape[0], 1) : null;
        var Y = addnorm1.call(X, attention1.call(X, keyValues, keyValues, decoderValidLens));
        var Z = addnorm2.call(Y, attention2.call(Y, encoderOutputs, encoderOutputs, encoderValidLens));
        return (addnorm3.call(Z, ffn.call(Z)), next);
    }
}

/// <summary>
/// 10.7 d2l's <c>TransformerDecoder</c>: scaled embedding plus positional encoding, <c>num_layers</c> decoder blocks and
/// a Linear output layer. Its state is [encoder outputs, encoder valid lengths, one slot per block]. As in d2l,
/// one-token-at-a-time prediction adds the positional encoding of position 0 to every new token.
/// </summary>
public sealed class TransformerDecoder : Decoder, IAttentionWeights, IBookState
{
    /// <summary>The token embedding.</summary>
    public readonly Embedding embedding;

    /// <summary>The positional encoding.</summary>
    public readonly PositionalEncoding pos_encoding;

    /// <summary>The decoder blocks (d2l's <c>blks.block0</c>, … in PyTorch weights: <see cref="BookName"/>).</summary>
    public readonly ModuleList<DecoderBlock> blks;

    /// <inheritdoc cref="TransformerBlocks.BookName"/>
    public string? BookName(string name) => TransformerBlocks.BookName(name);

    /// <summary>The output layer, hidden units to vocabulary.</summary>
    public readonly Linear dense;

    private readonly int _numHiddens;

    /// <summary>d2l's <c>TransformerDecoder(vocab_size, key_size, …, num_heads, num_layers, dropout)</c>.</summary>
    public TransformerDecoder(int vocabSize, TransformerSizes sizes, int numLayers) : base(nameof(TransformerDecoder))
    {
        _numHiddens = sizes.NumHiddens;
        embedding = nn.Embedding(vocabSize, sizes.NumHiddens);
        pos_encoding = new PositionalEncoding(sizes.NumHiddens, sizes.Dropout);
        blks = nn.ModuleList(Enumerable.Range(0, numLayers).Select(i => new DecoderBlock(sizes, i)).ToArray());
        dense = nn.Linear(sizes.NumHiddens, vocabSize);
        RegisterComponents();
    }

    /// <summary>
    /// The last call's self-attention weights of each block, then its encoder–decoder attention weights (d2l's
    /// <c>attention_weights[0]</c> and <c>[1]</c>), each (batch · heads, queries, keys).
    /// </summary>
    public IReadOnlyList<Tensor> AttentionWeights =>
        [.. blks.Select(b => b.attention1.AttentionWeights[0]), .. blks.Select(b => b.attention2.AttentionWeights[0])];

    /// <inheritdoc />
    public override Tensor?[] InitState(Tensor[] encoderOutputs, Tensor? encoderValidLens) =>
        [encoderOutputs[0], encoderValidLens, .. blks.Select(_ => (Tensor?)null)];

    /// <inheritdoc />
    public override (Tensor Output, Tensor?[] State) forward(Tensor X, Tensor?[] state)
    {
        var H = pos_encoding.call(embedding.call(X) * Math.Sqrt(_numHiddens));
        foreach (var block in blks) (H, state) = block.call(H, state);
        return (dense.call(H), state);
    }
}

/// <summary>
/// 10.7 The Transformer: the blocks on the book's examples, then an encoder–decoder Transformer on fra-eng
/// (num_hiddens 32, 2 layers, 4 heads, FFN 32→64, dropout 0.1, batch 64, 10 steps, Adam lr 0.005, 200 epochs); the
/// test sentences with BLEU and the encoder, decoder self- and encoder–decoder attention heatmaps of the last one.
/// </summary>
[Section("transformer", "10.7", "Transformer", Dataset = "fra-eng")]
public sealed class Transformer : ISection<Transformer.Settings>
{
    /// <summary>
    /// The book's <c>num_hiddens, num_layers, dropout, batch_size, num_steps = 32, 2, 0.1, 64, 10</c>,
    /// <c>lr, num_epochs = 0.005, 200</c> and <c>num_heads = 4</c>; its key, query, value and FFN input sizes equal
    /// num_hiddens and its FFN hidden size is twice that (<see cref="Sizes"/>).
    /// </summary>
    public sealed record Settings(int NumHiddens = 32, int NumLayers = 2, [Range(0.0, 1.0, MaximumIsExclusive = true)] double Dropout = 0.1,
        int BatchSize = 64, int NumSteps = 10, double Lr = 0.005, int Epochs = 200, int NumHeads = 4);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        ShowBlocks(ctx);
        var (numLayers, numHeads) = (s.NumLayers, s.NumHeads);
        var (trainIter, srcVocab, tgtVocab) = FraEng.LoadData(ctx.Data, s.BatchSize, s.NumSteps, seed: ctx.Options.Seed);
        var net = Build(srcVocab, tgtVocab, Sizes(s.NumHiddens, numHeads, s.Dropout), numLayers);
        Train.Seq2Seq(ctx, net, trainIter, s.Lr, s.Epochs, tgtVocab);
        var translator = new Translator(net, srcVocab, tgtVocab, s.NumSteps);
        TranslationRun.Translate(ctx, translator);

        var (english, _) = TranslationRun.TestPairs[^1];
        var translation = translator.Greedy(english, saveAttentionWeights: true);
        var (encoder, steps) = translation.Attention!.Value;
        using var scope = NewDisposeScope();
        string[] titles = Enumerable.Range(1, numHeads).Select(h => $"Head {h}").ToArray();
        var encoderWeights = stack(encoder.ToArray()).reshape(numLayers, numHeads, -1, encoder[0].shape[^1]);
        ctx.Out.WriteLine($"encoder attention weights: {Printing.Shape(encoderWeights)}");
        ctx.Figure("encoder-attention", path => Heatmaps.Save(path, encoderWeights, "Key positions", "Query positions", titles));
        // Each step's weights, padded with zeros to num_steps keys (d2l fills them with pandas' fillna(0)).
        int numSteps = (int)encoder[0].shape[^1];
        Tensor Decoder(int kind) => stack(steps.Select(step => stack(step.Skip(kind * numLayers).Take(numLayers)
                .Select(w => nn.functional.pad(w[.., 0, ..], [0, numSteps - w.shape[^1]])).ToArray())).ToArray())
            .permute(1, 2, 0, 3);
        var (self, inter) = (Decoder(0), Decoder(1));
        ctx.Out.WriteLine($"decoder self-attention weights: {Printing.Shape(self)}, encoder-decoder attention weights: {Printing.Shape(inter)}");
        ctx.Figure("decoder-self-attention", path => Heatmaps.Save(path, self[.., .., .., ..(translation.Tokens.Count + 1)], "Key positions", "Query positions", titles));
        ctx.Figure("decoder-encoder-attention", path => Heatmaps.Save(path, inter, "Key positions", "Query positions", titles));
    }

    /// <summary>The book's block sizes for a model of width <paramref name="numHiddens"/>: keys, queries and values of that width, an FFN of twice it.</summary>
    public static TransformerSizes Sizes(int numHiddens, int numHeads, double dropout) =>
        new(numHiddens, numHiddens, numHiddens, numHiddens, [numHiddens], numHiddens, 2 * numHiddens, numHeads, dropout);

    /// <summary>The Transformer encoder and decoder for the two vocabularies.</summary>
    public static EncoderDecoder Build(Vocab source, Vocab target, TransformerSizes sizes, int numLayers) =>
        new(new TransformerEncoder(source.Count, sizes, numLayers), new TransformerDecoder(target.Count, sizes, numLayers));

    /// <summary>The book's demonstrations of the blocks: FFN, LayerNorm against BatchNorm, AddNorm, and each block's output shape.</summary>
    private static void ShowBlocks(RunContext ctx)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ffn = new PositionWiseFFN(4, 4, 8);
        ffn.eval();
        ctx.Out.Show("ffn(ones(2, 3, 4))[0]", ffn.call(ones(2, 3, 4))[0]);
        var X = tensor(new float[,] { { 1, 2 }, { 2, 3 } });
        ctx.Out.Show("layer norm", nn.LayerNorm(2).call(X));
        ctx.Out.Show("batch norm", nn.BatchNorm1d(2).call(X));
        var addNorm = new AddNorm([3, 4], 0.5);
        addNorm.eval();
        ctx.Out.WriteLine($"add_norm(ones(2, 3, 4), ones(2, 3, 4)).shape = {Printing.Shape(addNorm.call(ones(2, 3, 4), ones(2, 3, 4)))}");

        var sizes = new TransformerSizes(24, 24, 24, 24, [100, 24], 24, 48, 8, 0.5);
        var validLens = tensor(new long[] { 3, 2 });
        var H = ones(2, 100, 24);
        var encoderBlock = new EncoderBlock(sizes);
        encoderBlock.eval();
        ctx.Out.WriteLine($"encoder_blk(X (2, 100, 24), valid_lens).shape = {Printing.Shape(encoderBlock.call(H, validLens))}");
        var encoder = new TransformerEncoder(200, sizes, numLayers: 2);
        encoder.eval();
        ctx.Out.WriteLine($"encoder(ones(2, 100), valid_lens).shape = {Printing.Shape(encoder.call(ones([2, 100], dtype: int64), validLens)[0])}");
        var decoderBlock = new DecoderBlock(sizes, 0);
        decoderBlock.eval();
        var (decoded, _) = decoderBlock.call(H, [encoderBlock.call(H, validLens), validLens, null]);
        ctx.Out.WriteLine($"decoder_blk(X, state)[0].shape = {Printing.Shape(decoded)}");
    }
}

/// <summary>
/// 10.7 The names of the Transformer's blocks in d2l's state_dict. d2l keeps them in an <c>nn.Sequential</c> filled with
/// <c>add_module("block"+str(i), …)</c>; Course's blocks take two inputs, so they live in a <c>ModuleList</c> (<c>blks.0</c>),
/// and TorchSharp's <c>ModuleDict</c>, which could name them, cannot move to a device (its two indexers break
/// <c>Module.to</c>). PyTorch weights read and write them as d2l names them.
/// </summary>
public static class TransformerBlocks
{
    /// <summary><c>blks.0.…</c> as d2l's <c>blks.block0.…</c>; every other name as it is.</summary>
    public static string BookName(string name) =>
        System.Text.RegularExpressions.Regex.Replace(name, @"^blks\.(\d+)\.", "blks.block$1.");
}
