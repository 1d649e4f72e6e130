"""PyTorch reference for scripts/benchmark.sh: the same Fashion-MNIST pass (3.5) and softmax-concise run (3.7)
as Course, in plain PyTorch on the same machine (Debian: apt-get install python3-torch).

The data and d2l's training loop come from scripts/speed_vs_pytorch.py: data held in memory as contiguous tensors
and batched by indexing, as Course does, and speed timed like d2l's train_ch6 (training steps only). Prints one
JSON line.

Usage: python3 scripts/pytorch_reference.py DATA_DIR THREADS
"""
import json
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from speed_vs_pytorch import batches, classifier, fashion_mnist  # noqa: E402


def main():
    data_dir, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    train_x, train_y = fashion_mnist(data_dir, "train", None)
    test_x, test_y = fashion_mnist(data_dir, "t10k", None)

    start = time.perf_counter()
    for _ in batches(train_x, train_y, 256, torch.Generator().manual_seed(42)):
        pass
    read_sec = time.perf_counter() - start

    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    nn.init.normal_(net[1].weight, std=0.01)
    examples_per_sec, _ = classifier(net, 0.1, 10, 256, data_dir, None, xavier=False)
    net.eval()
    with torch.no_grad():
        correct = sum(float((net(x).argmax(1) == y).sum()) for x, y in batches(test_x, test_y, 256, torch.Generator()))
    print(json.dumps({"torch": torch.__version__, "threads": threads, "read_sec": read_sec,
                      "examples_per_sec": examples_per_sec, "test_acc": correct / len(test_y)}))


if __name__ == "__main__":
    main()
