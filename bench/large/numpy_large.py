#!/usr/bin/env python3
"""The large-layer peer: a hand-written NumPy float32 MLP, the same math as runexp and as
../shared/peers/numpy_grid.py, timed on one big network instead of a grid of small ones.

Network: input(F) -> Dense(units, relu) x layers -> Dense(classes) + softmax, no dropout;
categorical cross-entropy ce_i = -log(clip(p[i, y_i], 1e-7, 1 - 1e-7)) reduced as Keras does
(sum_i w_i * ce_i / batch, w_i = 1: no class weights), plain SGD (w -= lr * g), Glorot-uniform
kernels and zero biases, reshuffle every epoch, last partial batch kept. Like runexp it keeps the
training loss and accuracy of every step and measures loss + accuracy on the validation rows after
every epoch, so both do the same work.

Data: the CSV runexp reads (numeric features, one label column). Split as runexp does: stratified
random, round(class count * validation) rows of each class to validation, rows in file order within
a part (the rows differ from runexp's, the counts match); features standardized with the training
rows' mean and population standard deviation (1 where a column is constant).

Prints one JSON line: train_seconds (the epoch loop, validation included), load_seconds (CSV,
split, standardize), import_seconds, script_seconds (first line to exit, interpreter start-up
excluded), val_accuracy / val_loss after the last epoch, numpy version and OpenBLAS threads.
Python standard library + numpy only.

    OPENBLAS_NUM_THREADS=1 python numpy_large.py --data FILE.csv [--target label] [--epochs 5]
"""
import time

_t0 = time.perf_counter()
import argparse  # noqa: E402
import ctypes  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402

import numpy as np  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _t0


def blas_info():
    """(library, threads) of the OpenBLAS numpy was built with, asked through ctypes (numpy's wheels
    bundle scipy-openblas under numpy.libs); the environment variable when that fails."""
    here = os.path.dirname(np.__file__)
    for lib in glob.glob(os.path.join(here, "..", "numpy.libs", "*openblas*")) + glob.glob(os.path.join(here, ".libs", "*openblas*")):
        try:
            handle = ctypes.CDLL(lib)
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas_", "64_"), ("scipy_openblas_", ""), ("openblas_", "64_"), ("openblas_", "")):
            threads = getattr(handle, f"{prefix}get_num_threads{suffix}", None)
            core = getattr(handle, f"{prefix}get_corename{suffix}", None)
            if threads is None:
                continue
            name = os.path.basename(lib)
            if core is not None:
                core.restype = ctypes.c_char_p
                name += f" ({core().decode()})"
            return name, int(threads())
    return "?", os.environ.get("OPENBLAS_NUM_THREADS", "?")


def load(path, target, validation, seed):
    with open(path) as f:
        header = f.readline().strip().split(",")
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    li = header.index(target)
    labels = table[:, li]
    X = np.delete(table, li, axis=1)
    classes, y = np.unique(labels, return_inverse=True)
    rng = np.random.default_rng(seed)
    in_validation = np.zeros(len(y), bool)
    for k in range(len(classes)):
        group = np.flatnonzero(y == k)
        rng.shuffle(group)
        in_validation[group[: int(round(len(group) * validation))]] = True
    train, val = np.flatnonzero(~in_validation), np.flatnonzero(in_validation)
    mu = X[train].mean(axis=0)
    sd = X[train].std(axis=0)
    sd[sd <= 1e-12] = 1.0
    X = ((X - mu) / sd).astype(np.float32)
    return X[train], y[train], X[val], y[val], len(classes)


def glorot(rng, fan_in, fan_out):
    lim = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-lim, lim, size=(fan_in, fan_out)).astype(np.float32)


def forward(params, x):
    """Activations of every layer (x, h1, ..., hL) and the softmax probabilities."""
    acts = [x]
    for W, b in params[:-1]:
        z = acts[-1] @ W
        z += b
        np.maximum(z, 0, out=z)
        acts.append(z)
    W, b = params[-1]
    z = acts[-1] @ W
    z += b
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return acts, z


def cross_entropy(prob, y):
    picked = np.clip(prob[np.arange(len(y)), y], np.float32(1e-7), np.float32(1 - 1e-7))
    return float(-np.log(picked).sum()), int((prob.argmax(axis=1) == y).sum())


def train(Xtr, ytr, Xva, yva, classes, units, layers, epochs, batch, lr, seed):
    rng = np.random.default_rng(seed)
    widths = [Xtr.shape[1]] + [units] * layers + [classes]
    params = [(glorot(rng, a, b), np.zeros(b, np.float32)) for a, b in zip(widths[:-1], widths[1:])]
    onehot = np.eye(classes, dtype=np.float32)[ytr]
    lr = np.float32(lr)
    n = Xtr.shape[0]
    history = []
    for epoch in range(epochs):
        perm = rng.permutation(n)
        loss_sum, correct = 0.0, 0
        for s in range(0, n, batch):
            idx = perm[s:s + batch]
            m = len(idx)
            acts, prob = forward(params, Xtr[idx])
            ce, right = cross_entropy(prob, ytr[idx])
            loss_sum += ce
            correct += right
            # d(sum_i ce_i / m)/dz of the last layer (softmax fused with the loss)
            g = (prob - onehot[idx]) * np.float32(1.0 / m)
            grads = []
            for layer in range(len(params) - 1, -1, -1):
                W, _ = params[layer]
                a = acts[layer]
                grads.append((a.T @ g, g.sum(axis=0)))
                if layer > 0:
                    g = g @ W.T
                    g *= a > 0  # relu'(z) = [h > 0]
            for (W, b), (gW, gb) in zip(params, reversed(grads)):
                W -= lr * gW
                b -= lr * gb
        _, prob = forward(params, Xva)
        ce, right = cross_entropy(prob, yva)
        history.append(dict(epoch=epoch + 1, loss=loss_sum / n, accuracy=correct / n,
                            val_loss=ce / len(yva), val_accuracy=right / len(yva)))
    return history


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="CSV: numeric features and a label column")
    p.add_argument("--target", default="label")
    p.add_argument("--validation", type=float, default=0.2)
    p.add_argument("--units", type=int, default=256)
    p.add_argument("--layers", type=int, default=2, help="hidden Dense(units, relu) layers")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    t = time.perf_counter()
    Xtr, ytr, Xva, yva, classes = load(args.data, args.target, args.validation, args.seed)
    load_seconds = time.perf_counter() - t
    t = time.perf_counter()
    history = train(Xtr, ytr, Xva, yva, classes, args.units, args.layers, args.epochs, args.batch_size,
                    args.lr, args.seed + 1)
    train_seconds = time.perf_counter() - t
    library, threads = blas_info()
    print(json.dumps(dict(
        tool="numpy", numpy=np.__version__, blas=library, blas_threads=threads,
        train_rows=len(ytr), validation_rows=len(yva), features=Xtr.shape[1], classes=classes,
        units=args.units, layers=args.layers, epochs=args.epochs, batch_size=args.batch_size,
        import_seconds=round(IMPORT_SECONDS, 4), load_seconds=round(load_seconds, 4),
        train_seconds=round(train_seconds, 4), script_seconds=round(time.perf_counter() - _t0, 4),
        val_loss=round(history[-1]["val_loss"], 6), val_accuracy=round(history[-1]["val_accuracy"], 6),
        history=history)))


if __name__ == "__main__":
    main()
