using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch05_DeepLearningComputation;

/// <summary>
/// 5.2 Parameter management: access by index and by name, the state_dict, nested blocks, built-in and custom
/// initialisers, and tied (shared) parameters.
/// </summary>
[Section("parameters", "5.2", "Parameter management")]
public sealed class Parameters : ISection
{
    /// <summary>The book's net: <c>nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))</c>.</summary>
    public static Sequential Net() => nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1));

    /// <summary>The <see cref="Linear"/> layer at index <paramref name="i"/> of a Sequential (the book's <c>net[i]</c>).</summary>
    public static Linear Layer(Sequential net, int i) => (Linear)net[i];

    /// <summary>The names and shapes of <c>net.state_dict()</c>, in order.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> StateDictShapes(nn.Module net) =>
        net.state_dict().Select(kv => (kv.Key, kv.Value.shape)).ToArray();

    /// <summary>d2l's <c>block1()</c>: <c>Sequential(Linear(4, 8), ReLU(), Linear(8, 4), ReLU())</c>.</summary>
    public static Sequential Block1() => nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU());

    /// <summary>d2l's <c>block2()</c>: four <see cref="Block1"/>s added as <c>'block 0'</c> … <c>'block 3'</c>.</summary>
    public static Sequential Block2()
    {
        var net = nn.Sequential();
        for (int i = 0; i < 4; i++) net.append($"block {i}", Block1());
        return net;
    }

    /// <summary>d2l's <c>rgnet = nn.Sequential(block2(), nn.Linear(4, 1))</c>.</summary>
    public static Sequential RgNet() => nn.Sequential(Block2(), nn.Linear(4, 1));

    /// <summary>d2l's <c>init_normal</c>: weights ~ N(0, 0.01²), biases 0, for every Linear (use with <c>net.apply</c>).</summary>
    public static void InitNormal(nn.Module m)
    {
        if (m is not Linear linear) return;
        using var _ = no_grad();
        nn.init.normal_(linear.weight, mean: 0, std: 0.01);
        nn.init.zeros_(linear.bias);
    }

    /// <summary>d2l's <c>init_constant</c>: weights 1, biases 0.</summary>
    public static void InitConstant(nn.Module m)
    {
        if (m is not Linear linear) return;
        using var _ = no_grad();
        nn.init.constant_(linear.weight, 1);
        nn.init.zeros_(linear.bias);
    }

    /// <summary>d2l's <c>init_xavier</c>: Xavier-uniform weights.</summary>
    public static void InitXavier(nn.Module m)
    {
        if (m is not Linear linear) return;
        using var _ = no_grad();
        nn.init.xavier_uniform_(linear.weight);
    }

    /// <summary>d2l's <c>init_42</c>: every weight 42.</summary>
    public static void Init42(nn.Module m)
    {
        if (m is not Linear linear) return;
        using var _ = no_grad();
        nn.init.constant_(linear.weight, 42);
    }

    /// <summary>
    /// d2l's <c>my_init</c>: weights ~ U(−10, 10), then those with |w| &lt; 5 set to 0 (so every weight is 0 or in
    /// ±[5, 10]). Writes the book's <c>Init weight torch.Size([8, 4])</c> line per Linear to <paramref name="log"/>.
    /// </summary>
    public static Action<nn.Module> MyInit(TextWriter log) => m =>
    {
        if (m is not Linear linear) return;
        var (name, parameter) = linear.named_parameters().First();
        log.WriteLine($"Init {name} torch.Size([{string.Join(", ", parameter.shape)}])");
        using var _ = no_grad();
        nn.init.uniform_(linear.weight, -10, 10);
        linear.weight.mul_(linear.weight.abs() >= 5);
    };

    /// <summary>
    /// The book's tied layers: <c>shared = nn.Linear(8, 8)</c> used at indices 2 and 4 of
    /// <c>Sequential(Linear(4, 8), ReLU, shared, ReLU, shared, ReLU, Linear(8, 1))</c>.
    /// </summary>
    public static (Sequential Net, Linear Shared) SharedNet()
    {
        var shared = nn.Linear(8, 8);
        var net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 1));
        return (net, shared);
    }

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var o = ctx.Out;
        var net = Net();
        var X = rand(2, 4);
        o.Show("net(X)", net.forward(X));

        // Parameter access.
        var out2 = Layer(net, 2);
        o.WriteLine("net[2].state_dict():");
        foreach (var (name, value) in out2.state_dict()) o.Show($"  {name}", value);
        o.WriteLine($"type(net[2].bias): {out2.bias!.GetType().FullName}");
        o.Show("net[2].bias.data", out2.bias.detach());
        o.WriteLine($"net[2].weight.grad == None: {out2.weight!.grad is null}");
        o.WriteLine($"net[0].named_parameters(): {ModuleTree.ParameterShapes(Layer(net, 0))}");
        o.WriteLine($"net.named_parameters():    {ModuleTree.ParameterShapes(net)}");
        o.Show("net.state_dict()['2.bias'].data", net.state_dict()["2.bias"]);
        long count = ModelConstruction.ParameterCount(net);
        o.WriteLine($"{net.parameters().Count()} parameter tensors, {count} numbers");
        ctx.Metric("net_parameters", count);

        // Nested blocks.
        var rgnet = RgNet();
        o.Show("rgnet(X)", rgnet.forward(X));
        o.WriteLine("print(rgnet):");
        o.WriteLine(ModuleTree.Format(rgnet));
        o.WriteLine($"rgnet.state_dict() names: {string.Join(", ", StateDictShapes(rgnet).Select(s => s.Name))}");
        var deep = (Linear)((Sequential)((Sequential)rgnet[0])[1])[0];
        o.Show("rgnet[0][1][0].bias.data", deep.bias!.detach());
        ctx.Metric("rgnet_parameters", ModelConstruction.ParameterCount(rgnet));

        // Built-in initialisers.
        net.apply(InitNormal);
        o.WriteLine($"init_normal:   net[0].weight.data[0] = {Printing.Format(Layer(net, 0).weight![0])}, net[0].bias.data[0] = {Printing.Format(Layer(net, 0).bias![0])}");
        net.apply(InitConstant);
        o.WriteLine($"init_constant: net[0].weight.data[0] = {Printing.Format(Layer(net, 0).weight![0])}, net[0].bias.data[0] = {Printing.Format(Layer(net, 0).bias![0])}");
        Layer(net, 0).apply(InitXavier);
        Layer(net, 2).apply(Init42);
        o.WriteLine($"xavier on net[0]: net[0].weight.data[0] = {Printing.Format(Layer(net, 0).weight![0])}");
        o.WriteLine($"init_42 on net[2]: net[2].weight.data = {Printing.Format(Layer(net, 2).weight!.detach())}");

        // A custom initialiser, then setting parameters directly.
        net.apply(MyInit(o));
        o.Show("net[0].weight[:2]", Layer(net, 0).weight!.detach()[..2]);
        using (no_grad())
        {
            Layer(net, 0).weight!.add_(1);
            Layer(net, 0).weight![0, 0] = tensor(42f);
        }
        o.Show("after weight += 1 and weight[0, 0] = 42: net[0].weight.data[0]", Layer(net, 0).weight!.detach()[0]);

        // Tied parameters.
        var (sharedNet, shared) = SharedNet();
        o.Show("shared net(X)", sharedNet.forward(X));
        var w2 = Layer(sharedNet, 2).weight!;
        var w4 = Layer(sharedNet, 4).weight!;
        o.WriteLine($"shared: net[2].weight.data[0] == net[4].weight.data[0]: {Printing.Format(w2.detach()[0] == w4.detach()[0])}");
        using (no_grad()) w2[0, 0] = tensor(100f);
        o.WriteLine($"after net[2].weight.data[0, 0] = 100, net[4].weight.data[0, 0] = {w4.detach()[0, 0].item<float>()} (one tensor, two uses)");
        sharedNet.forward(X).sum().backward();
        o.WriteLine($"after backward, shared.weight.grad holds the sum of both uses' gradients; its norm = {shared.weight!.grad!.norm().item<float>():F4}");
        o.WriteLine($"the tied net has {sharedNet.parameters().Count()} parameter tensors (the shared layer once)");
    }
}
