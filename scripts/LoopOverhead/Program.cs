using System.Diagnostics;
using System.Globalization;
using Course.Chapters.Ch06_ConvolutionalNetworks;
using Course.Chapters.Ch07_ModernConvolutionalNetworks;
using Course.Chapters.Ch08_RecurrentNeuralNetworks;
using Course.Chapters.Ch09_ModernRecurrentNeuralNetworks;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Seq2Seq;
using Course.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

// Usage: LoopOverhead <model> [threads] [image side=28] [examples=7680] [batch=256]
// Models: linear, lenet, resnet18 (Train.Ch3 on random images; linear, a single Linear layer, leaves almost
// nothing but the loop's own per-batch cost), rnn, rnn-scratch (Train.Ch8 on the time
// machine, random sampling, batch 32 × 35 steps), seq2seq (Train.Seq2Seq on fra-eng, 10 epochs; needs COURSE_DATA).
// On the same data, times (1) the bare step: zero_grad, forward, loss, backward, (clipping,) optimizer step, on
// batches prepared beforehand, and (2) the shared training loop over its loader (batching, per-step dispose scope,
// loss bookkeeping). The two alternate eight times after a warm-up; prints the best examples (or tokens) per
// CPU-second of each, the ratio of the loop's CPU time to the bare step's, and both per batch. CPU time of the process, not wall time,
// and the best of several runs, so that other work on a shared machine does not decide the ratio.
string model = args.Length > 0 ? args[0] : "lenet";
int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
int side = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 28;
int examples = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 7680;
int batchSize = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 256;
torch.set_num_threads(threads);
torch.manual_seed(0);

(Func<double> Bare, Func<double> Loop, string Unit, double PerBatch)? run = model switch
{
    "linear" => Classifier(() => nn.Sequential(nn.Flatten(), nn.Linear(side * side, 10))),
    "lenet" => Classifier(() => new LeNet()),
    "resnet18" => Classifier(() => new ResNet()),
    "rnn" => LanguageModel(vocab => new RnnModel(RecurrentLayer.Rnn, vocab, 256), lr: 1, scratch: false),
    "rnn-scratch" => LanguageModel(vocab => new RnnScratchModel(vocab, 512), lr: 1, scratch: true),
    "seq2seq" => Translation(),
    _ => null,
};
if (run is not { } measured)
{
    Console.Error.WriteLine($"error: unknown model '{model}'; choose one of linear, lenet, resnet18, rnn, rnn-scratch, seq2seq.");
    return 2;
}

var bares = new List<double>();
var loops = new List<double>();
measured.Bare();
measured.Loop();
for (int i = 0; i < 8; i++)
{
    bares.Add(measured.Bare());
    loops.Add(measured.Loop());
}
double bare = bares.Max(), loop = loops.Max();
string shape = model is "linear" or "lenet" or "resnet18" ? $" {side}x{side}, batch {batchSize}," : "";
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{model}{shape} {threads} thread(s): bare step {bare:F0} {measured.Unit} per CPU-second, training loop {loop:F0}, loop/bare CPU time {bare / loop:F3}; per batch {measured.PerBatch / bare * 1e6:F0} µs bare, {measured.PerBatch / loop * 1e6:F0} µs loop"));
return 0;

(Func<double>, Func<double>, string, double) Classifier(Func<nn.Module<Tensor, Tensor>> makeNet)
{
    var images = rand(examples, 1, side, side);
    var labels = randint(0, 10, [examples]);
    var loss = nn.CrossEntropyLoss(reduction: nn.Reduction.None);
    Func<Tensor, Tensor, Tensor> perExample = (yHat, y) => loss.call(yHat, y);
    var batches = Enumerable.Range(0, examples / batchSize)
        .Select(i => (images.narrow(0, i * batchSize, batchSize).clone(), labels.narrow(0, i * batchSize, batchSize).clone())).ToArray();
    double Bare()
    {
        var net = makeNet();
        var optimizer = optim.SGD(net.parameters(), 0.1);
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
    double Loop()
    {
        var net = makeNet();
        var data = new ArrayLoader(images, labels, batchSize, shuffle: true, seed: 0);
        var empty = new ArrayLoader(images.narrow(0, 0, 1), labels.narrow(0, 0, 1), 1, shuffle: false);
        using var ctx = Context();
        var clock = CpuClock.Start();
        Train.Ch3(ctx, net, data, empty, perExample, 1, Updaters.Sgd(0.1));
        return data.Count / clock.Seconds;
    }
    return (Bare, Loop, "examples", batchSize);
}

(Func<double>, Func<double>, string, double) LanguageModel(Func<int, RecurrentLanguageModel> makeNet, double lr, bool scratch)
{
    var (data, vocab) = TimeMachine.LoadData(new DataStore(), 32, 35, useRandomIter: true, seed: 0);
    var batches = data.ToArray();
    long tokens = batches.Sum(b => b.Y.numel());
    IUpdater Updater(RecurrentLanguageModel net) =>
        scratch ? new MinibatchSgd(net.parameters(), lr) : new OptimizerUpdater(optim.SGD(net.parameters(), lr));
    double Bare()
    {
        var net = makeNet(vocab.Count);
        var updater = Updater(net);
        var clock = CpuClock.Start();
        foreach (var (x, y) in batches)
        {
            using var scope = NewDisposeScope();
            var (yHat, _) = net.call(x, net.BeginState((int)x.shape[0], CPU));
            var loss = nn.functional.cross_entropy(yHat, y.T.reshape(-1), reduction: nn.Reduction.None);
            updater.Step(loss.mean(), () => Train.GradClipping(net, 1));
        }
        return tokens / clock.Seconds;
    }
    double Loop()
    {
        var net = makeNet(vocab.Count);
        using var ctx = Context();
        var clock = CpuClock.Start();
        Train.Ch8(ctx, net, data, vocab, scratch ? Updaters.ScratchSgd(lr) : Updaters.Sgd(lr), 1, "loop");
        return tokens / clock.Seconds;
    }
    return (Bare, Loop, "tokens", (double)tokens / batches.Length);
}

(Func<double>, Func<double>, string, double) Translation()
{
    const int epochs = 10;
    var (data, source, target) = FraEng.LoadData(new DataStore(), 64, 10, seed: 0);
    var batches = data.ToArray();
    long tokens = batches.Sum(b => b.YValidLength.sum().item<long>());
    int bos = target["<bos>"];
    EncoderDecoder Build() => SequenceToSequence.Build(source, target, new TranslationSizes(32, 32, 2, 0.1));
    double Bare()
    {
        var net = Build();
        var optimizer = optim.Adam(net.parameters(), 0.005);
        net.train();
        var clock = CpuClock.Start();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var (x, xValid, y, yValid) in batches)
            {
                using var scope = NewDisposeScope();
                var decoderInput = cat([full(y.shape[0], 1, bos, dtype: y.dtype), y[.., ..^1]], 1);
                var (yHat, _) = net.call(x, decoderInput, xValid);
                optimizer.zero_grad();
                MaskedSoftmaxCELoss.Compute(yHat, y, yValid).sum().backward();
                Train.GradClipping(net, 1);
                optimizer.step();
            }
        }
        return epochs * tokens / clock.Seconds;
    }
    double Loop()
    {
        var net = Build();
        using var ctx = Context();
        var clock = CpuClock.Start();
        Train.Seq2Seq(ctx, net, data, 0.005, epochs, target);
        return epochs * tokens / clock.Seconds;
    }
    return (Bare, Loop, "tokens", (double)tokens / batches.Length);
}

// A run of the loops' own: CPU, the script's threads, its folder in the temporary folder (removed, never committed).
RunContext Context() => new(new RunOptions { Device = "cpu", Threads = threads, OutDir = Path.GetTempPath() }, "loop-overhead", TextWriter.Null);

/// <summary>CPU time of this process since <see cref="Start"/>.</summary>
readonly record struct CpuClock(TimeSpan Started)
{
    public static CpuClock Start() => new(Process.GetCurrentProcess().TotalProcessorTime);

    public double Seconds => (Process.GetCurrentProcess().TotalProcessorTime - Started).TotalSeconds;
}
