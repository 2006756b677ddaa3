"""The grid of experiments/digits.yaml in plain PyTorch (CPU), for bench/bench.py's digits section.

Idiomatic eager PyTorch, written to train what runexp trains:
  input(64) -> [Linear(units) he_normal, GELU(tanh), BatchNorm1d, Dropout] x depth -> Linear(10) glorot
  AdamW (eps 1e-7, weight decay 0.01 on every parameter, as Keras and runexp), a per-epoch cosine
  schedule with 2 warmup epochs (factor (e+1)/2, then (1 + cos(pi (e-2)/(E-2)))/2), cross-entropy
  with label smoothing 0.1, batch 32, rows shuffled every epoch (last partial batch kept).
  BatchNorm1d(momentum=0.01, eps=1e-3) is Keras' momentum 0.99; he_normal is Keras' truncated normal
  (std sqrt(2/fan_in)/0.8796, cut at 2 std); biases 0.
  Split: a stratified test part (20 %, fixed by --seed), then per repetition a stratified validation
  part (20 % of the rest, drawn again per repetition), features standardized on each run's training
  rows (population std, constant columns left unscaled): runexp's rules, not its rows.
Reports one JSON line: wall seconds of the grid, and each cell's validation accuracies (last epoch).

    python torch_digits.py --data Data/digits.csv --grid '{"depth": [1, 2], ...}' --epochs 30 --repetitions 3
"""
import argparse
import itertools
import json
import math
import time

_t0 = time.perf_counter()
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _t0


def stratified_split(labels, fraction, rng):
    """Indices (rest, part): `fraction` of each class, drawn with `rng`."""
    rest, part = [], []
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        rng.shuffle(rows)
        k = int(round(len(rows) * fraction))
        part.extend(rows[:k])
        rest.extend(rows[k:])
    return np.sort(np.array(rest)), np.sort(np.array(part))


def he_normal_(weight):
    fan_in = weight.shape[1]
    std = math.sqrt(2.0 / fan_in) / 0.87962566103423978
    nn.init.trunc_normal_(weight, mean=0.0, std=std, a=-2 * std, b=2 * std)


def build(depth, units, dropout, features, classes):
    layers, width = [], features
    for _ in range(depth):
        dense = nn.Linear(width, units)
        he_normal_(dense.weight)
        nn.init.zeros_(dense.bias)
        layers += [dense, nn.GELU(approximate="tanh"), nn.BatchNorm1d(units, momentum=0.01, eps=1e-3)]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = units
    head = nn.Linear(width, classes)
    nn.init.xavier_uniform_(head.weight)
    nn.init.zeros_(head.bias)
    return nn.Sequential(*layers, head)


def cosine(epoch, epochs, warmup=2):
    if epoch < warmup:
        return (epoch + 1) / warmup
    return 0.5 * (1 + math.cos(math.pi * (epoch - warmup) / max(epochs - warmup, 1)))


def train(cell, x_train, y_train, x_val, y_val, epochs, batch, seed, classes):
    torch.manual_seed(seed)
    model = build(cell["depth"], cell["units"], cell["dropout"], x_train.shape[1], classes)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cell["learning_rate"], eps=1e-7, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda e: cosine(e, epochs))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    n = x_train.shape[0]
    for _ in range(epochs):
        model.train()
        order = torch.randperm(n)
        for start in range(0, n, batch):
            rows = order[start:start + batch]
            loss = loss_fn(model(x_train[rows]), y_train[rows])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        schedule.step()
    model.eval()
    with torch.inference_mode():
        return (model(x_val).argmax(dim=1) == y_val).float().mean().item()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True)
    p.add_argument("--grid", required=True, help="JSON: axis -> values (depth, units, dropout, learning_rate)")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--repetitions", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--test", type=float, default=0.2)
    p.add_argument("--validation", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    table = np.loadtxt(args.data, delimiter=",", skiprows=1, dtype=np.float32)
    features, labels = table[:, :-1], table[:, -1].astype(np.int64)
    classes = int(labels.max()) + 1
    rest, _ = stratified_split(labels, args.test, np.random.default_rng(args.seed))
    grid = json.loads(args.grid)
    names = list(grid)
    cells = [dict(zip(names, values)) for values in itertools.product(*(grid[k] for k in names))]
    start = time.perf_counter()
    results = []
    for index, cell in enumerate(cells):
        accuracies = []
        for repetition in range(args.repetitions):
            train_rows, val_rows = stratified_split(labels[rest], args.validation, np.random.default_rng(1000 + repetition))
            train_rows, val_rows = rest[train_rows], rest[val_rows]
            mean = features[train_rows].mean(axis=0)
            std = features[train_rows].std(axis=0)
            std[std <= 1e-12] = 1
            scale = lambda rows: torch.from_numpy((features[rows] - mean) / std)
            accuracies.append(train(cell, scale(train_rows), torch.from_numpy(labels[train_rows]), scale(val_rows),
                                    torch.from_numpy(labels[val_rows]), args.epochs, args.batch_size,
                                    args.seed * 1000 + index * 10 + repetition, classes))
        results.append({"cell": cell, "val_accuracy": accuracies})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "import_seconds": IMPORT_SECONDS,
                      "grid_seconds": time.perf_counter() - start, "cells": results}))


if __name__ == "__main__":
    main()
