"""PyTorch reference for scripts/benchmark.sh: the same Fashion-MNIST pass (3.5) and softmax-concise run (3.7)
as Course, in plain PyTorch on the same machine (Debian: apt-get install python3-torch).

Data is held in memory as contiguous tensors and batched by indexing, as Course does (d2l's own DataLoader with
per-sample transforms and 4 workers is several times slower). Speed is timed like d2l's train_ch6: training steps
only. Prints one JSON line.

Usage: python3 scripts/pytorch_reference.py DATA_DIR THREADS
"""
import gzip
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(data_dir, split):
    images = read_idx(f"{data_dir}/fashion-mnist/{split}-images-idx3-ubyte.gz", 16)
    labels = read_idx(f"{data_dir}/fashion-mnist/{split}-labels-idx1-ubyte.gz", 8)
    x = torch.from_numpy(images.copy()).reshape(-1, 1, 28, 28).float().div_(255)
    return x, torch.from_numpy(labels.copy()).long()


def batches(x, y, batch_size, generator=None):
    order = torch.randperm(len(x), generator=generator) if generator is not None else None
    for start in range(0, len(x), batch_size):
        if order is None:
            yield x[start:start + batch_size], y[start:start + batch_size]
        else:
            index = order[start:start + batch_size]
            yield x.index_select(0, index), y.index_select(0, index)


def main():
    data_dir, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    generator = torch.Generator().manual_seed(42)
    train_x, train_y = load(data_dir, "train")
    test_x, test_y = load(data_dir, "t10k")

    start = time.perf_counter()
    for _ in batches(train_x, train_y, 256, generator):
        pass
    read_sec = time.perf_counter() - start

    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    nn.init.normal_(net[1].weight, std=0.01)
    loss = nn.CrossEntropyLoss(reduction="none")
    trainer = torch.optim.SGD(net.parameters(), lr=0.1)
    step_seconds, examples = 0.0, 0
    for _ in range(10):
        net.train()
        for x, y in batches(train_x, train_y, 256, generator):
            start = time.perf_counter()
            y_hat = net(x)
            l = loss(y_hat, y)
            trainer.zero_grad()
            l.mean().backward()
            trainer.step()
            float(l.sum()), float((y_hat.argmax(1) == y).sum())
            step_seconds += time.perf_counter() - start
            examples += len(y)
        net.eval()
        with torch.no_grad():
            correct = sum(float((net(x).argmax(1) == y).sum()) for x, y in batches(test_x, test_y, 256))
    print(json.dumps({"torch": torch.__version__, "threads": threads, "read_sec": read_sec,
                      "examples_per_sec": examples / step_seconds, "test_acc": correct / len(test_y)}))


if __name__ == "__main__":
    main()
