using System.Diagnostics;
using System.Globalization;
using Course.Chapters.Ch06_ConvolutionalNetworks;
using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Core.Data;
using Course.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

// Usage: LoopOverhead <model> <image side> <threads> [examples=7680] [batch=256]
// On the same pre-loaded examples, times (1) the bare step: zero_grad, forward, cross-entropy, backward, SGD step,
// and (2) ClassifierTrainer's epoch over an ArrayLoader (shuffled indexing, per-step dispose scope, loss and
// accuracy bookkeeping). The two alternate eight times after a warm-up; prints the best examples per CPU-second of
// each and the ratio of the trainer's CPU time per example to the bare step's. CPU time of the process, not wall
// time, and the best of several runs, so that other work on a shared machine does not decide the ratio.
string model = args.Length > 0 ? args[0] : "lenet";
int side = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 28;
int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
int examples = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 7680;
int batchSize = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 256;
torch.set_num_threads(threads);
torch.manual_seed(0);

Dictionary<string, Func<nn.Module<Tensor, Tensor>>> models = new()
{
    ["lenet"] = () => new LeNet(),
    ["resnet18"] = () => new ResNet(),
};
if (!models.TryGetValue(model, out var makeNet))
{
    Console.Error.WriteLine($"error: unknown model '{model}'; choose one of {string.Join(", ", models.Keys)}.");
    return 2;
}

var images = rand(examples, 1, side, side);
var labels = randint(0, 10, [examples]);
var loss = nn.CrossEntropyLoss(reduction: nn.Reduction.None);
Func<Tensor, Tensor, Tensor> perExample = (yHat, y) => loss.call(yHat, y);

double Bare()
{
    var net = makeNet();
    var optimizer = optim.SGD(net.parameters(), 0.1);
    var batches = Enumerable.Range(0, examples / batchSize)
        .Select(i => (images.narrow(0, i * batchSize, batchSize).clone(), labels.narrow(0, i * batchSize, batchSize).clone())).ToArray();
    var clock = CpuClock.Start();
    foreach (var (x, y) in batches)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        perExample(net.call(x), y).mean().backward();
        optimizer.step();
    }
    return batches.Length * batchSize / clock.Seconds;
}

double Trainer()
{
    var net = makeNet();
    var data = new ArrayLoader(images, labels, batchSize, shuffle: true, seed: 0);
    var empty = new ArrayLoader(images.narrow(0, 0, 1), labels.narrow(0, 0, 1), 1, shuffle: false);
    var updater = new OptimizerUpdater(optim.SGD(net.parameters(), 0.1));
    var clock = CpuClock.Start();
    new ClassifierTrainer { Epochs = 1 }.Fit(net, data, empty, perExample, updater);
    return data.Count / clock.Seconds;
}

var bares = new List<double>();
var trainers = new List<double>();
Bare();
Trainer();
for (int i = 0; i < 8; i++)
{
    bares.Add(Bare());
    trainers.Add(Trainer());
}
double bare = bares.Max();
double trainer = trainers.Max();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{model} {side}x{side}, batch {batchSize}, {threads} thread(s): bare step {bare:F0} examples per CPU-second, ClassifierTrainer {trainer:F0}, trainer/bare CPU time {bare / trainer:F3}"));
return 0;

/// <summary>CPU time of this process since <see cref="Start"/>.</summary>
readonly record struct CpuClock(TimeSpan Started)
{
    public static CpuClock Start() => new(Process.GetCurrentProcess().TotalProcessorTime);

    public double Seconds => (Process.GetCurrentProcess().TotalProcessorTime - Started).TotalSeconds;
}
