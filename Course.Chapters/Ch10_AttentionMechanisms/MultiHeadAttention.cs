using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Seq2Seq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch10_AttentionMechanisms;

/// <summary>
/// 10.5 d2l's <c>MultiHeadAttention</c>: queries, keys and values projected to <c>num_hiddens</c>, split into heads that
/// run scaled dot-product attention in parallel (as one batch of batch · heads), concatenated and projected by W_o.
/// </summary>
public sealed class MultiHeadAttention : nn.Module<Tensor, Tensor, Tensor, Tensor?, Tensor>, IAttentionWeights
{
    /// <summary>The attention every head runs.</summary>
    public readonly DotProductAttention attention;

    /// <summary>Query, key, value and output projections.</summary>
    public readonly Linear W_q, W_k, W_v, W_o;

    private readonly int _numHeads;

    /// <summary>d2l's <c>MultiHeadAttention(key_size, query_size, value_size, num_hiddens, num_heads, dropout, bias)</c>.</summary>
    public MultiHeadAttention(int keySize, int querySize, int valueSize, int numHiddens, int numHeads, double dropout, bool bias = false)
        : base(nameof(MultiHeadAttention))
    {
        if (numHiddens % numHeads != 0) throw new ArgumentException($"num_hiddens ({numHiddens}) must be a multiple of num_heads ({numHeads}).");
        _numHeads = numHeads;
        attention = new DotProductAttention(dropout);
        W_q = nn.Linear(querySize, numHiddens, hasBias: bias);
        W_k = nn.Linear(keySize, numHiddens, hasBias: bias);
        W_v = nn.Linear(valueSize, numHiddens, hasBias: bias);
        W_o = nn.Linear(numHiddens, numHiddens, hasBias: bias);
        RegisterComponents();
    }

    /// <summary>The heads' attention weights of the last call, (batch · heads, queries, keys).</summary>
    public IReadOnlyList<Tensor> AttentionWeights => attention.AttentionWeights;

    /// <inheritdoc />
    public override Tensor forward(Tensor queries, Tensor keys, Tensor values, Tensor? validLens)
    {
        var lens = validLens?.repeat_interleave(_numHeads, dim: 0);
        var output = attention.call(TransposeQkv(W_q.call(queries), _numHeads), TransposeQkv(W_k.call(keys), _numHeads),
            TransposeQkv(W_v.call(values), _numHeads), lens);
        return W_o.call(TransposeOutput(output, _numHeads));
    }

    /// <summary>d2l's <c>transpose_qkv</c>: (batch, n, hiddens) → (batch · heads, n, hiddens / heads).</summary>
    public static Tensor TransposeQkv(Tensor X, int numHeads)
    {
        var split = X.reshape(X.shape[0], X.shape[1], numHeads, -1).permute(0, 2, 1, 3);
        return split.reshape(-1, split.shape[2], split.shape[3]);
    }

    /// <summary>d2l's <c>transpose_output</c>, the inverse of <see cref="TransposeQkv"/>.</summary>
    public static Tensor TransposeOutput(Tensor X, int numHeads)
    {
        var joined = X.reshape(-1, numHeads, X.shape[1], X.shape[2]).permute(0, 2, 1, 3);
        return joined.reshape(joined.shape[0], joined.shape[1], -1);
    }
}

/// <summary>10.5 Multi-head attention: 100 hidden units in 5 heads over 4 queries and 6 key–value pairs (valid lengths [3, 2]).</summary>
[Section("multihead-attention", "10.5", "Multi-head attention")]
public sealed class MultiHeadAttentionSection : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var attention = BookAttention();
        var (X, Y) = (ones(2, 4, 100), ones(2, 6, 100));
        var output = attention.call(X, Y, Y, tensor(new long[] { 3, 2 }));
        ctx.Out.WriteLine($"attention(X (2, 4, 100), Y (2, 6, 100), Y, valid_lens [3, 2]).shape = {Printing.Shape(output)}");
        ctx.Out.WriteLine($"attention weights per head: {Printing.Shape(attention.AttentionWeights[0])}");
    }

    /// <summary>The book's example layer of 10.5 and 10.6, in evaluation mode: 100 hidden units in 5 heads, dropout 0.5.</summary>
    public static MultiHeadAttention BookAttention()
    {
        var attention = new MultiHeadAttention(100, 100, 100, numHiddens: 100, numHeads: 5, dropout: 0.5);
        attention.eval();
        return attention;
    }
}
