using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Seq2Seq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch10_AttentionMechanisms;

/// <summary>An attention layer: queries (batch, queries, q), keys (batch, keys, k), values (batch, keys, v) and valid lengths (or null) in, (batch, queries, v) out.</summary>
public abstract class Attention(string name) : nn.Module<Tensor, Tensor, Tensor, Tensor?, Tensor>(name), IAttentionWeights
{
    private Tensor[] _weights = [];

    /// <summary>The attention weights of the last call, (batch, queries, keys).</summary>
    public Tensor Weights => _weights.Length > 0 ? _weights[0] : throw new InvalidOperationException("The attention layer has not been called yet.");

    /// <inheritdoc />
    public IReadOnlyList<Tensor> AttentionWeights => _weights;

    /// <summary>d2l's <c>masked_softmax</c> (10.3): a softmax over the last axis that gives the positions at or after the valid length weight 0.</summary>
    /// <param name="X">Scores, 3-D.</param>
    /// <param name="validLens">Null for no mask, one length per batch row (1-D), or one per query (2-D, batch × queries).</param>
    public static Tensor MaskedSoftmax(Tensor X, Tensor? validLens)
    {
        if (validLens is null) return nn.functional.softmax(X, -1);
        using var scope = NewDisposeScope();
        var lens = validLens.dim() == 1 ? validLens.repeat_interleave(X.shape[1]) : validLens.reshape(-1);
        var masked = MaskedSoftmaxCELoss.SequenceMask(X.reshape(-1, X.shape[^1]), lens, value: -1e6);
        return nn.functional.softmax(masked.reshape(X.shape), -1).MoveToOuterDisposeScope();
    }

    /// <summary>Keeps <paramref name="weights"/> as <see cref="Weights"/> and returns them with dropout applied.</summary>
    protected Tensor Remember(Tensor weights, Dropout dropout)
    {
        _weights = [weights];
        return dropout.call(weights);
    }
}

/// <summary>10.3 d2l's <c>AdditiveAttention</c>: score w_vᵀ tanh(W_q q + W_k k), for queries and keys of different sizes.</summary>
public sealed class AdditiveAttention : Attention
{
    /// <summary>Key, query and score projections, without bias.</summary>
    public readonly Linear W_k, W_q, w_v;

    /// <summary>Dropout on the attention weights.</summary>
    public readonly Dropout dropout;

    /// <summary>d2l's <c>AdditiveAttention(key_size, query_size, num_hiddens, dropout)</c>.</summary>
    public AdditiveAttention(int keySize, int querySize, int numHiddens, double dropout) : base(nameof(AdditiveAttention))
    {
        W_k = nn.Linear(keySize, numHiddens, hasBias: false);
        W_q = nn.Linear(querySize, numHiddens, hasBias: false);
        w_v = nn.Linear(numHiddens, 1, hasBias: false);
        this.dropout = nn.Dropout(dropout);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor queries, Tensor keys, Tensor values, Tensor? validLens)
    {
        // (batch, queries, 1, hiddens) + (batch, 1, keys, hiddens): every query against every key.
        var features = (W_q.call(queries).unsqueeze(2) + W_k.call(keys).unsqueeze(1)).tanh();
        var scores = w_v.call(features).squeeze(-1);
        return bmm(Remember(MaskedSoftmax(scores, validLens), dropout), values);
    }
}

/// <summary>10.3 d2l's <c>DotProductAttention</c>: scaled dot-product scores q·k / √d.</summary>
public sealed class DotProductAttention : Attention
{
    /// <summary>Dropout on the attention weights.</summary>
    public readonly Dropout dropout;

    /// <summary>d2l's <c>DotProductAttention(dropout)</c>.</summary>
    public DotProductAttention(double dropout) : base(nameof(DotProductAttention))
    {
        this.dropout = nn.Dropout(dropout);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor queries, Tensor keys, Tensor values, Tensor? validLens)
    {
        var scores = bmm(queries, keys.transpose(1, 2)) / Math.Sqrt(queries.shape[^1]);
        return bmm(Remember(MaskedSoftmax(scores, validLens), dropout), values);
    }
}

/// <summary>10.3 Attention scoring functions: <c>masked_softmax</c>, additive and scaled dot-product attention on the book's examples.</summary>
[Section("attention-scoring-functions", "10.3", "Attention scoring functions")]
public sealed class AttentionScoringFunctions : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        ctx.Out.Show("masked_softmax(rand(2, 2, 4), [2, 3])", Attention.MaskedSoftmax(rand(2, 2, 4), tensor(new long[] { 2, 3 })));
        ctx.Out.Show("masked_softmax(rand(2, 2, 4), [[1, 3], [2, 4]])", Attention.MaskedSoftmax(rand(2, 2, 4), tensor(new long[,] { { 1, 3 }, { 2, 4 } })));

        var (keys, values, validLens) = BookKeysAndValues();
        var additive = new AdditiveAttention(keySize: 2, querySize: 20, numHiddens: 8, dropout: 0.1);
        additive.eval();
        ctx.Out.Show("AdditiveAttention(queries (2, 1, 20), keys, values, [2, 6])", additive.call(normal(0, 1, [2, 1, 20]), keys, values, validLens));
        ctx.Figure("additive-attention", path => Heatmaps.Save(path, additive.Weights.reshape(1, 1, 2, 10), "Keys", "Queries"));

        var dot = new DotProductAttention(dropout: 0.5);
        dot.eval();
        ctx.Out.Show("DotProductAttention(queries (2, 1, 2), keys, values, [2, 6])", dot.call(normal(0, 1, [2, 1, 2]), keys, values, validLens));
        ctx.Figure("dot-product-attention", path => Heatmaps.Save(path, dot.Weights.reshape(1, 1, 2, 10), "Keys", "Queries"));
    }

    /// <summary>The book's keys (ones, (2, 10, 2)), values (arange(40) as (1, 10, 4) repeated twice) and valid lengths [2, 6].</summary>
    public static (Tensor Keys, Tensor Values, Tensor ValidLens) BookKeysAndValues() =>
        (ones(2, 10, 2), arange(40, dtype: float32).reshape(1, 10, 4).repeat(2, 1, 1), tensor(new long[] { 2, 6 }));
}
