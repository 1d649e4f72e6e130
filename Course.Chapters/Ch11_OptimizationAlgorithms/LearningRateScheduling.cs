using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Course.Chapters.Ch06_ConvolutionalNetworks;
using Course.Chapters.Infrastructure;
using Course.Core.Plotting;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim.lr_scheduler;

namespace Course.Chapters.Ch11_OptimizationAlgorithms;

/// <summary>
/// 11.11's network, d2l's <c>net_fn()</c>: LeNet (6.6) made slightly more modern, with ReLU and max pooling, and
/// PyTorch's default initialisation (11.11's <c>train</c> does not apply Xavier's).
/// </summary>
public sealed class ModernLeNet : Sequential
{
    /// <summary>Builds the network for 1×28×28 inputs and 10 classes, its layers in the book's order (d2l's state_dict keys).</summary>
    public ModernLeNet() : base(LeNet.Layers(() => nn.ReLU(), () => nn.MaxPool2d(kernel_size: 2, stride: 2)))
    {
    }
}

/// <summary>d2l's <c>SquareRootScheduler</c> (11.11): η = lr·(t + 1)^(−1/2).</summary>
/// <param name="lr">The rate at update 0.</param>
public sealed class SquareRootScheduler(double lr = 0.1)
{
    /// <summary>d2l's <c>__call__(num_update)</c>.</summary>
    public double Call(int numUpdate) => lr * Math.Pow(numUpdate + 1.0, -0.5);
}

/// <summary>
/// d2l's <c>FactorScheduler</c> (11.11): each call multiplies the rate by <c>factor</c>, but never below
/// <c>stop_factor_lr</c>. It keeps its rate, so it answers the calls in turn, whatever the argument.
/// </summary>
/// <param name="factor">α, the factor of each call.</param>
/// <param name="stopFactorLr">η_min, the floor.</param>
/// <param name="baseLr">The rate before the first call.</param>
public sealed class FactorScheduler(double factor = 1, double stopFactorLr = 1e-7, double baseLr = 0.1)
{
    private double _baseLr = baseLr;

    /// <summary>d2l's <c>__call__(num_update)</c>: <c>base_lr = max(stop_factor_lr, base_lr * factor)</c>.</summary>
    public double Call(int numUpdate)
    {
        _baseLr = Math.Max(stopFactorLr, _baseLr * factor);
        return _baseLr;
    }
}

/// <summary>
/// d2l's <c>CosineScheduler</c> (11.11): a linear warm-up from <c>warmup_begin_lr</c> over <c>warmup_steps</c>, then
/// η_t = η_T + (η_0 − η_T)(1 + cos(π(t − warmup)/(T − warmup)))/2 up to <c>max_update</c> = T, and η_T after it. As in the
/// book, a call past <c>max_update</c> returns the rate the last call up to it stored (and fails without one).
/// </summary>
/// <param name="maxUpdate">T, where the cosine reaches <paramref name="finalLr"/>.</param>
/// <param name="baseLr">η_0, the rate at the end of the warm-up.</param>
/// <param name="finalLr">η_T.</param>
/// <param name="warmupSteps">The warm-up's number of steps.</param>
/// <param name="warmupBeginLr">The rate at step 0 of the warm-up.</param>
public sealed class CosineScheduler(int maxUpdate, double baseLr = 0.01, double finalLr = 0, int warmupSteps = 0, double warmupBeginLr = 0)
{
    private readonly int _maxSteps = maxUpdate - warmupSteps;
    private double? _baseLr;

    /// <summary>d2l's <c>get_warmup_lr(epoch)</c>.</summary>
    private double GetWarmupLr(int epoch)
    {
        double increase = (baseLr - warmupBeginLr) * epoch / warmupSteps;
        return warmupBeginLr + increase;
    }

    /// <summary>d2l's <c>__call__(epoch)</c>.</summary>
    public double Call(int epoch)
    {
        if (epoch < warmupSteps) return GetWarmupLr(epoch);
        if (epoch <= maxUpdate)
            _baseLr = finalLr + (baseLr - finalLr) * (1 + Math.Cos(Math.PI * (epoch - warmupSteps) / _maxSteps)) / 2;
        return _baseLr ?? throw new InvalidOperationException($"The scheduler stores its rate on a call up to max_update ({maxUpdate}); it was called with {epoch} first.");
    }
}

/// <summary>
/// 11.11 Learning rate scheduling: the modern LeNet on Fashion-MNIST trained with SGD at a constant rate, then with a
/// square-root, a multi-step, a cosine and a warm-up cosine schedule, each schedule plotted first (the factor schedule
/// is only plotted). The book's code has two quirks, kept here and said in one line each where they act.
/// </summary>
[Section("lr-scheduler", "11.11", "Learning rate scheduling", Dataset = "Fashion-MNIST", PerCoreThreads = true)]
public sealed class LearningRateSchedulingSection : ISection<LearningRateSchedulingSection.Settings>
{
    /// <summary>
    /// The book's <c>batch_size = 256</c> and <c>lr, num_epochs = 0.3, 30</c> (the schedules' own values are written
    /// where the book writes them); <c>--trainings N</c> runs the first N of the five trainings (constant, square root,
    /// multi-step, cosine, warm-up); <c>--limit</c> trains and tests on fewer examples.
    /// </summary>
    public sealed record Settings(int Epochs = 30, int BatchSize = 256, double Lr = 0.3, [Range(1, 5)] int Trainings = 5, int? Limit = null);

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s)
    {
        var loss = FashionMnistClassification.CrossEntropy();
        var (trainIter, testIter) = FashionMnistClassification.Load(ctx, s.BatchSize, s.Limit);
        int numEpochs = s.Epochs, trainings = 0;
        bool TrainNext(string name, string title, double lr, EpochScheduler? scheduler, Action<OptimizerHelper>? after = null)
        {
            ctx.Out.WriteLine($"{name}: {title}");
            OptimizerHelper? trainer = null;
            Train.Scheduled(ctx, new ModernLeNet(), trainIter, testIter, numEpochs, loss,
                Updaters.Optimizer<nn.Module>(net => trainer = optim.SGD(net.parameters(), lr)), scheduler, name);
            after?.Invoke(trainer!);
            return ++trainings < s.Trainings;
        }

        if (!TrainNext("constant", string.Create(CultureInfo.InvariantCulture, $"SGD, lr {s.Lr}, no scheduler"), s.Lr, null, trainer =>
        {
            trainer.ParamGroups.First().LearningRate = 0.1;
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"learning rate is now {trainer.ParamGroups.First().LearningRate:F2}"));
        })) return;

        var squareRoot = new SquareRootScheduler(lr: 0.1);
        Plot(ctx, "square-root", numEpochs, squareRoot.Call);
        if (!TrainNext("sqrt", "SGD, lr 0.1, SquareRootScheduler(lr=0.1)", 0.1, EpochScheduler.Custom(squareRoot.Call))) return;

        var factor = new FactorScheduler(factor: 0.9, stopFactorLr: 1e-2, baseLr: 2.0);
        Plot(ctx, "factor", 50, factor.Call);

        // The book's cell builds the trainer and its MultiStepLR, plots get_lr(trainer, scheduler) num_epochs times, then
        // trains with them: the plot has stepped the scheduler that the training goes on stepping.
        var multiStep = EpochScheduler.BuiltIn(trainer =>
        {
            int[] milestones = [15, 30];
            var scheduler = MultiStepLR(trainer, milestones, gamma: 0.5);
            Plot(ctx, "multi-step", numEpochs, _ => GetLr(trainer, scheduler));
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"note: as in the book, plotting get_lr stepped this trainer's MultiStepLR {numEpochs} times, so training goes on from step {numEpochs} at lr {scheduler.get_last_lr().First():F3}, {milestones.Count(m => m <= numEpochs)} of its 2 milestones behind it, instead of starting from step 0 at lr 0.5 (with the book's 30 epochs: a constant 0.125)"));
            return scheduler;
        });
        if (!TrainNext("multistep", "SGD, lr 0.5, MultiStepLR(milestones=[15, 30], gamma=0.5)", 0.5, multiStep)) return;

        var cosine = new CosineScheduler(maxUpdate: 20, baseLr: 0.3, finalLr: 0.01);
        Plot(ctx, "cosine", numEpochs, cosine.Call);
        if (!TrainNext("cosine", "SGD, lr 0.3, CosineScheduler(max_update=20, base_lr=0.3, final_lr=0.01)", 0.3, EpochScheduler.Custom(cosine.Call))) return;

        var warmup = new CosineScheduler(20, warmupSteps: 5, baseLr: 0.3, finalLr: 0.01);
        Plot(ctx, "warmup", numEpochs, warmup.Call);
        if (numEpochs > 1)
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"note: as in the book, the rate is set after each epoch, so epoch 1 trains at the optimizer's 0.3 and epoch 2 at scheduler(0) = {warmup.Call(0):F3}, which learns nothing; the warm-up proper starts at epoch 3"));
        TrainNext("warmup", "SGD, lr 0.3, CosineScheduler(20, warmup_steps=5, base_lr=0.3, final_lr=0.01)", 0.3, EpochScheduler.Custom(warmup.Call));
    }

    /// <summary>d2l's <c>get_lr(trainer, scheduler)</c> (11.11): the scheduler's last rate, then a step of both.</summary>
    public static double GetLr(OptimizerHelper trainer, LRScheduler scheduler)
    {
        double lr = scheduler.get_last_lr().First();
        trainer.step();
        scheduler.step();
        return lr;
    }

    /// <summary>The book's <c>d2l.plot(d2l.arange(n), [scheduler(t) for t in range(n)])</c>, as <c>&lt;name&gt;-schedule.png</c>.</summary>
    private static void Plot(RunContext ctx, string name, int n, Func<int, double> scheduler)
    {
        double[] lrs = Enumerable.Range(0, n).Select(scheduler).ToArray();
        ctx.Figure(name + "-schedule", path => LineChart.Save(path, LineChart.Arange(0, n, 1), [lrs]));
    }
}
