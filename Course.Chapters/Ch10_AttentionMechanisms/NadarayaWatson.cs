using System.Globalization;
using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch10_AttentionMechanisms;

/// <summary>
/// 10.2 <c>NWKernelRegression</c>: Nadaraya–Watson kernel regression with a learnable kernel width. Each query attends
/// to its keys with the weights softmax(−((query − key)·w)²/2) and returns the weighted sum of their values.
/// </summary>
public sealed class NWKernelRegression : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>The learnable scale of the query–key distances, (1).</summary>
    public readonly Parameter w;

    /// <summary>Creates the model with w drawn from U(0, 1), the book's <c>torch.rand((1,))</c>.</summary>
    public NWKernelRegression() : base(nameof(NWKernelRegression))
    {
        w = nn.Parameter(rand(1));
        RegisterComponents();
    }

    /// <summary>
    /// The attention weights (queries, keys per query) of the last forward pass, the book's <c>self.attention_weights</c>:
    /// detached, kept outside any dispose scope, and freed when the next pass replaces them.
    /// </summary>
    public Tensor? AttentionWeights { get; private set; }

    /// <summary>
    /// One prediction per query: <paramref name="queries"/> is (n), <paramref name="keys"/> and <paramref name="values"/>
    /// are (n, m), the m keys and values each query attends to.
    /// </summary>
    public override Tensor forward(Tensor queries, Tensor keys, Tensor values)
    {
        queries = queries.repeat_interleave(keys.shape[1]).reshape(-1, keys.shape[1]);
        var weights = nn.functional.softmax(-((queries - keys) * w).square() / 2, dim: 1);
        AttentionWeights?.Dispose();
        AttentionWeights = weights.detach().DetachFromDisposeScope();
        return bmm(weights.unsqueeze(1), values.unsqueeze(-1)).reshape(-1);
    }
}

/// <summary>
/// The shared regression loop's view of <see cref="NWKernelRegression"/>: each row of its input packs a query with the
/// m keys and m values it attends to, (n, 1 + 2m). Its weights are d2l's <c>NWKernelRegression</c>'s (<c>w</c>, not
/// <c>net.w</c>), so the trained model's <c>model.safetensors</c> loads into d2l's <c>net</c>.
/// </summary>
public sealed class PackedQueries : nn.Module<Tensor, Tensor>, IBookState
{
    private readonly NWKernelRegression net;

    /// <summary>Wraps <paramref name="net"/>, whose parameters become this module's.</summary>
    public PackedQueries(NWKernelRegression net) : base(nameof(PackedQueries))
    {
        this.net = net;
        RegisterComponents();
    }

    /// <inheritdoc />
    public string? BookName(string name) => name.StartsWith("net.", StringComparison.Ordinal) ? name["net.".Length..] : name;

    /// <summary>The rows for <paramref name="queries"/> (n) and their <paramref name="keys"/> and <paramref name="values"/> (n, m).</summary>
    public static Tensor Pack(Tensor queries, Tensor keys, Tensor values) => cat([queries.unsqueeze(1), keys, values], 1);

    /// <inheritdoc />
    public override Tensor forward(Tensor rows)
    {
        long m = (rows.shape[1] - 1) / 2;
        return net.call(rows.select(1, 0), rows.narrow(1, 1, m), rows.narrow(1, 1 + m, m));
    }
}

/// <summary>
/// 10.2 Attention pooling, Nadaraya–Watson kernel regression: on 50 noisy samples of f(x) = 2 sin(x) + x^0.8, average
/// pooling, nonparametric attention pooling with a Gaussian kernel, the batch matrix multiplication it needs, and
/// <see cref="NWKernelRegression"/> trained with leave-one-out keys.
/// </summary>
[Section("nadaraya-watson", "10.2", "Attention pooling: Nadaraya-Watson kernel regression", Dataset = "synthetic")]
public sealed class NadarayaWatson : ISection<NadarayaWatson.Settings>
{
    /// <summary>The book's <c>n_train = 50</c>, <c>lr=0.5</c> and <c>for epoch in range(5)</c>.</summary>
    public sealed record Settings(int Epochs = 5, double Lr = 0.5, int NTrain = 50);

    /// <summary>The book's function to learn, f(x) = 2 sin(x) + x^0.8.</summary>
    public static Tensor F(Tensor x) => 2 * sin(x) + x.pow(0.8);

    /// <summary>The book's training set: <paramref name="count"/> sorted inputs from U(0, 5), outputs f(x) + N(0, 0.5²).</summary>
    public static (Tensor X, Tensor Y) TrainingSet(int count)
    {
        var (x, _) = (rand(count) * 5).sort();
        return (x, F(x) + normal(0.0, 0.5, [count]));
    }

    /// <summary>
    /// Nonparametric attention pooling's weights (the book's Gaussian kernel): row i is softmax over
    /// <paramref name="keys"/> (m) of −(query_i − key)²/2, for each of the (n) <paramref name="queries"/>.
    /// </summary>
    public static Tensor GaussianAttentionWeights(Tensor queries, Tensor keys)
    {
        var repeated = queries.repeat_interleave(keys.shape[0]).reshape(-1, keys.shape[0]);
        return nn.functional.softmax(-(repeated - keys).square() / 2, dim: 1);
    }

    /// <summary>
    /// The book's training keys and values: row i holds every training input (and output) except the i-th, so that no
    /// training query attends to its own example.
    /// </summary>
    public static (Tensor Keys, Tensor Values) LeaveOneOut(Tensor xTrain, Tensor yTrain)
    {
        long n = xTrain.shape[0];
        var others = eye(n, dtype: @bool, device: xTrain.device).logical_not();
        return (xTrain.repeat(n, 1).masked_select(others).reshape(n, -1), yTrain.repeat(n, 1).masked_select(others).reshape(n, -1));
    }

    /// <summary>
    /// The book's training loop: full-batch SGD on the summed squared error with leave-one-out keys, in the shared loop
    /// on the run's device, drawn into <paramref name="animator"/> if given. Returns each epoch's summed loss, taken before
    /// its step; a NaN or infinite loss stops training with a <see cref="CourseException"/>.
    /// </summary>
    public static IReadOnlyList<double> Fit(RunContext ctx, NWKernelRegression net, Tensor xTrain, Tensor yTrain, int epochs, double lr, Animator? animator = null)
    {
        var (keys, values) = LeaveOneOut(xTrain, yTrain);
        var rows = PackedQueries.Pack(xTrain, keys, values);
        var history = Train.Regression(ctx, new PackedQueries(net), new ArrayLoader(rows, yTrain, (int)rows.shape[0], shuffle: false),
            (yHat, y) => (yHat - y).square(), Updaters.Sgd(lr), epochs, sumLoss: true, animator: animator);
        return history.Epochs.Select(e => e.Metrics["loss"]).ToArray();
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        using var scope = NewDisposeScope();
        var (xTrain, yTrain) = TrainingSet(s.NTrain);
        var xTest = arange(0, 5, 0.1, dtype: float32);
        int nTest = (int)xTest.shape[0];
        var yTruth = F(xTest);

        // The book's plot_kernel_reg: truth and prediction over the test inputs, the training examples as points.
        void PlotKernelReg(string name, Tensor yHat) => ctx.Figure(name, path => LineChart.Save(path,
            [
                new LineSeries("Truth", Doubles(xTest), Doubles(yTruth)),
                new LineSeries("Pred", Doubles(xTest), Doubles(yHat)),
                new LineSeries(null, Doubles(xTrain), Doubles(yTrain), PointsOnly: true),
            ],
            new AxesStyle { XLabel = "x", YLabel = "y", XLim = (0, 5), YLim = (-1, 5) }));

        var averaged = yTrain.mean().repeat(nTest);
        PlotKernelReg("average-pooling", averaged);

        var attentionWeights = GaussianAttentionWeights(xTest, xTrain);
        var nonparametric = matmul(attentionWeights, yTrain);
        PlotKernelReg("nonparametric", nonparametric);
        ctx.Figure("nonparametric-attention", path => Heatmaps.Save(path, attentionWeights.unsqueeze(0).unsqueeze(0),
            xLabel: "Sorted training inputs", yLabel: "Sorted testing inputs"));

        var X = ones(2, 1, 4);
        var Y = ones(2, 4, 6);
        ctx.Out.WriteLine($"torch.bmm(X, Y).shape: {Printing.Shape(bmm(X, Y))}");
        var weights = ones(2, 10) * 0.1;
        var values = arange(20.0f).reshape(2, 10);
        ctx.Out.Show("torch.bmm(weights.unsqueeze(1), values.unsqueeze(-1))", bmm(weights.unsqueeze(1), values.unsqueeze(-1)));

        var net = new NWKernelRegression();
        var animator = ctx.Animator("training-loss", ["loss"], new AxesStyle { XLabel = "epoch", YLabel = "loss", XLim = (1, s.Epochs) });
        var losses = Fit(ctx, net, xTrain, yTrain, s.Epochs, s.Lr, animator);
        for (int epoch = 1; epoch <= losses.Count; epoch++)
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}, loss {losses[epoch - 1]:F6}"));

        var parametric = new PackedQueries(net).Predict(PackedQueries.Pack(xTest, xTrain.repeat(nTest, 1), yTrain.repeat(nTest, 1)));
        PlotKernelReg("parametric", parametric);
        ctx.Figure("parametric-attention", path => Heatmaps.Save(path, net.AttentionWeights!.cpu().unsqueeze(0).unsqueeze(0),
            xLabel: "Sorted training inputs", yLabel: "Sorted testing inputs"));

        double learnedW = net.w.item<float>();
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"learned w {learnedW:F4}"));
        ctx.Metric("loss", losses[^1]);
        ctx.Metric("w", learnedW);
        foreach (var (name, yHat) in new[] { ("average", averaged), ("nonparametric", nonparametric), ("parametric", parametric) })
        {
            double mse = (yHat - yTruth).square().mean().item<float>();
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} pooling: MSE against f {mse:F4}"));
            ctx.Metric($"mse_{name}", mse);
        }
    }

    private static double[] Doubles(Tensor t) => t.detach().cpu().data<float>().Select(v => (double)v).ToArray();
}
