#!/usr/bin/env python3
"""The scikit-learn peer of bench.py's `diabetes` section (regression on Data/diabetes.csv).

Two modes; each prints one JSON line last (bench.py reads it):

  linear   LinearRegression: test R^2 over --splits random 80/20 splits
           (train_test_split(test_size=0.2, random_state=0..splits-1)), features standardized on
           the training rows (StandardScaler in a Pipeline). The accuracy baseline.

  grid     MLPRegressor over the grid of experiments/diabetes.yaml (bench.py passes its axes,
           epochs, repetitions and split), as close to runexp as scikit-learn allows:
           input(10) -> Dense(units, act) -> Dense(1, linear), solver='adam' (beta_1 0.9, beta_2
           0.999, epsilon 1e-7 as runexp's Adam), learning_rate_init=lr, batch_size, max_iter =
           epochs, alpha=0 (no L2), shuffle=True, early_stopping=False, tol=0 and n_iter_no_change
           = 10 x epochs so every fit runs all epochs (asserted). activation linear -> 'identity'.
           Split as runexp sizes it: test round(n x test) rows fixed by --seed, validation
           round(rest x validation) of the rest drawn again for every repetition (runexp's
           repetitions also resample the validation rows; the rows differ, the counts match).
           Features and the target standardized with StandardScaler fitted on the training rows;
           predictions mapped back, so rmse / mae / r2 are in target units.

Differences from runexp that MLPRegressor cannot express:
  * NO DROPOUT: a cell with dropout > 0 trains exactly the model of its dropout-0 twin (same
    random_state, so the same numbers): duplicate work, still timed, so the wall time covers as
    many fits as runexp's grid. The best cell is chosen among the dropout-0 cells.
  * Loss: squared_error is 0.5 x MSE (Adam is nearly invariant to that factor); no validation
    pass after every epoch (runexp evaluates the validation rows each epoch).
  * Glorot-uniform init for weights AND biases (scikit-learn's own scheme; runexp: zero biases).
  * A fit whose weights become non-finite raises in scikit-learn; it counts as diverged (NaN).

Python standard library + numpy + scikit-learn; runs in the peers' venv.

    python sklearn_diabetes.py linear --data Data/diabetes.csv [--splits 5]
    python sklearn_diabetes.py grid --data Data/diabetes.csv --grid '{"units": [4, 16], ...}' \
        [--epochs 60] [--repetitions 3] [--test 0.2] [--validation 0.2] [--seed 42] [--out CSV]
"""
import time

_t0 = time.perf_counter()
import argparse  # noqa: E402
import csv  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LinearRegression  # noqa: E402
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPRegressor  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _t0
ACTIVATIONS = {"linear": "identity", "relu": "relu", "tanh": "tanh", "sigmoid": "logistic"}


def load(path, target):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    t = header.index(target)
    X = np.array([[float(v) for j, v in enumerate(r) if j != t] for r in body], dtype=np.float64)
    y = np.array([float(r[t]) for r in body], dtype=np.float64)
    return X, y


def part(n, fraction):
    """round(n x fraction), halves away from zero like Swift's rounded() in runexp's DataSplitter."""
    return int(math.floor(n * fraction + 0.5))


def scores(y, predicted):
    return {"rmse": float(np.sqrt(mean_squared_error(y, predicted))),
            "mae": float(mean_absolute_error(y, predicted)),
            "r2": float(r2_score(y, predicted))}


def linear(args, X, y):
    r2 = []
    for state in range(args.splits):
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=state)
        model = make_pipeline(StandardScaler(), LinearRegression()).fit(Xtr, ytr)
        r2.append(float(r2_score(yte, model.predict(Xte))))
    return {"mode": "linear", "sklearn": sklearn.__version__, "splits": args.splits,
            "test_rows": len(yte), "train_rows": len(ytr), "test_r2": r2,
            "test_r2_mean": float(np.mean(r2))}


def paired(args, X, y):
    """LinearRegression on runexp's own splits: for each list of test rows (0-based data rows, as
    runexp's predictions.csv names them), fit on every other row and score on those."""
    with open(args.test_rows) as f:
        splits = json.load(f)
    r2 = []
    for rows in splits:
        test = np.zeros(len(y), dtype=bool)
        test[rows] = True
        model = make_pipeline(StandardScaler(), LinearRegression()).fit(X[~test], y[~test])
        r2.append(float(r2_score(y[test], model.predict(X[test]))))
    return {"mode": "paired", "sklearn": sklearn.__version__, "test_r2": r2, "test_r2_mean": float(np.mean(r2))}


def fit_one(cell, Xtr, ytr, epochs, seed):
    model = MLPRegressor(
        hidden_layer_sizes=(cell["units"],),
        activation=ACTIVATIONS[cell["activation"]],
        solver="adam",
        alpha=0.0,
        batch_size=cell["batch_size"],
        learning_rate_init=cell["learning_rate"],
        max_iter=epochs,
        shuffle=True,
        random_state=seed,
        tol=0.0,
        n_iter_no_change=10 * epochs,
        early_stopping=False,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow in diverging fits
        try:
            model.fit(Xtr, ytr)
        except ValueError as e:  # scikit-learn aborts when the weights become non-finite
            if "non-finite" not in str(e):
                raise
            return None
    assert model.n_iter_ == epochs, model.n_iter_
    return model


def grid(args, X, y):
    axes = json.loads(args.grid)
    for name in ("units", "activation", "batch_size", "learning_rate"):
        if name not in axes:
            raise SystemExit(f"--grid: missing axis {name}")
    axes.setdefault("dropout", [0])
    names = list(axes)
    cells = [dict(zip(names, values)) for values in itertools.product(*(axes[k] for k in names))]
    # A cell's twin without dropout: its index among the dropout-free combinations seeds the fit.
    twin_names = [k for k in names if k != "dropout"]
    twins = {key: i for i, key in enumerate(itertools.product(*(axes[k] for k in twin_names)))}

    t_load = time.perf_counter()
    n = len(y)
    rows = np.arange(n)
    test_rows = part(n, args.test)
    rest, test = train_test_split(rows, test_size=test_rows, random_state=args.seed)
    rest, test = np.sort(rest), np.sort(test)
    validation_rows = part(len(rest), args.validation)
    partitions = []
    for repetition in range(args.repetitions):
        train, validation = train_test_split(rest, test_size=validation_rows,
                                             random_state=args.seed * 1000 + repetition + 1)
        train, validation = np.sort(train), np.sort(validation)
        xs = StandardScaler().fit(X[train])
        ys = StandardScaler().fit(y[train].reshape(-1, 1))
        partitions.append(dict(
            Xtr=xs.transform(X[train]).astype(np.float32),
            ytr=ys.transform(y[train].reshape(-1, 1)).ravel().astype(np.float32),
            Xva=xs.transform(X[validation]).astype(np.float32), yva=y[validation],
            Xte=xs.transform(X[test]).astype(np.float32), yte=y[test], ys=ys))
    load_seconds = time.perf_counter() - t_load

    results, t_fit = [], time.perf_counter()
    for index, cell in enumerate(cells):
        twin = twins[tuple(cell[k] for k in twin_names)]
        for repetition, p in enumerate(partitions):
            t = time.perf_counter()
            model = fit_one(cell, p["Xtr"], p["ytr"], args.epochs, args.seed * 100003 + twin * 101 + repetition)
            row = dict(cell=index, **cell, repetition=repetition, diverged=model is None)
            for split in ("val", "test"):
                truth = p["yva"] if split == "val" else p["yte"]
                if model is None:
                    metrics = {"rmse": float("nan"), "mae": float("nan"), "r2": float("nan")}
                else:
                    raw = model.predict(p["Xva"] if split == "val" else p["Xte"]).reshape(-1, 1)
                    predicted = p["ys"].inverse_transform(raw).ravel()
                    metrics = scores(truth, predicted) if np.all(np.isfinite(predicted)) else \
                        {"rmse": float("nan"), "mae": float("nan"), "r2": float("nan")}
                row.update({f"{split}_{k}": v for k, v in metrics.items()})
            row["seconds"] = time.perf_counter() - t
            results.append(row)
    fit_seconds = time.perf_counter() - t_fit

    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(results[0]))
            w.writeheader()
            w.writerows(results)

    # Cell means over the repetitions; the best by mean val_rmse among the dropout-0 cells.
    summary = []
    for index, cell in enumerate(cells):
        mine = [r for r in results if r["cell"] == index]
        if any(r["diverged"] for r in mine) or cell.get("dropout", 0) != 0:
            continue
        summary.append(dict(cell, **{f"{s}_{k}_mean": float(np.mean([r[f"{s}_{k}"] for r in mine]))
                                     for s in ("val", "test") for k in ("rmse", "mae", "r2")}))
    best = min(summary, key=lambda c: c["val_rmse_mean"]) if summary else None
    return {"mode": "grid", "sklearn": sklearn.__version__, "numpy": np.__version__,
            "cells": len(cells), "fits": len(results), "repetitions": args.repetitions,
            "epochs": args.epochs, "rows": {"train": int(len(partitions[0]["ytr"])),
                                            "validation": int(len(partitions[0]["yva"])),
                                            "test": int(len(test))},
            "dropout_cells_rerun": sum(1 for c in cells if c.get("dropout", 0) != 0),
            "diverged": sum(r["diverged"] for r in results),
            "import_seconds": IMPORT_SECONDS, "load_seconds": load_seconds, "fit_seconds": fit_seconds,
            "best": best,
            "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS", "<unset>")}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", choices=["linear", "paired", "grid"])
    p.add_argument("--data", required=True)
    p.add_argument("--target", default="progression")
    p.add_argument("--splits", type=int, default=5, help="linear: random 80/20 splits (random_state 0..N-1)")
    p.add_argument("--grid", default='{"units": [4, 16, 64], "activation": ["linear", "relu", "tanh"], '
                                     '"dropout": [0, 0.2], "batch_size": [16, 32], "learning_rate": [0.003, 0.01, 0.03]}',
                   help="grid: the axes as JSON (units, activation, batch_size, learning_rate; dropout optional)")
    p.add_argument("--epochs", type=int, default=60)
    p.add_argument("--repetitions", type=int, default=3)
    p.add_argument("--test", type=float, default=0.2)
    p.add_argument("--validation", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", help="grid: per-fit CSV")
    p.add_argument("--test-rows", help="paired: a JSON file holding a list of test-row lists")
    args = p.parse_args()
    X, y = load(args.data, args.target)
    result = {"linear": linear, "paired": paired, "grid": grid}[args.mode](args, X, y)
    result["script_seconds"] = time.perf_counter() - _t0
    print(json.dumps(result))


if __name__ == "__main__":
    main()
