using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;
using static TorchSharp.torch;
using Timer = Course.Core.Training.Timer;

namespace Course.Chapters.Ch03_LinearNetworks;

/// <summary>3.1 Linear regression: why vectorize (a loop against one tensor add) and the normal distributions behind squared loss.</summary>
[Section("linear-regression", "3.1", "Linear regression")]
public sealed class LinearRegression : ISection
{
    /// <summary>The density of N(μ, σ²) at x.</summary>
    public static double Normal(double x, double mu, double sigma) =>
        1 / Math.Sqrt(2 * Math.PI * sigma * sigma) * Math.Exp(-0.5 / (sigma * sigma) * (x - mu) * (x - mu));

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        const int n = 10000;
        var a = ones(n);
        var b = ones(n);

        var c = zeros(n);
        var timer = new Timer();
        for (int i = 0; i < n; i++)
        {
            using var sum = a[i] + b[i];
            c[i] = sum;
        }
        double loop = timer.Stop();
        timer.Start();
        var d = a + b;
        double vectorized = timer.Stop();
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"for-loop: {loop:F5} sec"));
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"vectorized: {vectorized:F5} sec ({loop / vectorized:F0}x faster, same result: {c.equal(d).all().item<bool>()})"));
        ctx.Metric("loop_sec", loop);
        ctx.Metric("vectorized_sec", vectorized);

        double[] x = Enumerable.Range(0, 1400).Select(i => -7 + i * 0.01).ToArray();
        (double Mu, double Sigma)[] pairs = [(0, 1), (0, 2), (3, 1)];
        ctx.Figure("normal", path => LineChart.Save(path, x, pairs.Select(p => x.Select(v => Normal(v, p.Mu, p.Sigma)).ToArray()).ToArray(),
            pairs.Select(p => $"mean {p.Mu}, std {p.Sigma}").ToArray(), new AxesStyle { XLabel = "x", YLabel = "p(x)" }));
    }
}
