using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>
/// One optimisation step from a minibatch's scalar loss: backward and parameter update. It stands for d2l's two kinds
/// of <c>updater</c> in <c>train_epoch_ch3</c> (3.6): a torch optimizer or the from-scratch <c>sgd</c>.
/// </summary>
public interface IUpdater
{
    /// <summary>The parameters the updater changes: the training core checks them against the model's own.</summary>
    IEnumerable<Tensor> Parameters { get; }

    /// <summary>
    /// Back-propagates the scalar <paramref name="loss"/>, runs <paramref name="beforeUpdate"/> on the gradients (e.g.
    /// d2l's <c>grad_clipping</c>, 8.5) and updates the parameters.
    /// </summary>
    void Step(Tensor loss, Action? beforeUpdate = null);

    /// <summary>Writes the updater's state (e.g. momentum buffers) for a checkpoint.</summary>
    void SaveState(string path) { }

    /// <summary>Reads the state written by <see cref="SaveState"/>.</summary>
    void LoadState(string path) { }
}

/// <summary>
/// Builds a run's updater from its model. The training core calls it after it has moved the model to the run's device,
/// so the updater holds the moved parameters (TorchSharp's <c>Module.to</c> replaces them on a device change).
/// </summary>
public delegate IUpdater UpdaterFactory(nn.Module model);

/// <summary>The updaters the book uses, as factories the training core calls once the model is on its device.</summary>
public static class Updaters
{
    /// <summary><c>torch.optim.SGD(net.parameters(), lr, weight_decay)</c>.</summary>
    public static UpdaterFactory Sgd(double lr, double weightDecay = 0) =>
        model => new OptimizerUpdater(optim.SGD(model.parameters(), lr, weight_decay: weightDecay));

    /// <summary><c>torch.optim.Adam(net.parameters(), lr, weight_decay)</c>.</summary>
    public static UpdaterFactory Adam(double lr, double weightDecay = 0) =>
        model => new OptimizerUpdater(optim.Adam(model.parameters(), lr, weight_decay: weightDecay));

    /// <summary>d2l's from-scratch <c>sgd(params, lr, batch_size)</c> (3.2) over every parameter of the model.</summary>
    public static UpdaterFactory ScratchSgd(double lr) => model => new MinibatchSgd(model.parameters(), lr);

    /// <summary>Any torch optimizer, built by <paramref name="build"/> from the moved model (e.g. with parameter groups, 4.5).</summary>
    public static UpdaterFactory Optimizer<TModel>(Func<TModel, OptimizerHelper> build) where TModel : nn.Module =>
        model => new OptimizerUpdater(build((TModel)model));
}

/// <summary>A torch optimizer as an updater: <c>zero_grad</c>, backward, <c>step</c>.</summary>
public sealed class OptimizerUpdater(OptimizerHelper optimizer) : IUpdater
{
    // TorchSharp's optimizers re-read a lazy parameter list but key their state on the parameters they saw when built,
    // so those, taken now, are what the device contract must compare with the model's.
    private readonly Tensor[] _parameters = optimizer.parameters().ToArray<Tensor>();

    /// <summary>The wrapped optimizer.</summary>
    public OptimizerHelper Optimizer { get; } = optimizer;

    /// <inheritdoc />
    public IEnumerable<Tensor> Parameters => _parameters;

    /// <inheritdoc />
    public void Step(Tensor loss, Action? beforeUpdate = null)
    {
        Optimizer.zero_grad();
        loss.backward();
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
/// batch size in the update; the training loops back up the mean loss instead and this updates with
/// <c>param -= lr * param.grad</c>, which is the same step, and gives the mean's gradients to clip (8.5). The gradients
/// are zeroed after the update.
/// </summary>
public sealed class MinibatchSgd(IEnumerable<Tensor> parameters, double learningRate) : IUpdater
{
    private readonly Tensor[] _parameters = parameters.ToArray();

    /// <summary>The learning rate.</summary>
    public double LearningRate { get; } = learningRate;

    /// <inheritdoc />
    public IEnumerable<Tensor> Parameters => _parameters;

    /// <inheritdoc />
    public void Step(Tensor loss, Action? beforeUpdate = null)
    {
        loss.backward();
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
