"""PyTorch's side of scripts/speed-vs-pytorch.sh (issue #15): d2l's own training code for one model at the book's
settings, timed as d2l times it, on the same machine and data as Course. Prints one JSON line.

The models, loops and data pipelines follow d2l-zh 2.0.0 (d2l/torch.py: train_ch3/train_epoch_ch3, train_ch6,
train_ch8/train_epoch_ch8, train_seq2seq, load_data_fashion_mnist, load_data_time_machine, load_data_nmt); the model
classes come from scripts/pytorch_fixtures.py, which copies them from the book. Fashion-MNIST is held in memory and
batched by indexing, as Course does (d2l's DataLoader with per-sample transforms is several times slower, which
would flatter Course).

  python3 scripts/speed_vs_pytorch.py MODEL THREADS DATA_DIR EPOCHS [LIMIT]
  MODEL: softmax | mlp | lenet | bn-lenet | resnet (28×28) | rnn-scratch | rnn-concise | gru-scratch | gru-concise |
         lstm-scratch | lstm-concise | seq2seq | transformer
"""
import collections
import gzip
import json
import math
import os
import re
import resource
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
import pytorch_fixtures as book  # noqa: E402  (d2l's model classes)


def blas():
    """The BLAS this process loaded, read from its memory maps (PyTorch 1.13 on Debian links the system's libblas)."""
    with open("/proc/self/maps") as maps:
        names = {os.path.basename(line.split()[-1]) for line in maps if "blas" in line or "mkl" in line}
    return ", ".join(sorted(names)) or "unknown"


def blas_threads():
    """The threads OpenBLAS runs with (torch.set_num_threads does not set them; OPENBLAS_NUM_THREADS does), or None."""
    import ctypes
    try:
        return ctypes.CDLL(None).openblas_get_num_threads()
    except AttributeError:
        return None


def fashion_mnist(data_dir, split, limit):
    def read(path, offset):
        with gzip.open(path, "rb") as f:
            return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)
    x = torch.from_numpy(read(f"{data_dir}/fashion-mnist/{split}-images-idx3-ubyte.gz", 16).copy()).reshape(-1, 1, 28, 28).float().div_(255)
    y = torch.from_numpy(read(f"{data_dir}/fashion-mnist/{split}-labels-idx1-ubyte.gz", 8).copy()).long()
    return (x[:limit], y[:limit]) if limit else (x, y)


def batches(x, y, batch_size, generator):
    order = torch.randperm(len(x), generator=generator)
    for start in range(0, len(x), batch_size):
        index = order[start:start + batch_size]
        yield x.index_select(0, index), y.index_select(0, index)


def classifier(net, lr, epochs, batch_size, data_dir, limit, xavier):
    """d2l's train_ch3 / train_ch6: the timer runs around each training step, which reads the loss and accuracy."""
    if xavier:
        net.apply(lambda m: nn.init.xavier_uniform_(m.weight) if type(m) in (nn.Linear, nn.Conv2d) else None)
    x, y = fashion_mnist(data_dir, "train", limit)
    loss = nn.CrossEntropyLoss(reduction="none")
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(42)
    seconds, examples = 0.0, 0
    for _ in range(epochs):
        net.train()
        for X, Y in batches(x, y, batch_size, generator):
            start = time.perf_counter()
            y_hat = net(X)
            l = loss(y_hat, Y)
            trainer.zero_grad()
            l.mean().backward()
            trainer.step()
            float(l.sum()), float((y_hat.argmax(axis=1).type(Y.dtype) == Y).sum())  # d2l's metric.add per batch
            seconds += time.perf_counter() - start
            examples += len(Y)
    return examples / seconds, "examples"


class Vocab:  # d2l 8.2
    def __init__(self, tokens, min_freq=0, reserved_tokens=()):
        counter = collections.Counter(tokens)
        self.idx_to_token = ["<unk>"] + list(reserved_tokens)
        self.idx_to_token += [t for t, f in sorted(counter.items(), key=lambda x: x[1], reverse=True)
                              if f >= min_freq and t not in self.idx_to_token]
        self.token_to_idx = {t: i for i, t in enumerate(self.idx_to_token)}

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, 0)
        return [self[t] for t in tokens]


def time_machine(data_dir, batch_size, num_steps):
    """d2l's load_data_time_machine(batch_size, num_steps): characters, max_tokens 10000, sequential partitioning."""
    with open(f"{data_dir}/timemachine.txt") as f:
        lines = [re.sub("[^A-Za-z]+", " ", line).strip().lower() for line in f.readlines()]
    tokens = [ch for line in lines for ch in line]
    vocab = Vocab(tokens)
    corpus = [vocab[t] for t in tokens][:10000]

    def epoch():
        offset = np.random.randint(0, num_steps)
        num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
        Xs = torch.tensor(corpus[offset:offset + num_tokens]).reshape(batch_size, -1)
        Ys = torch.tensor(corpus[offset + 1:offset + 1 + num_tokens]).reshape(batch_size, -1)
        for i in range(0, Xs.shape[1] // num_steps * num_steps, num_steps):
            yield Xs[:, i:i + num_steps], Ys[:, i:i + num_steps]
    return epoch, vocab


def grad_clipping(net, theta):  # d2l 8.5
    params = [p for p in net.parameters() if p.requires_grad]
    norm = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in params))
    if norm > theta:
        for p in params:
            p.grad[:] *= theta / norm


def language_model(kind, epochs, data_dir):
    """d2l's train_ch8 with sequential partitioning, batch 32, 35 steps, lr 1: 8.5 rnn-scratch (512 hidden, d2l's sgd),
    8.6 rnn-concise, and 9.1 / 9.2 GRU and LSTM from scratch and concise (256 hidden)."""
    epoch_batches, vocab = time_machine(data_dir, 32, 35)
    layer, scratch = kind.split("-")
    hiddens = 512 if kind == "rnn-scratch" else 256
    parts = 2 if layer == "lstm" else 1
    if scratch == "scratch":
        step, gates, names = {"rnn": (book.rnn, 1, "W_xh W_hh b_h W_hq b_q"),
                              "gru": (book.gru, 3, "W_xz W_hz b_z W_xr W_hr b_r W_xh W_hh b_h W_hq b_q"),
                              "lstm": (book.lstm, 4, "W_xi W_hi b_i W_xf W_hf b_f W_xo W_ho b_o W_xc W_hc b_c W_hq b_q")}[layer]
        net = book.recurrent_scratch(names, step, len(vocab), hiddens, gates)
        params = list(net.params.values())
        for p in params:
            p.requires_grad_(True)

        def update():  # d2l's sgd(params, lr, batch_size=1)
            with torch.no_grad():
                for p in params:
                    p -= 1 * p.grad
                    p.grad.zero_()
        begin = lambda n: tuple(torch.zeros((n, hiddens)) for _ in range(parts))
        forward = lambda X, state: net(X, *state)
    else:
        module = book.RNNModel({"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[layer](len(vocab), hiddens), len(vocab))
        params = list(module.parameters())
        optimizer = torch.optim.SGD(params, 1)

        def update():
            optimizer.step()
            optimizer.zero_grad()
        begin = lambda n: torch.zeros((1, n, hiddens)) if parts == 1 else (torch.zeros((1, n, hiddens)), torch.zeros((1, n, hiddens)))
        forward = module
    loss = nn.CrossEntropyLoss()
    seconds, tokens = 0.0, 0
    for _ in range(epochs):
        state = None
        start = time.perf_counter()
        for X, Y in epoch_batches():
            if state is None:
                state = begin(X.shape[0])
            else:
                state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
            y = Y.T.reshape(-1)
            y_hat, state = forward(X, state)
            l = loss(y_hat, y.long()).mean()
            l.backward()
            norm = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in params))  # d2l's grad_clipping, theta 1
            if norm > 1:
                for p in params:
                    p.grad[:] *= 1 / norm
            update()
            float(l * y.numel())  # d2l's metric.add per batch
            tokens += y.numel()
        seconds += time.perf_counter() - start
    return tokens / seconds, "tokens"


def fra_eng(data_dir, batch_size, num_steps, num_examples=600):
    """d2l 9.5's load_data_nmt: preprocess, tokenize, vocabularies (min_freq 2), truncate_pad, shuffled batches."""
    with open(f"{data_dir}/fra-eng/fra.txt", encoding="utf-8") as f:
        text = f.read().replace("\u202f", " ").replace("\xa0", " ").lower()
    text = "".join(" " + c if i > 0 and c in set(",.!?") and text[i - 1] != " " else c for i, c in enumerate(text))
    source, target = [], []
    for i, line in enumerate(text.split("\n")):
        if i > num_examples:
            break
        parts = line.split("\t")
        if len(parts) == 2:
            source.append(parts[0].split(" "))
            target.append(parts[1].split(" "))
    src_vocab = Vocab([t for l in source for t in l], 2, ["<pad>", "<bos>", "<eos>"])
    tgt_vocab = Vocab([t for l in target for t in l], 2, ["<pad>", "<bos>", "<eos>"])

    def array(lines, vocab):
        rows = [vocab[l] + [vocab["<eos>"]] for l in lines]
        rows = [r[:num_steps] if len(r) > num_steps else r + [vocab["<pad>"]] * (num_steps - len(r)) for r in rows]
        a = torch.tensor(rows)
        return a, (a != vocab["<pad>"]).type(torch.int32).sum(1)
    arrays = (*array(source, src_vocab), *array(target, tgt_vocab))

    def epoch():
        order = torch.randperm(len(arrays[0]))
        for start in range(0, len(order), batch_size):
            index = order[start:start + batch_size]
            yield [a[index] for a in arrays]
    return epoch, src_vocab, tgt_vocab


class MaskedSoftmaxCELoss(nn.CrossEntropyLoss):  # d2l 9.7
    def forward(self, pred, label, valid_len):
        weights = book.sequence_mask(torch.ones_like(label), valid_len)
        self.reduction = "none"
        unweighted = super().forward(pred.permute(0, 2, 1), label)
        return (unweighted * weights).mean(dim=1)


def translation(kind, epochs, data_dir):
    """d2l's train_seq2seq on fra-eng (600 pairs, batch 64, 10 steps), Adam lr 0.005: 9.7's GRU encoder-decoder
    (embedding 32, 32 hidden, 2 layers, dropout 0.1) or 10.7's Transformer (32 hidden, 64 FFN, 4 heads, 2 blocks)."""
    epoch_batches, src_vocab, tgt_vocab = fra_eng(data_dir, 64, 10)
    if kind == "seq2seq":
        net = book.EncoderDecoder(book.Seq2SeqEncoder(len(src_vocab), 32, 32, 2, 0.1), book.Seq2SeqDecoder(len(tgt_vocab), 32, 32, 2, 0.1))
    else:
        sizes = (32, 32, 32, 32, [32], 32, 64, 4, 2, 0.1)
        net = book.EncoderDecoder(book.TransformerEncoder(len(src_vocab), *sizes), book.TransformerDecoder(len(tgt_vocab), *sizes))

    def xavier_init_weights(m):
        if type(m) == nn.Linear:
            nn.init.xavier_uniform_(m.weight)
        if type(m) == nn.GRU:
            for param in m._flat_weights_names:
                if "weight" in param:
                    nn.init.xavier_uniform_(m._parameters[param])
    net.apply(xavier_init_weights)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.005)
    loss = MaskedSoftmaxCELoss()
    net.train()
    seconds, tokens = 0.0, 0
    for _ in range(epochs):
        start = time.perf_counter()
        for X, X_valid_len, Y, Y_valid_len in epoch_batches():
            optimizer.zero_grad()
            bos = torch.tensor([tgt_vocab["<bos>"]] * Y.shape[0]).reshape(-1, 1)
            dec_input = torch.cat([bos, Y[:, :-1]], 1)
            Y_hat, _ = net(X, dec_input, X_valid_len)
            l = loss(Y_hat, Y, Y_valid_len)
            l.sum().backward()
            grad_clipping(net, 1)
            num_tokens = Y_valid_len.sum()
            optimizer.step()
            float(l.sum()), int(num_tokens)  # d2l's metric.add per batch
            tokens += int(num_tokens)
        seconds += time.perf_counter() - start
    return tokens / seconds, "tokens"


def main():
    model, threads, data_dir, epochs = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    limit = int(sys.argv[5]) if len(sys.argv) > 5 else None
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    np.random.seed(42)
    if model == "softmax":
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        nn.init.normal_(net[1].weight, std=0.01)
        speed = classifier(net, 0.1, epochs, 256, data_dir, limit, xavier=False)
    elif model == "mlp":
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
        net.apply(lambda m: nn.init.normal_(m.weight, std=0.01) if type(m) == nn.Linear else None)
        speed = classifier(net, 0.1, epochs, 256, data_dir, limit, xavier=False)
    elif model == "lenet":
        speed = classifier(book.lenet(), 0.9, epochs, 256, data_dir, limit, xavier=True)
    elif model == "bn-lenet":
        speed = classifier(book.batch_norm_lenet(True), 1.0, epochs, 256, data_dir, limit, xavier=True)
    elif model == "resnet":
        speed = classifier(book.resnet(), 0.05, epochs, 256, data_dir, limit, xavier=True)
    elif model in ("rnn-scratch", "rnn-concise", "gru-scratch", "gru-concise", "lstm-scratch", "lstm-concise"):
        speed = language_model(model, epochs, data_dir)
    elif model in ("seq2seq", "transformer"):
        speed = translation(model, epochs, data_dir)
    else:
        raise SystemExit(f"unknown model {model}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"model": model, "threads": threads, "per_sec": speed[0], "unit": speed[1], "peak_mb": peak_mb,
                      "torch": torch.__version__, "blas": blas(), "blas_threads": blas_threads()}))


if __name__ == "__main__":
    main()
