using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// One optimisation step from the per-example losses of a minibatch: backward and parameter update. It stands for
/// d2l's two kinds of <c>updater</c> in <c>train_epoch_ch3</c> (3.6): a torch optimizer or the from-scratch <c>sgd</c>.
/// </summary>
public interface IUpdater
{
    /// <summary>
    /// Back-propagates the mean of <paramref name="perExampleLoss"/>, runs <paramref name="beforeUpdate"/> on the
    /// gradients (e.g. d2l's <c>grad_clipping</c>, 8.5) and updates the parameters.
    /// </summary>
    void Step(Tensor perExampleLoss, Action? beforeUpdate = null);

    /// <summary>Writes the updater's state (e.g. momentum buffers) for a checkpoint.</summary>
    void SaveState(string path) { }

    /// <summary>Reads the state written by <see cref="SaveState"/>.</summary>
    void LoadState(string path) { }
}

/// <summary>A torch optimizer as an updater: <c>zero_grad</c>, backward of the mean loss, <c>step</c>.</summary>
public sealed class OptimizerUpdater(OptimizerHelper optimizer) : IUpdater
{
    /// <summary>The wrapped optimizer.</summary>
    public OptimizerHelper Optimizer { get; } = optimizer;

    /// <inheritdoc />
    public void Step(Tensor perExampleLoss, Action? beforeUpdate = null)
    {
        Optimizer.zero_grad();
        using var mean = perExampleLoss.mean();
        mean.backward();
        beforeUpdate?.Invoke();
        Optimizer.step();
    }

    /// <inheritdoc />
    public void SaveState(string path) => Optimizer.save_state_dict(path);

    /// <inheritdoc />
    public void LoadState(string path) => Optimizer.load_state_dict(path);
}

/// <summary>
/// d2l's from-scratch <c>sgd(params, lr, batch_size)</c> (3.2): d2l back-propagates the summed loss and divides by the
/// batch size in the update; this backs up the mean loss and updates with <c>param -= lr * param.grad</c>, which is the
/// same step, and gives the mean's gradients to clip (8.5). The gradients are zeroed after the update.
/// </summary>
public sealed class MinibatchSgd(IEnumerable<Tensor> parameters, double learningRate) : IUpdater
{
    private readonly Tensor[] _parameters = parameters.ToArray();

    /// <summary>The learning rate.</summary>
    public double LearningRate { get; } = learningRate;

    /// <inheritdoc />
    public void Step(Tensor perExampleLoss, Action? beforeUpdate = null)
    {
        using (var mean = perExampleLoss.mean()) mean.backward();
        beforeUpdate?.Invoke();
        Update(_parameters, LearningRate, batchSize: 1);
    }

    /// <summary>The update itself, for loops that call backward themselves (d2l's <c>sgd</c>).</summary>
    public static void Update(IEnumerable<Tensor> parameters, double learningRate, int batchSize)
    {
        using var noGrad = no_grad();
        foreach (var p in parameters)
        {
            using var grad = p.grad ?? throw new InvalidOperationException("A parameter has no gradient; call backward first.");
            p.add_(grad, alpha: -learningRate / batchSize);
            grad.zero_();
        }
    }
}
