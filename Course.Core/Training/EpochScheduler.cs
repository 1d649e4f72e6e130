using TorchSharp.Modules;
using static TorchSharp.torch.optim.lr_scheduler;

namespace Course.Core.Training;

/// <summary>
/// The <c>scheduler</c> argument of d2l's <c>train(net, train_iter, test_iter, num_epochs, loss, trainer, device,
/// scheduler)</c> (11.11): after each epoch a built-in scheduler (<c>torch.optim.lr_scheduler</c>) takes one
/// <c>scheduler.step()</c>, and a custom one, a function of the epoch counted from 0, sets every parameter group's
/// learning rate to <c>scheduler(epoch)</c>. Epoch 1 therefore trains at the optimizer's own rate and epoch e + 1 at
/// the rate set after epoch e. <see cref="TrainingRun"/> binds it to the run's optimizer once the model has moved, steps
/// it at the end of each epoch before the checkpoint is saved, and on a resume replays the steps of the restored epochs
/// before the optimizer's saved state is loaded, so that a stateful scheduler (a <c>MultiStepLR</c>, d2l's
/// <c>FactorScheduler</c>) is where a straight run would have left it.
/// </summary>
public sealed class EpochScheduler
{
    private readonly Func<OptimizerHelper, Action<int>> _bind;
    private OptimizerHelper? _optimizer;
    private Action<int>? _step;

    private EpochScheduler(Func<OptimizerHelper, Action<int>> bind) => _bind = bind;

    /// <summary>A built-in scheduler, which <paramref name="build"/> makes from the run's optimizer (d2l's <c>trainer</c>).</summary>
    public static EpochScheduler BuiltIn(Func<OptimizerHelper, LRScheduler> build) => new(trainer =>
    {
        var scheduler = build(trainer);
        return _ => scheduler.step();
    });

    /// <summary>A custom scheduler: after epoch <c>epoch</c> (from 0) every parameter group's rate becomes <c>scheduler(epoch)</c>.</summary>
    public static EpochScheduler Custom(Func<int, double> scheduler) => new(trainer => epoch =>
    {
        double lr = scheduler(epoch);
        foreach (var paramGroup in trainer.ParamGroups) paramGroup.LearningRate = lr;
    });

    /// <summary>The rate of the first parameter group: the one the next epoch trains at.</summary>
    internal double LearningRate => (_optimizer ?? throw Unbound()).ParamGroups.First().LearningRate;

    /// <summary>Binds the scheduler to the training's <paramref name="updater"/>, which must be a torch optimizer.</summary>
    internal void Bind(IUpdater updater)
    {
        _optimizer = (updater as OptimizerUpdater)?.Optimizer
            ?? throw new ArgumentException($"A learning-rate scheduler needs a torch optimizer (Updaters.Sgd, Updaters.Optimizer), not a {updater.GetType().Name}.", nameof(updater));
        _step = _bind(_optimizer);
    }

    /// <summary>Steps the scheduler after epoch <paramref name="epoch"/>, counted from 0 as d2l's loop counts it.</summary>
    internal void Step(int epoch) => (_step ?? throw Unbound())(epoch);

    private static InvalidOperationException Unbound() => new("The scheduler is not bound to a training yet.");
}
