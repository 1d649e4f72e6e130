"""PyTorch's side of Course's weight parity tests (issue #14).

Writes, for every book model of chapters 3-10, d2l's PyTorch model built with d2l's own code (copied below from
d2l-zh 2.0.0: d2l/torch.py and the chapter notebooks, cited per class), seeded:
  <dir>/<name>.pt     its state_dict (torch.save(net.state_dict()), or the dict of a from-scratch model's parameters)
  <dir>/<name>.io.pt  a fixed input x0, x1, ... and PyTorch's outputs y0, y1, ... (output, then states) in eval mode
Course.Tests/Interop/PyTorchParityTests.cs loads them into Course's models and compares.

  python3 scripts/pytorch_fixtures.py write DIR           # the fixtures
  python3 scripts/pytorch_fixtures.py check DIR OUT       # OUT/<name>.safetensors (written by Course) loaded into
                                                          # d2l's model, strictly; its outputs to OUT/<name>.out.pt
"""
import json
import math
import os
import struct
import sys

import torch
from torch import nn
from torch.nn import functional as F


# ---------------------------------------------------------------- d2l/torch.py (d2l-zh 2.0.0), as the book defines them

class Residual(nn.Module):  # 7.6
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


class RNNModel(nn.Module):  # 8.6
    def __init__(self, rnn_layer, vocab_size, **kwargs):
        super(RNNModel, self).__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.num_hiddens = self.rnn.hidden_size
        if not self.rnn.bidirectional:
            self.num_directions = 1
            self.linear = nn.Linear(self.num_hiddens, self.vocab_size)
        else:
            self.num_directions = 2
            self.linear = nn.Linear(self.num_hiddens * 2, self.vocab_size)

    def forward(self, inputs, state):
        X = F.one_hot(inputs.T.long(), self.vocab_size)
        X = X.to(torch.float32)
        Y, state = self.rnn(X, state)
        output = self.linear(Y.reshape((-1, Y.shape[-1])))
        return output, state


class EncoderDecoder(nn.Module):  # 9.6
    def __init__(self, encoder, decoder, **kwargs):
        super(EncoderDecoder, self).__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, enc_X, dec_X, *args):
        enc_outputs = self.encoder(enc_X, *args)
        dec_state = self.decoder.init_state(enc_outputs, *args)
        return self.decoder(dec_X, dec_state)


class Seq2SeqEncoder(nn.Module):  # 9.7
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super(Seq2SeqEncoder, self).__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers, dropout=dropout)

    def forward(self, X, *args):
        X = self.embedding(X)
        X = X.permute(1, 0, 2)
        output, state = self.rnn(X)
        return output, state


def sequence_mask(X, valid_len, value=0):  # 9.7
    maxlen = X.size(1)
    mask = torch.arange((maxlen), dtype=torch.float32, device=X.device)[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


def masked_softmax(X, valid_lens):  # 10.3
    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    else:
        shape = X.shape
        if valid_lens.dim() == 1:
            valid_lens = torch.repeat_interleave(valid_lens, shape[1])
        else:
            valid_lens = valid_lens.reshape(-1)
        X = sequence_mask(X.reshape(-1, shape[-1]), valid_lens, value=-1e6)
        return nn.functional.softmax(X.reshape(shape), dim=-1)


class AdditiveAttention(nn.Module):  # 10.3
    def __init__(self, key_size, query_size, num_hiddens, dropout, **kwargs):
        super(AdditiveAttention, self).__init__(**kwargs)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        queries, keys = self.W_q(queries), self.W_k(keys)
        features = queries.unsqueeze(2) + keys.unsqueeze(1)
        features = torch.tanh(features)
        scores = self.w_v(features).squeeze(-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


class DotProductAttention(nn.Module):  # 10.3
    def __init__(self, dropout, **kwargs):
        super(DotProductAttention, self).__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens=None):
        d = queries.shape[-1]
        scores = torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


class MultiHeadAttention(nn.Module):  # 10.5
    def __init__(self, key_size, query_size, value_size, num_hiddens, num_heads, dropout, bias=False, **kwargs):
        super(MultiHeadAttention, self).__init__(**kwargs)
        self.num_heads = num_heads
        self.attention = DotProductAttention(dropout)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=bias)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=bias)
        self.W_v = nn.Linear(value_size, num_hiddens, bias=bias)
        self.W_o = nn.Linear(num_hiddens, num_hiddens, bias=bias)

    def forward(self, queries, keys, values, valid_lens):
        queries = transpose_qkv(self.W_q(queries), self.num_heads)
        keys = transpose_qkv(self.W_k(keys), self.num_heads)
        values = transpose_qkv(self.W_v(values), self.num_heads)
        if valid_lens is not None:
            valid_lens = torch.repeat_interleave(valid_lens, repeats=self.num_heads, dim=0)
        output = self.attention(queries, keys, values, valid_lens)
        output_concat = transpose_output(output, self.num_heads)
        return self.W_o(output_concat)


def transpose_qkv(X, num_heads):  # 10.5
    X = X.reshape(X.shape[0], X.shape[1], num_heads, -1)
    X = X.permute(0, 2, 1, 3)
    return X.reshape(-1, X.shape[2], X.shape[3])


def transpose_output(X, num_heads):  # 10.5
    X = X.reshape(-1, num_heads, X.shape[1], X.shape[2])
    X = X.permute(0, 2, 1, 3)
    return X.reshape(X.shape[0], X.shape[1], -1)


class PositionalEncoding(nn.Module):  # 10.6
    def __init__(self, num_hiddens, dropout, max_len=1000):
        super(PositionalEncoding, self).__init__()
        self.dropout = nn.Dropout(dropout)
        self.P = torch.zeros((1, max_len, num_hiddens))
        X = torch.arange(max_len, dtype=torch.float32).reshape(-1, 1) / torch.pow(
            10000, torch.arange(0, num_hiddens, 2, dtype=torch.float32) / num_hiddens)
        self.P[:, :, 0::2] = torch.sin(X)
        self.P[:, :, 1::2] = torch.cos(X)

    def forward(self, X):
        X = X + self.P[:, :X.shape[1], :].to(X.device)
        return self.dropout(X)


class PositionWiseFFN(nn.Module):  # 10.7
    def __init__(self, ffn_num_input, ffn_num_hiddens, ffn_num_outputs, **kwargs):
        super(PositionWiseFFN, self).__init__(**kwargs)
        self.dense1 = nn.Linear(ffn_num_input, ffn_num_hiddens)
        self.relu = nn.ReLU()
        self.dense2 = nn.Linear(ffn_num_hiddens, ffn_num_outputs)

    def forward(self, X):
        return self.dense2(self.relu(self.dense1(X)))


class AddNorm(nn.Module):  # 10.7
    def __init__(self, normalized_shape, dropout, **kwargs):
        super(AddNorm, self).__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)
        self.ln = nn.LayerNorm(normalized_shape)

    def forward(self, X, Y):
        return self.ln(self.dropout(Y) + X)


class EncoderBlock(nn.Module):  # 10.7
    def __init__(self, key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input, ffn_num_hiddens,
                 num_heads, dropout, use_bias=False, **kwargs):
        super(EncoderBlock, self).__init__(**kwargs)
        self.attention = MultiHeadAttention(key_size, query_size, value_size, num_hiddens, num_heads, dropout, use_bias)
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.addnorm2 = AddNorm(norm_shape, dropout)

    def forward(self, X, valid_lens):
        Y = self.addnorm1(X, self.attention(X, X, X, valid_lens))
        return self.addnorm2(Y, self.ffn(Y))


class TransformerEncoder(nn.Module):  # 10.7
    def __init__(self, vocab_size, key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input,
                 ffn_num_hiddens, num_heads, num_layers, dropout, use_bias=False, **kwargs):
        super(TransformerEncoder, self).__init__(**kwargs)
        self.num_hiddens = num_hiddens
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for i in range(num_layers):
            self.blks.add_module("block" + str(i), EncoderBlock(
                key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input, ffn_num_hiddens,
                num_heads, dropout, use_bias))

    def forward(self, X, valid_lens, *args):
        X = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        self.attention_weights = [None] * len(self.blks)
        for i, blk in enumerate(self.blks):
            X = blk(X, valid_lens)
            self.attention_weights[i] = blk.attention.attention.attention_weights
        return X


# ---------------------------------------------------------------- the chapter notebooks (d2l-zh 2.0.0)

def linreg(X, w, b):  # 3.2 (d2l/torch.py)
    return torch.matmul(X, w) + b


def softmax(X):  # 3.6
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


def relu(X):  # 4.2
    a = torch.zeros_like(X)
    return torch.max(X, a)


class DropoutNet(nn.Module):  # 4.6 Net (dropout applies only while training; eval() turns it off)
    def __init__(self, num_inputs, num_outputs, num_hiddens1, num_hiddens2, is_training=True):
        super(DropoutNet, self).__init__()
        self.num_inputs = num_inputs
        self.training = is_training
        self.lin1 = nn.Linear(num_inputs, num_hiddens1)
        self.lin2 = nn.Linear(num_hiddens1, num_hiddens2)
        self.lin3 = nn.Linear(num_hiddens2, num_outputs)
        self.relu = nn.ReLU()

    def forward(self, X):
        H1 = self.relu(self.lin1(X.reshape((-1, self.num_inputs))))
        H2 = self.relu(self.lin2(H1))
        return self.lin3(H2)


def vgg_block(num_convs, in_channels, out_channels):  # 7.2
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


def vgg(conv_arch):  # 7.2
    conv_blks = []
    in_channels = 1
    for (num_convs, out_channels) in conv_arch:
        conv_blks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    return nn.Sequential(
        *conv_blks, nn.Flatten(),
        nn.Linear(out_channels * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 10))


def nin_block(in_channels, out_channels, kernel_size, strides, padding):  # 7.3
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())


class Inception(nn.Module):  # 7.4
    def __init__(self, in_channels, c1, c2, c3, c4, **kwargs):
        super(Inception, self).__init__(**kwargs)
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

    def forward(self, x):
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        return torch.cat((p1, p2, p3, p4), dim=1)


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):  # 7.5
    if not torch.is_grad_enabled():
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        X_hat = (X - mean) / torch.sqrt(var + eps)
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    Y = gamma * X_hat + beta
    return Y, moving_mean.data, moving_var.data


class BatchNorm(nn.Module):  # 7.5
    def __init__(self, num_features, num_dims):
        super().__init__()
        if num_dims == 2:
            shape = (1, num_features)
        else:
            shape = (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        if self.moving_mean.device != X.device:
            self.moving_mean = self.moving_mean.to(X.device)
            self.moving_var = self.moving_var.to(X.device)
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var, eps=1e-5, momentum=0.9)
        return Y


def resnet_block(input_channels, num_channels, num_residuals, first_block=False):  # 7.6
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(Residual(num_channels, num_channels))
    return blk


def conv_block(input_channels, num_channels):  # 7.7
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1))


class DenseBlock(nn.Module):  # 7.7
    def __init__(self, num_convs, input_channels, num_channels):
        super(DenseBlock, self).__init__()
        layer = []
        for i in range(num_convs):
            layer.append(conv_block(num_channels * i + input_channels, num_channels))
        self.net = nn.Sequential(*layer)

    def forward(self, X):
        for blk in self.net:
            Y = blk(X)
            X = torch.cat((X, Y), dim=1)
        return X


def transition_block(input_channels, num_channels):  # 7.7
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2))


def rnn(inputs, state, params):  # 8.5
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        H = torch.tanh(torch.mm(X, W_xh) + torch.mm(H, W_hh) + b_h)
        Y = torch.mm(H, W_hq) + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)


def gru(inputs, state, params):  # 9.1
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        Z = torch.sigmoid((X @ W_xz) + (H @ W_hz) + b_z)
        R = torch.sigmoid((X @ W_xr) + (H @ W_hr) + b_r)
        H_tilda = torch.tanh((X @ W_xh) + ((R * H) @ W_hh) + b_h)
        H = Z * H + (1 - Z) * H_tilda
        Y = H @ W_hq + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)


def lstm(inputs, state, params):  # 9.2
    [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q] = params
    (H, C) = state
    outputs = []
    for X in inputs:
        I = torch.sigmoid((X @ W_xi) + (H @ W_hi) + b_i)
        F_ = torch.sigmoid((X @ W_xf) + (H @ W_hf) + b_f)
        O = torch.sigmoid((X @ W_xo) + (H @ W_ho) + b_o)
        C_tilda = torch.tanh((X @ W_xc) + (H @ W_hc) + b_c)
        C = F_ * C + I * C_tilda
        H = O * torch.tanh(C)
        Y = (H @ W_hq) + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H, C)


class Seq2SeqDecoder(nn.Module):  # 9.7
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super(Seq2SeqDecoder, self).__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, *args):
        return enc_outputs[1]

    def forward(self, X, state):
        X = self.embedding(X).permute(1, 0, 2)
        context = state[-1].repeat(X.shape[0], 1, 1)
        X_and_context = torch.cat((X, context), 2)
        output, state = self.rnn(X_and_context, state)
        output = self.dense(output).permute(1, 0, 2)
        return output, state


class NWKernelRegression(nn.Module):  # 10.2
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = nn.Parameter(torch.rand((1,), requires_grad=True))

    def forward(self, queries, keys, values):
        queries = queries.repeat_interleave(keys.shape[1]).reshape((-1, keys.shape[1]))
        self.attention_weights = nn.functional.softmax(-((queries - keys) * self.w) ** 2 / 2, dim=1)
        return torch.bmm(self.attention_weights.unsqueeze(1), values.unsqueeze(-1)).reshape(-1)


class Seq2SeqAttentionDecoder(nn.Module):  # 10.4
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super(Seq2SeqAttentionDecoder, self).__init__(**kwargs)
        self.attention = AdditiveAttention(num_hiddens, num_hiddens, num_hiddens, dropout)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, enc_valid_lens, *args):
        outputs, hidden_state = enc_outputs
        return (outputs.permute(1, 0, 2), hidden_state, enc_valid_lens)

    def forward(self, X, state):
        enc_outputs, hidden_state, enc_valid_lens = state
        X = self.embedding(X).permute(1, 0, 2)
        outputs, self._attention_weights = [], []
        for x in X:
            query = torch.unsqueeze(hidden_state[-1], dim=1)
            context = self.attention(query, enc_outputs, enc_outputs, enc_valid_lens)
            x = torch.cat((context, torch.unsqueeze(x, dim=1)), dim=-1)
            out, hidden_state = self.rnn(x.permute(1, 0, 2), hidden_state)
            outputs.append(out)
            self._attention_weights.append(self.attention.attention_weights)
        outputs = self.dense(torch.cat(outputs, dim=0))
        return outputs.permute(1, 0, 2), [enc_outputs, hidden_state, enc_valid_lens]


class DecoderBlock(nn.Module):  # 10.7
    def __init__(self, key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input, ffn_num_hiddens,
                 num_heads, dropout, i, **kwargs):
        super(DecoderBlock, self).__init__(**kwargs)
        self.i = i
        self.attention1 = MultiHeadAttention(key_size, query_size, value_size, num_hiddens, num_heads, dropout)
        self.addnorm1 = AddNorm(norm_shape, dropout)
        self.attention2 = MultiHeadAttention(key_size, query_size, value_size, num_hiddens, num_heads, dropout)
        self.addnorm2 = AddNorm(norm_shape, dropout)
        self.ffn = PositionWiseFFN(ffn_num_input, ffn_num_hiddens, num_hiddens)
        self.addnorm3 = AddNorm(norm_shape, dropout)

    def forward(self, X, state):
        enc_outputs, enc_valid_lens = state[0], state[1]
        if state[2][self.i] is None:
            key_values = X
        else:
            key_values = torch.cat((state[2][self.i], X), axis=1)
        state[2][self.i] = key_values
        if self.training:
            batch_size, num_steps, _ = X.shape
            dec_valid_lens = torch.arange(1, num_steps + 1, device=X.device).repeat(batch_size, 1)
        else:
            dec_valid_lens = None
        X2 = self.attention1(X, key_values, key_values, dec_valid_lens)
        Y = self.addnorm1(X, X2)
        Y2 = self.attention2(Y, enc_outputs, enc_outputs, enc_valid_lens)
        Z = self.addnorm2(Y, Y2)
        return self.addnorm3(Z, self.ffn(Z)), state


class TransformerDecoder(nn.Module):  # 10.7
    def __init__(self, vocab_size, key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input,
                 ffn_num_hiddens, num_heads, num_layers, dropout, **kwargs):
        super(TransformerDecoder, self).__init__(**kwargs)
        self.num_hiddens = num_hiddens
        self.num_layers = num_layers
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for i in range(num_layers):
            self.blks.add_module("block" + str(i), DecoderBlock(
                key_size, query_size, value_size, num_hiddens, norm_shape, ffn_num_input, ffn_num_hiddens,
                num_heads, dropout, i))
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, enc_valid_lens, *args):
        return [enc_outputs, enc_valid_lens, [None] * self.num_layers]

    def forward(self, X, state):
        X = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        for i, blk in enumerate(self.blks):
            X, state = blk(X, state)
        return self.dense(X), state


# ---------------------------------------------------------------- the models, as each section builds them

class Scratch:
    """A from-scratch model: d2l's parameter list by name and the function that applies it."""

    def __init__(self, params, apply):
        self.params, self.apply = params, apply

    def state_dict(self):
        return dict(self.params)

    def load_state_dict(self, state):
        if list(state) != list(self.params) and sorted(state) != sorted(self.params):
            raise KeyError(f"keys {sorted(state)} are not {sorted(self.params)}")
        for k, v in state.items():
            if v.shape != self.params[k].shape:
                raise ValueError(f"{k}: {tuple(v.shape)} is not {tuple(self.params[k].shape)}")
            self.params[k] = v

    def eval(self):
        return self

    def __call__(self, *xs):
        return self.apply([self.params[k] for k in self.params], *xs)


def normal(*shape):
    return torch.randn(size=shape) * 0.01


def three(num_inputs, num_hiddens):
    return normal(num_inputs, num_hiddens), normal(num_hiddens, num_hiddens), torch.zeros(num_hiddens)


def named(names, tensors):
    return dict(zip(names.split(), tensors))


def recurrent_scratch(names, step, vocab, hiddens, gates):
    params = []
    for _ in range(gates):
        params.extend(three(vocab, hiddens))
    params += [normal(hiddens, vocab), torch.zeros(vocab)]

    def apply(ps, X, *state):
        return step(F.one_hot(X.T, vocab).type(torch.float32), tuple(state), ps)
    return Scratch(named(names, params), apply)


def tokens(vocab, *shape):
    return torch.randint(0, vocab, shape)


def images(side, batch=2):
    return torch.rand(batch, 1, side, side)


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))


def lenet_relu():  # 11.11 net_fn
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def alexnet():
    return nn.Sequential(
        nn.Conv2d(1, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2), nn.Flatten(),
        nn.Linear(6400, 4096), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(p=0.5),
        nn.Linear(4096, 10))


def nin():
    return nn.Sequential(
        nin_block(1, 96, kernel_size=11, strides=4, padding=0), nn.MaxPool2d(3, stride=2),
        nin_block(96, 256, kernel_size=5, strides=1, padding=2), nn.MaxPool2d(3, stride=2),
        nin_block(256, 384, kernel_size=3, strides=1, padding=1), nn.MaxPool2d(3, stride=2),
        nn.Dropout(0.5),
        nin_block(384, 10, kernel_size=3, strides=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())


def googlenet():
    b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b2 = nn.Sequential(nn.Conv2d(64, 64, kernel_size=1), nn.ReLU(),
                       nn.Conv2d(64, 192, kernel_size=3, padding=1), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b3 = nn.Sequential(Inception(192, 64, (96, 128), (16, 32), 32),
                       Inception(256, 128, (128, 192), (32, 96), 64),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b4 = nn.Sequential(Inception(480, 192, (96, 208), (16, 48), 64),
                       Inception(512, 160, (112, 224), (24, 64), 64),
                       Inception(512, 128, (128, 256), (24, 64), 64),
                       Inception(512, 112, (144, 288), (32, 64), 64),
                       Inception(528, 256, (160, 320), (32, 128), 128),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b5 = nn.Sequential(Inception(832, 256, (160, 320), (32, 128), 128),
                       Inception(832, 384, (192, 384), (48, 128), 128),
                       nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
    return nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10))


def batch_norm_lenet(concise):
    def norm(features, dims):
        return (nn.BatchNorm2d(features) if dims == 4 else nn.BatchNorm1d(features)) if concise else BatchNorm(features, dims)
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), norm(6, 4), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), norm(16, 4), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 120), norm(120, 2), nn.Sigmoid(),
        nn.Linear(120, 84), norm(84, 2), nn.Sigmoid(),
        nn.Linear(84, 10))


def resnet():
    b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.BatchNorm2d(64), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b2 = nn.Sequential(*resnet_block(64, 64, 2, first_block=True))
    b3 = nn.Sequential(*resnet_block(64, 128, 2))
    b4 = nn.Sequential(*resnet_block(128, 256, 2))
    b5 = nn.Sequential(*resnet_block(256, 512, 2))
    return nn.Sequential(b1, b2, b3, b4, b5, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10))


def densenet():
    b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.BatchNorm2d(64), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    num_channels, growth_rate = 64, 32
    num_convs_in_dense_blocks = [4, 4, 4, 4]
    blks = []
    for i, num_convs in enumerate(num_convs_in_dense_blocks):
        blks.append(DenseBlock(num_convs, num_channels, growth_rate))
        num_channels += num_convs * growth_rate
        if i != len(num_convs_in_dense_blocks) - 1:
            blks.append(transition_block(num_channels, num_channels // 2))
            num_channels = num_channels // 2
    return nn.Sequential(b1, *blks, nn.BatchNorm2d(num_channels), nn.ReLU(),
                         nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(num_channels, 10))


def kaggle_deep(inputs):  # the notes' five hidden layers of 30 (not d2l's code)
    layers = []
    for width in [inputs, 30, 30, 30, 30]:
        layers += [nn.Linear(width, 30), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(30, 1))


VOCAB = 28  # the time machine's characters
SRC, TGT, STEPS = 20, 24, 10  # small fra-eng vocabularies (the data's are larger); 10 steps as the book
KAGGLE = 330


def seq2seq():
    return EncoderDecoder(Seq2SeqEncoder(SRC, 32, 32, 2, 0.1), Seq2SeqDecoder(TGT, 32, 32, 2, 0.1))


def bahdanau():
    return EncoderDecoder(Seq2SeqEncoder(SRC, 32, 32, 2, 0.1), Seq2SeqAttentionDecoder(TGT, 32, 32, 2, 0.1))


def transformer():
    sizes = (32, 32, 32, 32, [32], 32, 64, 4, 2, 0.1)
    return EncoderDecoder(TransformerEncoder(SRC, *sizes), TransformerDecoder(TGT, *sizes))


def translation_inputs():
    return [tokens(SRC, 2, STEPS), tokens(TGT, 2, STEPS), torch.tensor([STEPS, 6])]


def rnn_state(layers, hiddens=256, parts=1):
    return [torch.randn(layers, 2, hiddens) * 0.1 for _ in range(parts)]


# name: (build, inputs, outputs of the call as a list of tensors)
def first(out):
    return [out]


def with_state(out):
    Y, state = out
    return [Y] + list(state if isinstance(state, (tuple, list)) else [state])


def concise_rnn(layer, parts):
    def call(net, X, *state):
        return with_state(net(X, state[0] if parts == 1 else tuple(state)))
    return call


MODELS = {
    "linreg-scratch": (lambda: Scratch(named("w b", [normal(2, 1), torch.zeros(1)]), lambda p, X: linreg(X, *p)),
                       lambda: [torch.randn(4, 2)], lambda net, *x: first(net(*x))),
    "linreg-concise": (lambda: nn.Sequential(nn.Linear(2, 1)), lambda: [torch.randn(4, 2)], None),
    "softmax-scratch": (lambda: Scratch(named("W b", [normal(784, 10), torch.randn(10) * 0.1]),
                                        lambda p, X: softmax(torch.matmul(X.reshape((-1, p[0].shape[0])), p[0]) + p[1])),
                        lambda: [images(28)], lambda net, *x: first(net(*x))),
    "softmax-concise": (lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), lambda: [images(28)], None),
    "mlp-scratch": (lambda: Scratch(named("W1 b1 W2 b2", [normal(784, 256), torch.randn(256) * 0.1, normal(256, 10), torch.randn(10) * 0.1]),
                                    lambda p, X: (relu(X.reshape((-1, 784)) @ p[0] + p[1]) @ p[2] + p[3])),
                    lambda: [images(28)], lambda net, *x: first(net(*x))),
    "mlp-concise": (lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)), lambda: [images(28)], None),
    "dropout-scratch": (lambda: DropoutNet(784, 10, 256, 256), lambda: [images(28)], None),
    "dropout-concise": (lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2),
                                              nn.Linear(256, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10)),
                        lambda: [images(28)], None),
    "underfit-overfit": (lambda: nn.Sequential(nn.Linear(4, 1, bias=False)), lambda: [torch.randn(5, 4)], None),
    "weight-decay-scratch": (lambda: Scratch(named("w b", [torch.normal(0, 1, size=(200, 1)), torch.zeros(1)]), lambda p, X: linreg(X, *p)),
                             lambda: [torch.randn(3, 200)], lambda net, *x: first(net(*x))),
    "weight-decay-concise": (lambda: nn.Sequential(nn.Linear(200, 1)), lambda: [torch.randn(3, 200)], None),
    "kaggle-house": (lambda: nn.Sequential(nn.Linear(KAGGLE, 1)), lambda: [torch.randn(3, KAGGLE)], None),
    "kaggle-house-deep": (lambda: kaggle_deep(KAGGLE), lambda: [torch.randn(3, KAGGLE)], None),
    "conv-layer": (lambda: nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False), lambda: [torch.rand(1, 1, 6, 8)], None),
    "lenet": (lenet, lambda: [images(28)], None),
    "alexnet": (alexnet, lambda: [images(224, 1)], None),
    "vgg": (lambda: vgg([(pair[0], pair[1] // 4) for pair in ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))]),
            lambda: [images(224, 1)], None),
    "nin": (nin, lambda: [images(224, 1)], None),
    "googlenet": (googlenet, lambda: [images(96)], None),
    "batch-norm": (lambda: batch_norm_lenet(False), lambda: [images(28)], None),
    "batch-norm-concise": (lambda: batch_norm_lenet(True), lambda: [images(28)], None),
    "resnet": (resnet, lambda: [images(96)], None),
    "densenet": (densenet, lambda: [images(96)], None),
    "sequence": (lambda: nn.Sequential(nn.Linear(4, 10), nn.ReLU(), nn.Linear(10, 1)), lambda: [torch.randn(6, 4)], None),
    "rnn-scratch": (lambda: recurrent_scratch("W_xh W_hh b_h W_hq b_q", rnn, VOCAB, 512, 1),
                    lambda: [tokens(VOCAB, 2, 5), torch.randn(2, 512) * 0.1], lambda net, *x: with_state(net(*x))),
    "rnn-concise": (lambda: RNNModel(nn.RNN(VOCAB, 256), VOCAB), lambda: [tokens(VOCAB, 2, 5)] + rnn_state(1), concise_rnn("rnn", 1)),
    "gru-scratch": (lambda: recurrent_scratch("W_xz W_hz b_z W_xr W_hr b_r W_xh W_hh b_h W_hq b_q", gru, VOCAB, 256, 3),
                    lambda: [tokens(VOCAB, 2, 5), torch.randn(2, 256) * 0.1], lambda net, *x: with_state(net(*x))),
    "gru-concise": (lambda: RNNModel(nn.GRU(VOCAB, 256), VOCAB), lambda: [tokens(VOCAB, 2, 5)] + rnn_state(1), concise_rnn("gru", 1)),
    "lstm-scratch": (lambda: recurrent_scratch("W_xi W_hi b_i W_xf W_hf b_f W_xo W_ho b_o W_xc W_hc b_c W_hq b_q", lstm, VOCAB, 256, 4),
                     lambda: [tokens(VOCAB, 2, 5), torch.randn(2, 256) * 0.1, torch.randn(2, 256) * 0.1], lambda net, *x: with_state(net(*x))),
    "lstm-concise": (lambda: RNNModel(nn.LSTM(VOCAB, 256), VOCAB), lambda: [tokens(VOCAB, 2, 5)] + rnn_state(1, parts=2), concise_rnn("lstm", 2)),
    "deep-rnn": (lambda: RNNModel(nn.LSTM(VOCAB, 256, 2), VOCAB), lambda: [tokens(VOCAB, 2, 5)] + rnn_state(2, parts=2), concise_rnn("lstm", 2)),
    "bi-rnn": (lambda: RNNModel(nn.LSTM(VOCAB, 256, 2, bidirectional=True), VOCAB), lambda: [tokens(VOCAB, 2, 5)] + rnn_state(4, parts=2), concise_rnn("lstm", 2)),
    "seq2seq": (seq2seq, translation_inputs, lambda net, *x: with_state(net(*x))),
    "bahdanau-attention": (bahdanau, translation_inputs, lambda net, *x: [net(*x)[0], net(*x)[1][1]]),
    "transformer": (transformer, translation_inputs, lambda net, *x: first(net(*x)[0])),
    "nadaraya-watson": (NWKernelRegression, lambda: [torch.rand(5) * 5, torch.rand(5, 4) * 5, torch.randn(5, 4)], None),
    "lr-scheduler": (lenet_relu, lambda: [images(28)], None),
}


def outputs(name, net, inputs):
    _, _, call = MODELS[name]
    net.eval()
    with torch.no_grad():
        return call(net, *inputs) if call else first(net(*inputs))


def write(folder):
    os.makedirs(folder, exist_ok=True)
    for name, (build, make_inputs, _) in MODELS.items():
        torch.manual_seed(0)
        net = build()
        with torch.no_grad():  # constant initial values (zero biases, unit gammas, running statistics) made to count
            for value in net.state_dict().values():
                if value.is_floating_point() and bool((value == value.flatten()[0]).all()):
                    value.add_(torch.randn_like(value) * 0.05)
        inputs = make_inputs()
        ys = outputs(name, net, inputs)
        torch.save(net.state_dict(), os.path.join(folder, name + ".pt"))
        io = {f"x{i}": x for i, x in enumerate(inputs)}
        io.update({f"y{i}": y.contiguous() for i, y in enumerate(ys)})
        torch.save(io, os.path.join(folder, name + ".io.pt"))
        print(f"{name:22} {sum(v.numel() for v in net.state_dict().values()):>10} weights")


DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8, "BOOL": torch.bool}


def load_safetensors(path):
    """safetensors.torch.load_file without the safetensors package: an 8-byte header length, a JSON header, the data."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    state = {}
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        data = bytearray(blob[8 + n + start:8 + n + end])
        state[key] = torch.frombuffer(data, dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"]).clone() if end > start \
            else torch.empty(entry["shape"], dtype=DTYPES[entry["dtype"]])
    return state


def check(folder, out):
    for name, (build, _, _) in MODELS.items():
        path = os.path.join(out, name + ".safetensors")
        if not os.path.exists(path):
            continue
        net = build()
        net.load_state_dict(load_safetensors(path))  # strict: exactly d2l's keys
        io = torch.load(os.path.join(folder, name + ".io.pt"))
        inputs = [io[f"x{i}"] for i in range(sum(k.startswith("x") for k in io))]
        ys = outputs(name, net, inputs)
        torch.save({f"y{i}": y.contiguous() for i, y in enumerate(ys)}, os.path.join(out, name + ".out.pt"))
        print(f"{name:22} loaded")


if __name__ == "__main__":
    torch.set_num_threads(1)
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        write(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
