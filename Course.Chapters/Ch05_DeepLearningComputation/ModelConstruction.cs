using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch05_DeepLearningComputation;

/// <summary>5.1 (and 5.5) <c>MLP</c>: a hidden layer of 256 ReLU units on 20 inputs, 10 outputs.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    // The fields keep d2l's names, so the state_dict reads hidden.weight, out.bias, ….
    private readonly Linear hidden;
    private readonly Linear @out;

    /// <summary>Creates the layers: <c>hidden = Linear(20, 256)</c>, <c>out = Linear(256, 10)</c>.</summary>
    public Mlp() : base("MLP")
    {
        hidden = nn.Linear(20, 256);
        @out = nn.Linear(256, 10);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor X) => @out.forward(nn.functional.relu(hidden.forward(X)));
}

/// <summary>5.1 <c>MySequential</c>: runs its blocks one after another, in the order they were given.</summary>
public sealed class MySequential : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor>[] _blocks;

    /// <summary>Registers each block under its index, as the book's <c>self._modules[str(idx)] = module</c>.</summary>
    public MySequential(params nn.Module<Tensor, Tensor>[] blocks) : base("MySequential")
    {
        _blocks = blocks;
        for (int i = 0; i < blocks.Length; i++) register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), blocks[i]);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor X)
    {
        foreach (var block in _blocks) X = block.forward(X);
        return X;
    }
}

/// <summary>
/// 5.1 <c>FixedHiddenMLP</c>: a constant random weight that training never changes, one linear layer used twice
/// (shared parameters) and Python control flow in <c>forward</c>: halve until the absolute sum is at most 1.
/// </summary>
public sealed class FixedHiddenMlp : nn.Module<Tensor, Tensor>
{
    // rand_weight is a buffer, not a Parameter: no gradient, never trained. Unlike the book's plain attribute it moves
    // with .to(device) and is saved in the state_dict, so a reloaded copy computes the same function. (TorchSharp 0.107
    // neither lists nor moves a non-persistent buffer, so a persistent one it is.)
    private readonly Tensor rand_weight;
    private readonly Linear linear;

    /// <summary>Draws <c>rand_weight</c> ~ U(0, 1)^(20×20) and creates <c>linear = Linear(20, 20)</c>.</summary>
    public FixedHiddenMlp() : base("FixedHiddenMLP")
    {
        rand_weight = rand(20, 20);
        linear = nn.Linear(20, 20);
        RegisterComponents();
    }

    /// <summary>The constant weight (for tests: it must not require a gradient).</summary>
    public Tensor RandWeight => rand_weight;

    /// <inheritdoc />
    public override Tensor forward(Tensor X)
    {
        X = linear.forward(X);
        X = nn.functional.relu(mm(X, rand_weight) + 1);
        X = linear.forward(X);
        while ((X.abs().sum() > 1).item<bool>()) X /= 2;
        return X.sum();
    }
}

/// <summary>5.1 <c>NestMLP</c>: a Sequential of two ReLU layers (20→64→32) inside a block, then <c>Linear(32, 16)</c>.</summary>
public sealed class NestMlp : nn.Module<Tensor, Tensor>
{
    private readonly Sequential net;
    private readonly Linear linear;

    /// <summary>Creates <c>net</c> and <c>linear</c>.</summary>
    public NestMlp() : base("NestMLP")
    {
        net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU());
        linear = nn.Linear(32, 16);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor X) => linear.forward(net.forward(X));
}

/// <summary>5.1 Layers and blocks: <c>nn.Sequential</c>, a custom block, a sequential block, control flow and nesting.</summary>
[Section("model-construction", "5.1", "Layers and blocks")]
public sealed class ModelConstruction : ISection
{
    /// <summary>The book's first net: <c>nn.Sequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))</c>.</summary>
    public static Sequential SequentialMlp() => nn.Sequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10));

    /// <summary>The same layers run by <see cref="MySequential"/>.</summary>
    public static MySequential MySequentialMlp() => new(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10));

    /// <summary>The chimera: <c>nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())</c>.</summary>
    public static Sequential Chimera() => nn.Sequential(new NestMlp(), nn.Linear(16, 20), new FixedHiddenMlp());

    /// <summary>The number of scalar parameters of a module (a shared layer counts once, as in PyTorch).</summary>
    public static long ParameterCount(nn.Module module) => module.parameters().Sum(p => p.numel());

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var o = ctx.Out;
        var X = rand(2, 20);
        o.Show("X = torch.rand(2, 20)", X);

        var blocks = new (string Name, nn.Module<Tensor, Tensor> Net)[]
        {
            ("nn.Sequential(Linear(20, 256), ReLU(), Linear(256, 10))", SequentialMlp()),
            ("MLP()", new Mlp()),
            ("MySequential(Linear(20, 256), ReLU(), Linear(256, 10))", MySequentialMlp()),
        };
        foreach (var (name, net) in blocks)
        {
            var Y = net.forward(X);
            o.Show($"{name}(X), shape [{string.Join(", ", Y.shape)}]", Y);
        }
        o.WriteLine($"MLP has {ParameterCount(blocks[1].Net)} parameters: {ModuleTree.ParameterShapes(blocks[1].Net)}");
        ctx.Metric("mlp_parameters", ParameterCount(blocks[1].Net));

        var fixedHidden = new FixedHiddenMlp();
        o.WriteLine($"FixedHiddenMLP()(X) = {fixedHidden.forward(X).item<float>():F4}  (a scalar: the sum after halving until |X|.sum() <= 1)");
        o.WriteLine($"  its parameters: {ModuleTree.ParameterShapes(fixedHidden)}; rand_weight (20x20) is a constant, requires_grad = {fixedHidden.RandWeight.requires_grad}");

        var chimera = Chimera();
        o.WriteLine($"chimera = nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP()); chimera(X) = {chimera.forward(X).item<float>():F4}");
        o.WriteLine(ModuleTree.Format(chimera));
        o.WriteLine($"chimera has {ParameterCount(chimera)} parameters");
        ctx.Metric("chimera_parameters", ParameterCount(chimera));
    }
}
