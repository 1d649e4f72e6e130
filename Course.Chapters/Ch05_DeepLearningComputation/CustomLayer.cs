using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch05_DeepLearningComputation;

/// <summary>5.4 <c>CenteredLayer</c>: a layer without parameters that subtracts the mean, <c>X − X.mean()</c>.</summary>
public sealed class CenteredLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public CenteredLayer() : base("CenteredLayer") => RegisterComponents();

    /// <inheritdoc />
    public override Tensor forward(Tensor X) => X - X.mean();
}

/// <summary>
/// 5.4 <c>MyLinear</c>: a fully connected layer with its own <c>weight</c> (in×units) and <c>bias</c> (units), both
/// drawn from N(0, 1), followed by ReLU. Unlike the book's <c>self.weight.data</c>, <c>forward</c> uses the parameters
/// themselves, so gradients reach them and the layer can be trained.
/// </summary>
public sealed class MyLinear : nn.Module<Tensor, Tensor>
{
    /// <summary>The weight, (in_units, units).</summary>
    public readonly Parameter weight;

    /// <summary>The bias, (units).</summary>
    public readonly Parameter bias;

    /// <summary>Creates the parameters for <paramref name="inUnits"/> inputs and <paramref name="units"/> outputs.</summary>
    public MyLinear(int inUnits, int units) : base("MyLinear")
    {
        weight = nn.Parameter(randn(inUnits, units));
        bias = nn.Parameter(randn(units));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor X) => nn.functional.relu(matmul(X, weight) + bias);
}

/// <summary>5.4 Custom layers: one without parameters, one with, and both inside <c>nn.Sequential</c>.</summary>
[Section("custom-layer", "5.4", "Custom layers")]
public sealed class CustomLayer : ISection
{
    /// <summary>The book's <c>nn.Sequential(nn.Linear(8, 128), CenteredLayer())</c>.</summary>
    public static Sequential CenteredNet() => nn.Sequential(nn.Linear(8, 128), new CenteredLayer());

    /// <summary>The book's <c>nn.Sequential(MyLinear(64, 8), MyLinear(8, 1))</c>.</summary>
    public static Sequential MyLinearNet() => nn.Sequential(new MyLinear(64, 8), new MyLinear(8, 1));

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var o = ctx.Out;
        var layer = new CenteredLayer();
        o.Show("CenteredLayer()(tensor([1, 2, 3, 4, 5]))", layer.forward(tensor(new[] { 1f, 2, 3, 4, 5 })));

        var Y = CenteredNet().forward(rand(4, 8));
        float mean = Y.mean().item<float>();
        o.WriteLine($"Sequential(Linear(8, 128), CenteredLayer())(rand(4, 8)): shape [{string.Join(", ", Y.shape)}], Y.mean() = {mean:G3} (zero up to rounding)");
        ctx.Metric("centered_mean_abs", Math.Abs(mean));

        var dense = new MyLinear(5, 3);
        o.WriteLine($"MyLinear(5, 3): {ModuleTree.ParameterShapes(dense)}");
        o.Show("dense.weight", dense.weight.detach());
        o.Show("dense(torch.rand(2, 5))", dense.forward(rand(2, 5)));

        var net = MyLinearNet();
        o.Show("Sequential(MyLinear(64, 8), MyLinear(8, 1))(torch.rand(2, 64))", net.forward(rand(2, 64)));
        long count = ModelConstruction.ParameterCount(net);
        o.WriteLine($"its parameters: {ModuleTree.ParameterShapes(net)} ({count} numbers)");
        ctx.Metric("mylinear_net_parameters", count);
    }
}
