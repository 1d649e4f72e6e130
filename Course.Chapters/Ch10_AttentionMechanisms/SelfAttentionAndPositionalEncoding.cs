using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch10_AttentionMechanisms;

/// <summary>
/// 10.6 d2l's <c>PositionalEncoding</c>: adds P to the input, P[i, 2j] = sin(i / 10000^(2j/d)) and
/// P[i, 2j+1] = cos(i / 10000^(2j/d)), for up to <c>max_len</c> positions, then dropout.
/// </summary>
public sealed class PositionalEncoding : nn.Module<Tensor, Tensor>, IBookState
{
    /// <summary>Dropout after the addition.</summary>
    public readonly Dropout dropout;

    /// <summary>The encoding matrix, (1, max_len, num_hiddens).</summary>
    public readonly Tensor P;

    /// <summary>P is a buffer here (it moves with the model) but a plain attribute in d2l: PyTorch weights leave it out, it is fixed anyway.</summary>
    public string? BookName(string name) => name == nameof(P) ? null : name;

    /// <summary>d2l's <c>PositionalEncoding(num_hiddens, dropout, max_len=1000)</c>.</summary>
    public PositionalEncoding(int numHiddens, double dropout, int maxLen = 1000) : base(nameof(PositionalEncoding))
    {
        this.dropout = nn.Dropout(dropout);
        using (var scope = NewDisposeScope())
        {
            var angles = arange(maxLen, dtype: float32).reshape(-1, 1) / pow(10000, arange(0, numHiddens, 2, dtype: float32) / numHiddens);
            var encoding = zeros(1, maxLen, numHiddens);
            encoding[.., .., TensorIndex.Slice(0, null, 2)] = angles.sin();
            encoding[.., .., TensorIndex.Slice(1, null, 2)] = angles.cos()[.., ..(numHiddens / 2)];
            P = encoding.MoveToOuterDisposeScope();
        }
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor X) => dropout.call(X + P[.., ..(int)X.shape[1], ..].to(X.device));
}

/// <summary>
/// 10.6 Self-attention and positional encoding: multi-head self-attention on the book's (2, 4, 100) example, the
/// encoding's columns 6–9 over 60 positions, the binary representations it mimics, and the encoding as a heatmap.
/// </summary>
[Section("self-attention-and-positional-encoding", "10.6", "Self-attention and positional encoding")]
public sealed class SelfAttentionAndPositionalEncoding : ISection
{
    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var attention = MultiHeadAttentionSection.BookAttention();
        var X = ones(2, 4, 100);
        ctx.Out.WriteLine($"self-attention(X, X, X, valid_lens [3, 2]).shape = {Printing.Shape(attention.call(X, X, X, tensor(new long[] { 3, 2 })))}");

        const int encodingDim = 32, numSteps = 60;
        var encoding = new PositionalEncoding(encodingDim, 0);
        encoding.eval();
        var P = encoding.call(zeros(1, numSteps, encodingDim))[0];
        double[] positions = Enumerable.Range(0, numSteps).Select(i => (double)i).ToArray();
        double[][] columns = Enumerable.Range(6, 4).Select(c => P[.., c].to(float64).data<double>().ToArray()).ToArray();
        ctx.Figure("encoding-columns", path => LineChart.Save(path, positions, columns, Enumerable.Range(6, 4).Select(c => $"Col {c}").ToArray(),
            new AxesStyle { XLabel = "Row (position)" }));
        for (int i = 0; i < 8; i++) ctx.Out.WriteLine($"{i} in binary is {Convert.ToString(i, 2).PadLeft(3, '0')}");
        ctx.Figure("encoding", path => Heatmaps.Save(path, P.unsqueeze(0).unsqueeze(0), "Column (encoding dimension)", "Row (position)"));
    }
}
