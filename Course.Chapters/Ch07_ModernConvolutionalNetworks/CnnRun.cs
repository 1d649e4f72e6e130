using Course.Chapters.Infrastructure;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;
using static TorchSharp.torch;

namespace Course.Chapters.Ch07_ModernConvolutionalNetworks;

/// <summary>
/// What every chapter 7 run shares: the book's 10 epochs, batch size, learning rate and input resolution (each
/// overridden from the command line), and <c>train_ch6</c> on Fashion-MNIST at that resolution.
/// </summary>
/// <param name="Epochs">Number of epochs.</param>
/// <param name="BatchSize">Minibatch size.</param>
/// <param name="Lr">Learning rate.</param>
/// <param name="Size">Image side the network is built for.</param>
/// <param name="BookResize">The book's <c>resize</c>, or null where it trains on the 28×28 images as they are.</param>
public sealed record CnnRun(int Epochs, int BatchSize, double Lr, int Size, int? BookResize)
{
    /// <summary>The run's settings; <paramref name="minimum"/> is the network's smallest input (<see cref="InputResolution.Resolve"/>).</summary>
    public static CnnRun Settings(RunContext ctx, string network, int bookBatchSize, double bookLr, int? bookResize, int minimum)
    {
        int epochs = ctx.Epochs(10), batchSize = ctx.BatchSize(bookBatchSize);
        double lr = ctx.LearningRate(bookLr);
        return new(epochs, batchSize, lr, InputResolution.Resolve(ctx, bookResize ?? FashionMnist.Side, minimum, network, batchSize), bookResize);
    }

    /// <summary><c>train_ch6(net, train_iter, test_iter, num_epochs, lr, device)</c> on Fashion-MNIST at <see cref="Size"/>.</summary>
    public ClassifierHistory Train(RunContext ctx, nn.Module<Tensor, Tensor> net) =>
        FashionMnistClassification.TrainCh6(ctx, net, FashionMnistClassification.Load(ctx, BatchSize, resize: Size == FashionMnist.Side && BookResize is null ? null : Size), Lr, Epochs);
}
