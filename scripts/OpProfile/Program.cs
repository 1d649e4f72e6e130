using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Usage: OpProfile [threads=1] [seconds per operation=0.5] [only the rows whose name contains this]
// The operations the book's models spend their training steps in (issue #15), at the shapes of the book's settings,
// each timed alone: median microseconds per call over repeated calls, after a warm-up. scripts/op_profile.py times
// the same table with PyTorch; scripts/op-profile.sh runs both and prints them side by side. Each row's forward and
// backward are what one training step of that model does for that layer; "dispatch" rows measure the cost of one
// call with almost no arithmetic.
int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1;
double budget = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 0.5;
string only = args.Length > 2 ? args[2] : "";
Course.Core.Runtime.NativeHeap.KeepFreedBlocks(); // as the course program does
set_num_threads(threads);
manual_seed(0);

Tensor Grad(params long[] shape) => randn(shape).requires_grad_();

var one = ones(1);
var scalar = Grad(1);
var images = rand(60000, 784);
var order = randperm(60000).narrow(0, 0, 256);
var x784 = rand(256, 784);
var w256 = Grad(256, 784);
var b256 = Grad(256);
var w10 = Grad(10, 784);
var b10 = Grad(10);
var g256 = randn(256, 256);
var logits = Grad(256, 10);
var labels = randint(0, 10, [256]);
var lenet1 = (X: rand(256, 1, 28, 28), W: Grad(6, 1, 5, 5), B: Grad(6));
var lenet2 = (X: rand(256, 6, 14, 14).requires_grad_(), W: Grad(16, 6, 5, 5), B: Grad(16));
var bn = (X: randn(256, 6, 24, 24).requires_grad_(), Gamma: Grad(6), Beta: Grad(6), Mean: zeros(6), Var: ones(6));
var cell = (X: Enumerable.Range(0, 35).Select(_ => rand(32, 28)).ToArray(), Wxh: Grad(28, 512), Whh: Grad(512, 512), B: Grad(512));
var sequence = rand(35, 32, 28);
var rnn = nn.RNN(28, 256);
var gru = nn.GRU(28, 256);
var lstm = nn.LSTM(28, 256);
var mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10));
var sgd = optim.SGD(mlp.parameters(), 0.1);
var adam = optim.Adam(lstm.parameters(), 0.005);
foreach (var p in mlp.parameters().Concat(lstm.parameters()))
{
    p.grad = randn_like(p);
}

var rows = new (string Name, Action Step)[]
{
    ("dispatch: add of 1-element tensors", () => one.add(one)),
    ("dispatch: 1-element product, backward", () => (scalar * one).sum().backward()),
    ("gather 256 of 60000×784 (index_select)", () => images.index_select(0, order)),
    ("linear 784→256 forward (addmm)", () => F.linear(x784, w256, b256)),
    ("linear 784→256 weight grad (mm)", () => g256.t().mm(x784)),
    ("linear 784→10 forward (addmm)", () => F.linear(x784, w10, b10)),
    ("linear 784→10 as its transpose, w·xᵀ (mm)", () => w10.mm(x784.t())),
    ("log-softmax 256×10 forward", () => F.log_softmax(logits, 1)),
    ("cross-entropy 256×10, backward", () => F.cross_entropy(logits, labels).backward()),
    ("conv 1→6 5×5 pad 2 on 256×28², backward", () => F.conv2d(lenet1.X, lenet1.W, lenet1.B, padding: [2, 2]).sum().backward()),
    ("conv 6→16 5×5 on 256×6×14², backward", () => F.conv2d(lenet2.X, lenet2.W, lenet2.B).sum().backward()),
    ("batch norm train 256×6×24², backward", () =>
        F.batch_norm(bn.X, bn.Mean, bn.Var, bn.Gamma, bn.Beta, training: true, momentum: 0.1, eps: 1e-5).sum().backward()),
    ("RNN cell ×35, hidden 512, batch 32, backward", () =>
    {
        var h = zeros(32, 512);
        var loss = zeros(1);
        foreach (var xt in cell.X)
        {
            h = tanh(xt.mm(cell.Wxh) + h.mm(cell.Whh) + cell.B);
            loss = loss + h.sum();
        }
        loss.backward();
    }),
    ("nn.RNN 28→256, 35×32, backward", () => rnn.call(sequence).Item1.sum().backward()),
    ("nn.GRU 28→256, 35×32, backward", () => gru.call(sequence).Item1.sum().backward()),
    ("nn.LSTM 28→256, 35×32, backward", () => lstm.call(sequence).Item1.sum().backward()),
    ("SGD step, MLP 784-256-10", () => sgd.step()),
    ("Adam step, LSTM 28→256", () => adam.step()),
};

foreach (var (name, step) in rows.Where(r => r.Name.Contains(only, StringComparison.Ordinal)))
{
    var times = new List<double>();
    var total = Stopwatch.StartNew();
    for (int i = 0; total.Elapsed.TotalSeconds < budget || i < 5; i++)
    {
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        step();
        clock.Stop();
        if (i >= 3)
        {
            times.Add(clock.Elapsed.TotalMicroseconds);
        }
    }
    times.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}\t{times[times.Count / 2]:F1}"));
}
return 0;
