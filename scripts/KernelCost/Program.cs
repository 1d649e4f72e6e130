// What the route of #19 costs (README, "Right numbers on every machine"): each of the book's CNNs takes SGD training
// steps three ways, alternating three rounds: with oneDNN on a healthy machine's caches (written into oneDNN's CPU
// detection, so that oneDNN computes right on any machine), with oneDNN off (the process's route), and on the fault (1-byte
// caches written) as the training core runs it (KernelGuard.Accelerate: each conv2d layer on oneDNN channels-last
// where it passes the check). Prints the median milliseconds per step and the ratios to the healthy machine.
// Usage: KernelCost [threads=2] [steps=5]
using System.Diagnostics;
using System.Globalization;
using Course.Chapters.Ch06_ConvolutionalNetworks;
using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Core.Kernels;
using Course.Core.Runtime;
using Course.Tests.Kernels;
using TorchSharp;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
NativeHeap.KeepFreedBlocks();
int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
int steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
TorchSetup.SetThreads(threads);
using var sizes = OneDnnCacheSizes.TryOpen(out string why) ?? throw new InvalidOperationException($"cannot write oneDNN's caches here: {why}");
LibTorchContext.NnpackEnabled = false;

(string Name, Func<nn.Module<Tensor, Tensor>> Build, int Batch, int Side)[] models =
[
    ("LeNet (6.6)", () => new LeNet(), 256, 28),
    ("AlexNet (7.1)", () => new AlexNet(), 16, 224),
    ("VGG small (7.2)", () => new Vgg(Vgg.Small(4)), 16, 224),
    ("NiN (7.3)", () => new NiN(), 16, 224),
    ("GoogLeNet (7.4)", () => new GoogLeNet(), 16, 96),
    ("BN-LeNet (7.5)", () => new BatchNormLeNet(concise: true), 256, 28),
    ("ResNet-18 (7.6)", () => new ResNet(), 16, 96),
    ("DenseNet (7.7)", () => new DenseNet(), 16, 96),
];
Console.WriteLine($"{threads} thread(s), {steps} steps after one warm-up, median of 3 alternating rounds; ms per step");
Console.WriteLine("| model | batch × side | healthy: oneDNN | oneDNN off | ratio | fault, training core's route | ratio |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var (name, build, batch, side) in models)
{
    var on = new List<double>();
    var off = new List<double>();
    var routed = new List<double>();
    for (int round = 0; round < 3; round++)
    {
        sizes.MakeHealthy();
        LibTorchContext.OneDnnEnabled = true;
        if (KernelCheck.Run(CPU).Any(p => !p.Passed)) throw new InvalidOperationException("oneDNN is wrong even with healthy caches written");
        on.Add(StepMilliseconds(build, batch, side, steps, null));
        LibTorchContext.OneDnnEnabled = false;
        off.Add(StepMilliseconds(build, batch, side, steps, null));
        sizes.MakeFaulty();
        LibTorchContext.OneDnnEnabled = true;
        var verdict = KernelGuard.Choose(CPU);
        routed.Add(StepMilliseconds(build, batch, side, steps, verdict));
    }
    double a = Median(on), b = Median(off), c = Median(routed);
    Console.WriteLine($"| {name} | {batch} × {side} | {a:F0} | {b:F0} | {b / a:F2} | {c:F0} | {c / a:F2} |");
}

static double StepMilliseconds(Func<nn.Module<Tensor, Tensor>> build, int batch, int side, int steps, KernelVerdict? route)
{
    manual_seed(0);
    using var net = build();
    var kernels = route is null ? null : KernelGuard.Accelerate(net, CPU, route);
    using var sgd = optim.SGD(net.parameters(), 0.01);
    using var x = rand(batch, 1, side, side);
    using var y = randint(0, 10, [batch]);
    var times = new List<double>();
    for (int step = 0; step <= steps; step++)
    {
        using var scope = NewDisposeScope();
        using var model = kernels?.Enter();
        var watch = Stopwatch.StartNew();
        sgd.zero_grad();
        nn.functional.cross_entropy(net.call(x), y).backward();
        sgd.step();
        if (step > 0) times.Add(watch.Elapsed.TotalMilliseconds);
    }
    return Median(times);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
