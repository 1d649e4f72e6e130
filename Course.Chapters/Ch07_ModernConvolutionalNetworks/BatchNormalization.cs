using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch07_ModernConvolutionalNetworks;

/// <summary>
/// 7.5 Batch normalization from scratch: the book's <c>batch_norm</c> function (<see cref="Normalize"/>) and its
/// <c>BatchNorm</c> layer with a learnable scale <c>gamma</c> and shift <c>beta</c> and the moving mean and variance
/// used for prediction.
/// </summary>
/// <remarks>
/// <para>
/// Two departures from the book, both to behave like <c>nn.BatchNorm2d</c>: training and prediction mode follow the
/// module's <c>training</c> flag (<c>net.train()</c> / <c>net.eval()</c>) where the book tests
/// <c>torch.is_grad_enabled()</c> (the shared training loop sets both, so runs are the same); and the moving statistics
/// are registered buffers updated in place, so they move with <c>.to(device)</c> and are saved in the
/// <c>state_dict</c>, where the book rebinds plain attributes and moves them in <c>forward</c>.
/// </para>
/// <para>
/// With momentum 0.9 here and PyTorch's 0.1 (its <c>momentum</c> weighs the new batch, the book's the old average) the
/// outputs and the moving mean equal <c>nn.BatchNorm2d</c>'s; the moving variance does not: the book averages the
/// biased batch variance (the one it normalises with), PyTorch the unbiased one (× m/(m−1) for m values per feature).
/// </para>
/// </remarks>
public sealed class BatchNorm : nn.Module<Tensor, Tensor>, IBookState
{
    /// <summary>The scale parameter, initialised to 1: shape (1, features) or (1, channels, 1, 1).</summary>
    public readonly Parameter gamma;

    /// <summary>The shift parameter, initialised to 0.</summary>
    public readonly Parameter beta;

    /// <summary>The moving mean (a buffer, not a parameter), initialised to 0.</summary>
    public readonly Tensor moving_mean;

    /// <summary>The moving variance (a buffer), initialised to 1.</summary>
    public readonly Tensor moving_var;

    /// <summary>
    /// <c>BatchNorm(num_features, num_dims)</c>: <paramref name="numFeatures"/> outputs of a fully connected layer
    /// (<paramref name="numDims"/> = 2) or channels of a convolutional layer (4).
    /// </summary>
    public BatchNorm(int numFeatures, int numDims) : base(nameof(BatchNorm))
    {
        long[] shape = numDims switch
        {
            2 => [1, numFeatures],
            4 => [1, numFeatures, 1, 1],
            _ => throw new ArgumentOutOfRangeException(nameof(numDims), numDims, "BatchNorm takes 2-D (fully connected) or 4-D (convolutional) inputs."),
        };
        gamma = nn.Parameter(ones(shape));
        beta = nn.Parameter(zeros(shape));
        moving_mean = zeros(shape);
        moving_var = ones(shape);
        RegisterComponents();
    }

    /// <summary>
    /// d2l's state_dict holds <c>gamma</c> and <c>beta</c> only: the book's moving statistics are plain attributes, so
    /// PyTorch weights (<c>--weights</c>, <c>model.safetensors</c>) carry neither, as <c>torch.save(net.state_dict())</c>
    /// in the book does not; Course's own checkpoint keeps them.
    /// </summary>
    public string? BookName(string name) => name is nameof(moving_mean) or nameof(moving_var) ? null : name;

    /// <summary>
    /// d2l's <c>batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum)</c>: in training mode normalises with
    /// the mini-batch's mean and (biased) variance, per feature for 2-D inputs and per channel (over batch, height and
    /// width) for 4-D inputs, and returns the updated moving statistics
    /// <c>momentum · moving + (1 − momentum) · batch</c> (detached); in prediction mode normalises with the moving
    /// statistics and returns them unchanged. Then scales by <paramref name="gamma"/> and shifts by <paramref name="beta"/>.
    /// </summary>
    public static (Tensor Y, Tensor MovingMean, Tensor MovingVar) Normalize(Tensor X, Tensor gamma, Tensor beta,
        Tensor movingMean, Tensor movingVar, double eps, double momentum, bool training)
    {
        Tensor xHat;
        if (!training)
        {
            // Prediction mode: the moving mean and variance.
            xHat = (X - movingMean) / sqrt(movingVar + eps);
        }
        else
        {
            Tensor mean, var;
            if (X.dim() == 2)
            {
                // Fully connected layer: mean and variance of each feature.
                mean = X.mean([0]);
                var = (X - mean).pow(2).mean([0]);
            }
            else if (X.dim() == 4)
            {
                // Convolutional layer: mean and variance of each channel (axis 1), keeping X's shape for broadcasting.
                mean = X.mean([0, 2, 3], keepdim: true);
                var = (X - mean).pow(2).mean([0, 2, 3], keepdim: true);
            }
            else throw new ArgumentException($"batch_norm takes 2-D or 4-D inputs, not {X.dim()}-D {FormatShape(X)}.", nameof(X));
            // Training mode: the current mean and variance.
            xHat = (X - mean) / sqrt(var + eps);
            // Update the moving averages.
            movingMean = (momentum * movingMean + (1.0 - momentum) * mean).detach();
            movingVar = (momentum * movingVar + (1.0 - momentum) * var).detach();
        }
        var Y = gamma * xHat + beta;
        return (Y, movingMean, movingVar);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor X)
    {
        var (Y, mean, var) = Normalize(X, gamma, beta, moving_mean, moving_var, eps: 1e-5, momentum: 0.9, training);
        if (training)
        {
            using (no_grad())
            {
                moving_mean.copy_(mean);
                moving_var.copy_(var);
            }
        }
        return Y;
    }

    private static string FormatShape(Tensor t) => $"({string.Join(", ", t.shape)})";
}

/// <summary>
/// 7.5 LeNet with batch normalization after every convolution and dense layer, before the sigmoid. The pools average,
/// as in d2l-zh 2.0.0 and 6.6's LeNet (the lecture notes copy an earlier notebook that max-pools).
/// </summary>
public sealed class BatchNormLeNet : Sequential
{
    /// <summary>The smallest input side: the second 5×5 convolution needs a 5×5 input.</summary>
    public const int MinimumInput = 16;

    /// <summary>
    /// Builds the network with the scratch <see cref="BatchNorm"/> (<paramref name="concise"/> false) or with
    /// <c>nn.BatchNorm2d</c>/<c>nn.BatchNorm1d</c>, for single-channel <paramref name="inputSize"/>² images (the book's 28
    /// gives <c>Linear(16 * 4 * 4, 120)</c>).
    /// </summary>
    public BatchNormLeNet(bool concise, int inputSize = 28) : base(Layers(concise, inputSize))
    {
    }

    /// <summary>The book's layers in its order: d2l's model is this <c>nn.Sequential</c>, so the state_dict keys are d2l's (<c>0.weight</c>, <c>1.gamma</c>, …).</summary>
    private static nn.Module<Tensor, Tensor>[] Layers(bool concise, int inputSize)
    {
        if (inputSize < MinimumInput) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"LeNet needs inputs of at least {MinimumInput} pixels.");
        int s = InputResolution.Output(InputResolution.Output(inputSize, 5) / 2, 5) / 2;
        nn.Module<Tensor, Tensor> Norm(int features, int dims) =>
            concise ? (dims == 4 ? nn.BatchNorm2d(features) : nn.BatchNorm1d(features)) : new BatchNorm(features, dims);
        return [
            nn.Conv2d(1, 6, kernel_size: 5), Norm(6, 4), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size: 2, stride: 2),
            nn.Conv2d(6, 16, kernel_size: 5), Norm(16, 4), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size: 2, stride: 2),
            nn.Flatten(),
            nn.Linear(16 * s * s, 120), Norm(120, 2), nn.Sigmoid(),
            nn.Linear(120, 84), Norm(84, 2), nn.Sigmoid(),
            nn.Linear(84, 10)];
    }
}

/// <summary>
/// 7.5 LeNet with the scratch batch normalization on Fashion-MNIST with <c>train_ch6</c>: batch 256, lr 1.0, 10
/// epochs; prints the first layer's learned <c>gamma</c> and <c>beta</c>.
/// </summary>
[Section("batch-norm", "7.5", "Batch normalization (from scratch)", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class BatchNormSection : ISection<BatchNormSection.Settings>
{
    /// <summary>The book's <c>lr, num_epochs, batch_size = 1.0, 10, 256</c> (the concise run's too), on the 28×28 images as they are; <c>--limit</c> trains on fewer examples.</summary>
    public sealed record Settings(int Epochs = 10, int BatchSize = 256, double Lr = 1.0, int Resize = 28, int? Limit = null);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var net = Train(ctx, s, concise: false);
        // The scale and shift the first batch normalization layer learned.
        var first = (BatchNorm)net[1];
        ctx.Out.Show("gamma", first.gamma.reshape(-1));
        ctx.Out.Show("beta", first.beta.reshape(-1));
    }

    /// <summary>The book's cell for either LeNet: <c>train_ch6</c> on Fashion-MNIST at the settings' resolution.</summary>
    internal static BatchNormLeNet Train(RunContext ctx, Settings s, bool concise)
    {
        InputResolution.Check(ctx, "LeNet", s.Resize, BatchNormLeNet.MinimumInput, s.BatchSize);
        var net = new BatchNormLeNet(concise, s.Resize);
        ShapeTable.Print(ctx.Out, net, 1, 1, s.Resize, s.Resize);
        var (trainIter, testIter) = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit, s.Resize);
        Course.Core.Training.Train.Ch6(ctx, net, trainIter, testIter, s.Epochs, s.Lr);
        return net;
    }
}

/// <summary>7.5 The same LeNet with <c>nn.BatchNorm2d</c> and <c>nn.BatchNorm1d</c>, trained with the same hyperparameters.</summary>
[Section("batch-norm-concise", "7.5", "Batch normalization (concise)", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class BatchNormConciseSection : ISection<BatchNormSection.Settings>
{
    /// <inheritdoc />
    public void Run(RunContext ctx, BatchNormSection.Settings s) => BatchNormSection.Train(ctx, s, concise: true);
}
