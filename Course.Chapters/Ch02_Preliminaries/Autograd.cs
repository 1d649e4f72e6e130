using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using static TorchSharp.torch;

namespace Course.Chapters.Ch02_Preliminaries;

/// <summary>2.5 Automatic differentiation: gradients of y = 2xᵀx, of sums, of detached computations and of control flow.</summary>
[Section("autograd", "2.5", "Automatic differentiation")]
public sealed class Autograd : ISection
{
    /// <summary>The gradient of y = 2xᵀx at x (the book: 4x).</summary>
    public static Tensor GradientOfTwiceSquaredNorm(Tensor x)
    {
        var v = x.detach().clone().requires_grad_(true);
        (2 * dot(v, v)).backward();
        return v.grad!;
    }

    /// <summary>The book's detach example: z = u·x with u = (x·x).detach(); returns x.grad (= u) and then, after y.sum().backward(), 2x.</summary>
    public static (Tensor GradWithDetachedU, Tensor GradOfY) Detach(Tensor x)
    {
        var v = x.detach().clone().requires_grad_(true);
        var y = v * v;
        var u = y.detach();
        var z = u * v;
        z.sum().backward();
        var first = v.grad!.clone();
        v.grad!.zero_();
        y.sum().backward();
        return (first, v.grad!.clone());
    }

    /// <summary>The book's control-flow function f(a): double b until its norm reaches 1000, then keep it or scale it by 100.</summary>
    public static Tensor ControlFlow(Tensor a)
    {
        var b = a * 2;
        while (b.norm().item<float>() < 1000) b = b * 2;
        return b.sum().item<float>() > 0 ? b : 100 * b;
    }

    /// <inheritdoc />
    public void Run(RunContext ctx)
    {
        var o = ctx.Out;
        var x = arange(4.0f);
        o.Show("x", x);
        o.Show("∇ of 2·xᵀx (= 4x)", GradientOfTwiceSquaredNorm(x));

        var v = x.clone().requires_grad_(true);
        v.sum().backward();
        o.Show("∇ of x.sum()", v.grad!);
        v.grad!.zero_();
        (v * v).sum().backward();
        o.Show("∇ of (x * x).sum()", v.grad!);

        var (withU, ofY) = Detach(x);
        o.Show("detach: x.grad == u", withU);
        o.Show("then y.sum().backward(): x.grad == 2x", ofY);

        var a = randn([], requires_grad: true);
        var d = ControlFlow(a);
        d.backward();
        o.WriteLine($"control flow: a = {a.item<float>():F4}, d/a = {(d / a).item<float>():F1}, a.grad = {a.grad!.item<float>():F1} (equal: {a.grad!.eq(d / a).item<bool>()})");
    }
}
