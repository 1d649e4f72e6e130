using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Chapters.Ch02_Preliminaries;

/// <summary>2.6 Probability: rolling a fair die with a multinomial distribution and watching the estimates converge.</summary>
[Section("probability", "2.6", "Probability")]
public sealed class Probability : ISection
{
    /// <summary>
    /// The book's experiment: <paramref name="groups"/> groups of <paramref name="rolls"/> rolls of a fair die; row i of the
    /// result is the relative frequency of each face over the first i + 1 groups.
    /// </summary>
    public static Tensor CumulativeEstimates(int groups = 500, int rolls = 10)
    {
        using var scope = NewDisposeScope();
        var fairProbs = ones(6) / 6;
        var counts = distributions.Multinomial(rolls, fairProbs).sample(groups);
        var cumulative = counts.cumsum(0);
        return scope.MoveToOuter(cumulative / cumulative.sum(1, keepdim: true));
    }

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var fairProbs = ones(6) / 6;
        ctx.Out.Show("one roll", distributions.Multinomial(1, fairProbs).sample());
        ctx.Out.Show("ten rolls", distributions.Multinomial(10, fairProbs).sample());
        ctx.Out.Show("relative frequencies of 1000 rolls", distributions.Multinomial(1000, fairProbs).sample() / 1000);

        const int groups = 500, rolls = 10;
        var estimates = CumulativeEstimates(groups, rolls);
        double[] x = Enumerable.Range(1, groups).Select(i => (double)i).ToArray();
        var series = Enumerable.Range(0, 6)
            .Select(face => new LineSeries($"P(die={face + 1})", x, estimates[TensorIndex.Colon, face].data<float>().Select(p => (double)p).ToArray()))
            .Append(new LineSeries(null, [1, groups], [1.0 / 6, 1.0 / 6]))
            .ToArray();
        ctx.Figure("die-estimates", path => LineChart.Save(path, series, new AxesStyle { XLabel = "Groups of experiments", YLabel = "Estimated probability" }));
        ctx.Out.Show("estimates after all groups", estimates[-1]);
        ctx.Metric("max_abs_error", (estimates[-1] - 1.0 / 6).abs().max().item<float>());
    }
}
