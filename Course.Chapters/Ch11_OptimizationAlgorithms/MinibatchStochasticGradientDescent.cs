using System.Diagnostics;
using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using static TorchSharp.torch;

namespace Course.Chapters.Ch11_OptimizationAlgorithms;

/// <summary>
/// 11.5 Minibatch stochastic gradient descent: how fast a matrix product runs element by element, by columns, whole
/// and in blocks; then <c>train_ch11</c> on the airfoil data with gradient descent (one batch of 1,500), stochastic
/// gradient descent (batches of 1) and minibatches of 100 and 10, their losses against time, and
/// <c>train_concise_ch11</c> with <c>torch.optim.SGD</c>.
/// </summary>
[Section("minibatch-sgd", "11.5", "Minibatch stochastic gradient descent", Dataset = "airfoil")]
public sealed class MinibatchStochasticGradientDescent : ISection<MinibatchStochasticGradientDescent.Settings>
{
    /// <summary>
    /// The book's <c>train_sgd(lr, batch_size, num_epochs=2)</c> runs: gradient descent <c>train_sgd(1, 1500, 10)</c>,
    /// <c>train_sgd(0.005, 1)</c>, <c>train_sgd(.4, 100)</c>, <c>train_sgd(.05, 10)</c>; the concise SGD at lr 0.01 for
    /// 4 epochs; the timing's 256 × 256 matrices.
    /// </summary>
    public sealed record Settings(int Epochs = 2, int GdEpochs = 10, double GdLr = 1, double SgdLr = 0.005, double Batch100Lr = 0.4,
        double Batch10Lr = 0.05, int ConciseEpochs = 4, double ConciseLr = 0.01, int MatrixSize = 256);

    /// <summary>d2l's <c>sgd(params, states, hyperparams)</c> (11.5): p ← p − η∇p, then the gradient is zeroed.</summary>
    public static void Sgd(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor[]> states, IDictionary<string, double> hyperparams)
    {
        foreach (var p in parameters)
        {
            p.sub_(hyperparams["lr"] * p.grad!);
            p.grad!.zero_();
        }
    }

    /// <summary>d2l's <c>train_sgd(lr, batch_size, num_epochs=2)</c> (11.5): <see cref="Sgd"/> through <c>train_ch11</c>.</summary>
    public static LossOverTime TrainSgd(RunContext ctx, double lr, int batchSize, int numEpochs, string name)
    {
        var (dataIter, featureDim) = Airfoil.GetDataCh11(ctx.Data, batchSize, seed: ctx.Options.Seed);
        return Train.Ch11(ctx, Sgd, [], new Dictionary<string, double> { ["lr"] = lr }, dataIter, featureDim, numEpochs, name);
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        TimeMatrixProducts(ctx, s.MatrixSize);

        var gd = TrainSgd(ctx, s.GdLr, 1500, s.GdEpochs, "gd");
        var sgd = TrainSgd(ctx, s.SgdLr, 1, s.Epochs, "sgd");
        var mini1 = TrainSgd(ctx, s.Batch100Lr, 100, s.Epochs, "batch-100");
        var mini2 = TrainSgd(ctx, s.Batch10Lr, 10, s.Epochs, "batch-10");
        ctx.Figure("loss-against-time", path => LineChart.Save(path,
            [new LineSeries("gd", gd.Seconds, gd.Losses), new LineSeries("sgd", sgd.Seconds, sgd.Losses),
             new LineSeries("batch size=100", mini1.Seconds, mini1.Losses), new LineSeries("batch size=10", mini2.Seconds, mini2.Losses)],
            new AxesStyle { XLabel = "time (sec)", YLabel = "loss", XLim = (1e-2, 10), XScale = Scale.Log }, 600, 300));

        var (dataIter, _) = Airfoil.GetDataCh11(ctx.Data, 10, seed: ctx.Options.Seed);
        Train.ConciseCh11(ctx, parameters => optim.SGD(parameters, s.ConciseLr), dataIter, s.ConciseEpochs, "concise");
    }

    /// <summary>
    /// The book's timing of A = BC for n × n matrices: element by element (n² dot products), column by column (n
    /// matrix-vector products), at once, and in blocks of 64 columns; printed as seconds and Gigaflops (2n³ operations
    /// per product) with the threads libtorch used. d2l's cell prints 2 / seconds, which it calls Gigaflops; that is
    /// 1e9 / n³ times the real rate (about 60 times for n = 256), so Course prints the real one.
    /// </summary>
    public static void TimeMatrixProducts(RunContext ctx, int n)
    {
        using var scope = NewDisposeScope();
        var A = zeros(n, n);
        var B = randn(n, n);
        var C = randn(n, n);
        double Time(Action compute)
        {
            var timer = Stopwatch.StartNew();
            compute();
            return timer.Elapsed.TotalSeconds;
        }
        double element = Time(() =>
        {
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    using var inner = NewDisposeScope();
                    A[i, j] = dot(B[i, TensorIndex.Colon], C[TensorIndex.Colon, j]);
                }
        });
        double column = Time(() =>
        {
            for (int j = 0; j < n; j++)
            {
                using var inner = NewDisposeScope();
                A[TensorIndex.Colon, j] = mv(B, C[TensorIndex.Colon, j]);
            }
        });
        double full = Time(() => A = mm(B, C));
        double block = Time(() =>
        {
            for (int j = 0; j < n; j += 64)
            {
                using var inner = NewDisposeScope();
                A[TensorIndex.Colon, TensorIndex.Slice(j, j + 64)] = mm(B, C[TensorIndex.Colon, TensorIndex.Slice(j, j + 64)]);
            }
        });
        double Gigaflops(double seconds) => 2.0 * n * n * n / seconds / 1e9;
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{n}x{n} matrices, {get_num_threads()} thread(s): element by element {element:F3} s, column by column {column:F3} s, full {full:F5} s, blocks of 64 {block:F5} s"));
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"performance in Gigaflops: element {Gigaflops(element):F3}, column {Gigaflops(column):F3}, full {Gigaflops(full):F3}, block {Gigaflops(block):F3}"));
        ctx.Out.WriteLine("(d2l's cell prints 2 / seconds as Gigaflops; these are 2n³ operations per second, the real rate)");
        ctx.Metric("gigaflops_full", Gigaflops(full));
    }
}
