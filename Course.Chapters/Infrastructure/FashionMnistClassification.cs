using Course.Core.Data;
using Course.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Chapters.Infrastructure;

/// <summary>
/// What the Fashion-MNIST classifier sections share (3.6, 3.7, 4.2, 4.3, 4.6, 6.6, 7.x) besides the training loop
/// (<c>Train.Ch3</c>, <c>Train.Ch6</c>): loading the data, the cross-entropy loss, and the book's normal initialisation.
/// </summary>
public static class FashionMnistClassification
{
    /// <summary><c>nn.CrossEntropyLoss(reduction='none')</c> as a per-example loss function.</summary>
    public static Func<Tensor, Tensor, Tensor> CrossEntropy()
    {
        var loss = nn.CrossEntropyLoss(reduction: nn.Reduction.None);
        return (yHat, y) => loss.call(yHat, y);
    }

    /// <summary>The book's <c>init_weights</c> (3.7, 4.3, 4.6): every Linear weight drawn from N(0, 0.01); returns <paramref name="net"/>.</summary>
    public static T InitNormal<T>(T net) where T : nn.Module
    {
        using (no_grad())
        {
            foreach (var linear in net.modules().OfType<TorchSharp.Modules.Linear>()) nn.init.normal_(linear.weight, 0, 0.01);
        }
        return net;
    }

    /// <summary>
    /// d2l's <c>load_data_fashion_mnist(batch_size, resize)</c> for this run: seeded shuffling, the first
    /// <paramref name="limit"/> examples when given, and each batch resized to <paramref name="resize"/> when given
    /// (and not the images' own 28).
    /// </summary>
    public static (ArrayLoader Train, ArrayLoader Test) Load(RunContext ctx, int batchSize, int? limit, int? resize = null) =>
        FashionMnist.Load(ctx.Data).Loaders(batchSize, resize == FashionMnist.Side ? null : resize, limit, ctx.Options.Seed);
}
