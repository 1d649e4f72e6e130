"""PyTorch's side of scripts/op-profile.sh (issue #15): the table of scripts/OpProfile/Program.cs, the same operations
at the same shapes, each timed alone (median microseconds per call after a warm-up). Prints name<TAB>µs lines.

  python3 scripts/op_profile.py [threads=1] [seconds per operation=0.5]
"""
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
budget = float(sys.argv[2]) if len(sys.argv) > 2 else 0.5
torch.set_num_threads(threads)
torch.manual_seed(0)


def grad(*shape):
    return torch.randn(*shape).requires_grad_()


one = torch.ones(1)
scalar = grad(1)
images = torch.rand(60000, 784)
order = torch.randperm(60000)[:256]
x784 = torch.rand(256, 784)
w256, b256, w10, b10 = grad(256, 784), grad(256), grad(10, 784), grad(10)
g256 = torch.randn(256, 256)
logits = grad(256, 10)
labels = torch.randint(0, 10, (256,))
lenet1 = (torch.rand(256, 1, 28, 28), grad(6, 1, 5, 5), grad(6))
lenet2 = (torch.rand(256, 6, 14, 14).requires_grad_(), grad(16, 6, 5, 5), grad(16))
bn = (torch.randn(256, 6, 24, 24).requires_grad_(), grad(6), grad(6), torch.zeros(6), torch.ones(6))
cell = ([torch.rand(32, 28) for _ in range(35)], grad(28, 512), grad(512, 512), grad(512))
sequence = torch.rand(35, 32, 28)
rnn, gru, lstm = nn.RNN(28, 256), nn.GRU(28, 256), nn.LSTM(28, 256)
mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
sgd = torch.optim.SGD(mlp.parameters(), 0.1)
adam = torch.optim.Adam(lstm.parameters(), 0.005)
for p in list(mlp.parameters()) + list(lstm.parameters()):
    p.grad = torch.randn_like(p)


def rnn_cell():
    h = torch.zeros(32, 512)
    loss = torch.zeros(1)
    for xt in cell[0]:
        h = torch.tanh(xt.mm(cell[1]) + h.mm(cell[2]) + cell[3])
        loss = loss + h.sum()
    loss.backward()


rows = [
    ("dispatch: add of 1-element tensors", lambda: one.add(one)),
    ("dispatch: 1-element product, backward", lambda: (scalar * one).sum().backward()),
    ("gather 256 of 60000×784 (index_select)", lambda: images.index_select(0, order)),
    ("linear 784→256 forward (addmm)", lambda: F.linear(x784, w256, b256)),
    ("linear 784→256 weight grad (mm)", lambda: g256.t().mm(x784)),
    ("linear 784→10 forward (addmm)", lambda: F.linear(x784, w10, b10)),
    ("linear 784→10 as its transpose, w·xᵀ (mm)", lambda: w10.mm(x784.t())),
    ("log-softmax 256×10 forward", lambda: F.log_softmax(logits, 1)),
    ("cross-entropy 256×10, backward", lambda: F.cross_entropy(logits, labels).backward()),
    ("conv 1→6 5×5 pad 2 on 256×28², backward", lambda: F.conv2d(lenet1[0], lenet1[1], lenet1[2], padding=2).sum().backward()),
    ("conv 6→16 5×5 on 256×6×14², backward", lambda: F.conv2d(*lenet2).sum().backward()),
    ("batch norm train 256×6×24², backward",
     lambda: F.batch_norm(bn[0], bn[3], bn[4], bn[1], bn[2], training=True, momentum=0.1, eps=1e-5).sum().backward()),
    ("RNN cell ×35, hidden 512, batch 32, backward", rnn_cell),
    ("nn.RNN 28→256, 35×32, backward", lambda: rnn(sequence)[0].sum().backward()),
    ("nn.GRU 28→256, 35×32, backward", lambda: gru(sequence)[0].sum().backward()),
    ("nn.LSTM 28→256, 35×32, backward", lambda: lstm(sequence)[0].sum().backward()),
    ("SGD step, MLP 784-256-10", sgd.step),
    ("Adam step, LSTM 28→256", adam.step),
]

for name, step in rows:
    times = []
    start = time.perf_counter()
    i = 0
    while time.perf_counter() - start < budget or i < 5:
        t = time.perf_counter()
        step()
        elapsed = time.perf_counter() - t
        if i >= 3:
            times.append(elapsed * 1e6)
        i += 1
    times.sort()
    print(f"{name}\t{times[len(times) // 2]:.1f}")
