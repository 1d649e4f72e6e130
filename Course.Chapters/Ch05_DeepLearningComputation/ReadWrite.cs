using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Chapters.Ch05_DeepLearningComputation;

/// <summary>
/// 5.5 File I/O: save and load a tensor, a list and a dictionary of tensors, and a model's parameters
/// (<c>mlp.params</c>), with <see cref="TensorFiles"/> standing for <c>torch.save</c> / <c>torch.load</c>.
/// The files go to the run's folder.
/// </summary>
[Section("read-write", "5.5", "File I/O")]
public sealed class ReadWrite : ISection
{
    /// <summary>
    /// The book's round trip: <c>torch.save(net.state_dict(), path)</c>, then <c>clone = MLP()</c>,
    /// <c>clone.load_state_dict(torch.load(path))</c> and <c>clone.eval()</c>.
    /// </summary>
    public static Mlp CloneThroughFile(Mlp net, string path)
    {
        TensorFiles.SaveState(net, path);
        var clone = new Mlp();
        TensorFiles.LoadState(clone, path);
        clone.eval();
        return clone;
    }

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var o = ctx.Out;
        var x = arange(4);
        TensorFiles.Save(x, ctx.Output.File("x-file"));
        o.Show("torch.save(x, 'x-file'); torch.load('x-file')", TensorFiles.Load(ctx.Output.File("x-file")));

        var y = zeros(4);
        TensorFiles.SaveList([x, y], ctx.Output.File("x-files"));
        var list = TensorFiles.LoadList(ctx.Output.File("x-files"));
        o.WriteLine($"torch.save([x, y], 'x-files'); x2, y2 = torch.load('x-files'): ({Printing.Format(list[0])}, {Printing.Format(list[1])})");

        TensorFiles.SaveDictionary(new Dictionary<string, Tensor> { ["x"] = x, ["y"] = y }, ctx.Output.File("mydict"));
        var dict = TensorFiles.LoadDictionary(ctx.Output.File("mydict"));
        o.WriteLine($"torch.save(mydict, 'mydict'); torch.load('mydict'): {{{string.Join(", ", dict.Select(kv => $"'{kv.Key}': {Printing.Format(kv.Value)}"))}}}");

        var net = new Mlp();
        var X = rand(2, 20);
        var Y = net.forward(X);
        string path = ctx.Output.File("mlp.params");
        var clone = CloneThroughFile(net, path);
        o.WriteLine($"torch.save(net.state_dict(), 'mlp.params'): {string.Join(", ", net.state_dict().Keys)} ({new FileInfo(path).Length} bytes)");
        o.WriteLine("clone = MLP(); clone.load_state_dict(torch.load('mlp.params')); clone.eval():");
        o.WriteLine(ModuleTree.Format(clone));
        var Yclone = clone.forward(X);
        o.Show("Y_clone == Y", Yclone == Y);
        ctx.Metric("clone_max_abs_difference", (Yclone - Y).abs().max().item<float>());
        ctx.Metric("mlp_params_bytes", new FileInfo(path).Length);
    }
}
