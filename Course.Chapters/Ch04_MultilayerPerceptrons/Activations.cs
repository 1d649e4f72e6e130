using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Chapters.Ch04_MultilayerPerceptrons;

/// <summary>4.1 Multilayer perceptrons: ReLU, sigmoid and tanh with their gradients (by autograd), plotted.</summary>
[Section("mlp", "4.1", "Multilayer perceptrons (activation functions)")]
public sealed class Activations : ISection
{
    /// <summary>The activation functions of 4.1, by name.</summary>
    public static IReadOnlyDictionary<string, Func<Tensor, Tensor>> Functions { get; } = new Dictionary<string, Func<Tensor, Tensor>>
    {
        ["relu"] = x => x.relu(),
        ["sigmoid"] = x => x.sigmoid(),
        ["tanh"] = x => x.tanh(),
    };

    /// <summary>f(x) and f'(x) by autograd, as the book computes them: <c>y.backward(ones_like(x))</c>.</summary>
    public static (Tensor Y, Tensor Gradient) WithGradient(Func<Tensor, Tensor> f, Tensor x)
    {
        var input = x.detach().clone().requires_grad_(true);
        var y = f(input);
        y.backward([ones_like(y)]);
        return (y.detach(), input.grad!.clone());
    }

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var x = arange(-8.0, 8.0, 0.1, dtype: float32);
        double[] xs = Doubles(x);
        foreach (var (name, f) in Functions)
        {
            var (y, gradient) = WithGradient(f, x);
            ctx.Figure(name, path => LineChart.Save(path, xs, [Doubles(y), Doubles(gradient)], [$"{name}(x)", $"grad of {name}"],
                new AxesStyle { XLabel = "x" }, 500, 320));
            ctx.Out.WriteLine($"{name}: f(0) = {f(zeros(1)).item<float>():F3}, f'(1) = {WithGradient(f, ones(1)).Gradient.item<float>():F4}");
        }
    }

    private static double[] Doubles(Tensor t) => t.cpu().data<float>().Select(v => (double)v).ToArray();
}
