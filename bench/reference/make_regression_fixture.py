#!/usr/bin/env python3
"""Writes Tests/RunexpKernelTests/Fixtures/regression-replay.json: an independent NumPy reference for
the kernel's regression losses, replayed by Tests/RunexpKernelTests/RegressionLossTests.swift.

Networks (all input(5) -> Dense(7, hidden) -> Dense(1, output), fixed initial weights and biases):
  tanh-linear, relu-linear    the usual regression head (linear output)
  tanh-tanh, relu-relu        a squashing/rectifying LAST layer: the loss gradient dL/dp goes
                              back through the output activation (not fused with the loss)
Losses (Keras 3 definitions, e = p - t, n rows, reduction sum-over-batch-size):
  mse          mean(e^2)                                   dL/dp_i = 2 e_i / n
  mae          mean(|e|)                                   dL/dp_i = sign(e_i) / n  (0 at e = 0)
  huber(d)     mean(where(|e| <= d, e^2/2, d |e| - d^2/2))  dL/dp_i = clip(e_i, -d, d) / n
  with d = 0.5 and d = 1.0.
Two parts:
  gradientCases  loss and flat dL/dparameters of every network x loss on one fixed batch of 12 rows
                 (errors on both sides of 0 and of each Huber delta);
  trainingCases  40 optimizer steps over a fixed sequence of batches (row indices, 1 to 8 rows each),
                 recording each step's loss (before the update) and all parameters after it: mse with
                 SGD, momentum SGD and a tanh output layer, plus huber and mae with SGD/Adam.
The optimizers are make_fixture.py's (Keras formulas, float32-rounded hyperparameters).

Like make_fixture.py, the math runs in float64 on float32 inputs (features, targets, weights, deltas,
learning rates), so the expected values are the exact math to ~1e-15; the kernel (float32) must match
them to a relative 1e-5. The generator refuses a seed where float32 rounding could flip a branch
(a relu pre-activation, a mae error or a Huber |e| - d within KINK_MARGIN of its kink, anywhere in the
gradient batch or along a training trajectory), then reruns everything in float32 NumPy and refuses
the seed unless that lands within a fifth of the test's tolerance of float64.

    python3 bench/reference/make_regression_fixture.py   # needs numpy; rewrites the fixture
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixture import Optimizer, f32, number  # noqa: E402  (same optimizers and number format)

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "RunexpKernelTests", "Fixtures", "regression-replay.json")

ROWS, WIDTH, HIDDEN = 16, 5, 7
GRADIENT_ROWS = 12
STEPS = 40
MAX_BATCH = 8
KINK_MARGIN = 1e-4
# The Swift test's agreement: |kernel - reference| <= 1e-5 * max(|kernel|, |reference|, floor), with
# floor 0.1 for losses and parameters (of order 1, as in make_fixture.py) and 0.1 * the case's largest
# |gradient| for its gradients (a gradient summed from cancelling rows is only as exact as its terms).
TOLERANCE = 1e-5
PARAMETER_FLOOR = 0.1
GRADIENT_FLOOR_FRACTION = 0.1

NETWORKS = [
    # name, hidden activation, output activation
    ("tanh-linear", "tanh", "linear"),
    ("relu-linear", "relu", "linear"),
    ("tanh-tanh", "tanh", "tanh"),
    ("relu-relu", "relu", "relu"),
]

LOSSES = [
    # name, Keras loss, huber delta
    ("mse", "mse", None),
    ("mae", "mae", None),
    ("huber-0.5", "huber", 0.5),
    ("huber-1", "huber", 1.0),
]

TRAINING = [
    # name, network, loss name (from LOSSES), optimizer (Keras names and values)
    ("sgd-mse", "tanh-linear", "mse", {"name": "sgd", "learning_rate": 0.05}),
    ("momentum-mse", "relu-linear", "mse", {"name": "sgd", "learning_rate": 0.02, "momentum": 0.9}),
    ("sgd-mse-tanh-output", "tanh-tanh", "mse", {"name": "sgd", "learning_rate": 0.1}),
    ("sgd-huber-0.5", "tanh-linear", "huber-0.5", {"name": "sgd", "learning_rate": 0.1}),
    ("nesterov-huber-1-relu-output", "relu-relu", "huber-1",
     {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("adam-mae", "relu-linear", "mae", {"name": "adam", "learning_rate": 0.01}),
]

ACTIVATIONS = {"linear", "relu", "tanh"}


def activate(z, name, margins):
    if name == "relu":
        margins.append(float(np.min(np.abs(z))))
        return np.maximum(z, 0)
    if name == "tanh":
        return np.tanh(z)
    return z


def derivative(y, z, name):
    """d activation / dz from the output y (and pre-activation z for relu: gradient 0 at z <= 0)."""
    if name == "relu":
        return (z > 0).astype(y.dtype)
    if name == "tanh":
        return 1 - y * y
    return np.ones_like(y)


def unpack(params, dtype):
    p = np.asarray(params, dtype=dtype)
    i = 0
    w1 = p[i:i + WIDTH * HIDDEN].reshape(WIDTH, HIDDEN); i += WIDTH * HIDDEN
    b1 = p[i:i + HIDDEN]; i += HIDDEN
    w2 = p[i:i + HIDDEN].reshape(HIDDEN, 1); i += HIDDEN
    b2 = p[i:i + 1]
    return w1, b1, w2, b2


def loss_and_gradients(params, x, t, network, loss, dtype, margins):
    """Loss and flat gradient (kernel layout: W1, b1, W2, b2) of one batch; kink distances into `margins`."""
    _, hidden, output = network
    _, kind, delta = loss
    w1, b1, w2, b2 = unpack(params, dtype)
    x = x.astype(dtype)
    t = t.astype(dtype)
    n = x.shape[0]
    z1 = x @ w1 + b1
    h = activate(z1, hidden, margins)
    z2 = (h @ w2 + b2)[:, 0]
    p = activate(z2, output, margins)
    e = p - t
    size = np.abs(e)
    if kind == "mse":
        losses, dp = e * e, 2 * e
    elif kind == "mae":
        margins.append(float(np.min(size)))
        losses, dp = size, np.sign(e)
    else:
        d = dtype(f32(delta))
        margins.append(float(np.min(np.abs(size - d))))
        losses = np.where(size <= d, dtype(0.5) * e * e, d * size - dtype(0.5) * d * d)
        dp = np.clip(e, -d, d)
    value = np.sum(losses) / dtype(n)
    dz2 = (dp / dtype(n)) * derivative(p, z2, output)
    dw2 = h.T @ dz2[:, None]
    db2 = np.array([dz2.sum()], dtype=dtype)
    dh = dz2[:, None] @ w2.T
    dz1 = dh * derivative(h, z1, hidden)
    dw1 = x.T @ dz1
    db1 = dz1.sum(axis=0)
    return value, np.concatenate([dw1.ravel(), db1, dw2.ravel(), db2]), e, p


def replay(case, data, dtype):
    _, network_name, loss_name, spec = case
    features, targets, initials, _, batches = data
    network = next(n for n in NETWORKS if n[0] == network_name)
    loss = next(l for l in LOSSES if l[0] == loss_name)
    w = np.asarray(initials[network_name], dtype)
    optimizer = Optimizer(spec, w.size, dtype)
    losses, trajectory, margins = [], [], []
    for rows in batches:
        value, g, _, _ = loss_and_gradients(w, features[rows], targets[rows], network, loss, dtype, margins)
        losses.append(float(value))
        w = optimizer.update(w, g)
        trajectory.append(w.copy())
    return losses, trajectory, min(margins, default=np.inf)


def make(seed):
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(ROWS, WIDTH)).astype(np.float32)
    # A smooth target of the features plus noise, spread over about [-2, 2] so that the errors of
    # every network fall on both sides of 0 and of both Huber deltas.
    direction = rng.normal(size=WIDTH)
    targets = (1.5 * np.tanh(features @ direction / np.sqrt(WIDTH)) + 0.4 * rng.normal(size=ROWS)).astype(np.float32)
    limit1 = np.sqrt(6 / (WIDTH + HIDDEN))
    limit2 = np.sqrt(6 / (HIDDEN + 1))
    initials = {}
    for name, _, output in NETWORKS:
        # Small nonzero biases so that every bias gradient path is exercised; a relu output starts
        # with a positive bias so that most rows are active (some stay inactive: zero gradient).
        initials[name] = np.concatenate([
            rng.uniform(-limit1, limit1, WIDTH * HIDDEN), rng.uniform(-0.2, 0.2, HIDDEN),
            rng.uniform(-limit2, limit2, HIDDEN), [0.5 if output == "relu" else rng.uniform(-0.2, 0.2)],
        ]).astype(np.float32)
    gradient_rows = rng.choice(ROWS, size=GRADIENT_ROWS, replace=False)
    sizes = [MAX_BATCH, 1] + list(rng.integers(1, MAX_BATCH + 1, size=STEPS - 2))
    batches = [rng.choice(ROWS, size=int(n), replace=False) for n in sizes]
    return features, targets, initials, gradient_rows, batches


def gradient_cases(data, dtype):
    features, targets, initials, rows, _ = data
    results = []
    for network in NETWORKS:
        for loss in LOSSES:
            margins = []
            value, g, e, p = loss_and_gradients(
                initials[network[0]], features[rows], targets[rows], network, loss, dtype, margins)
            results.append((network, loss, float(value), g, e, min(margins) if margins else np.inf, p))
    return results


def covers_every_regime(cases):
    """Each network's batch errors lie on both sides of 0 and on both sides of each Huber delta
    (at least 2 rows each); a relu output has both active and inactive rows."""
    for network, loss, _, _, e, _, p in cases:
        if loss[0] != "mse":
            continue
        size = np.abs(e)
        if np.sum(e > 0) < 2 or np.sum(e < 0) < 2:
            return False
        for delta in (0.5, 1.0):
            if np.sum(size < delta) < 2 or np.sum(size > delta) < 2:
                return False
        if network[2] == "relu" and (np.sum(p > 0) < 2 or np.sum(p == 0) < 1):
            return False
    return True


def check_backward(data, cases):
    """The backward pass above against float64 central differences (h = 1e-7), so that the reference
    does not rest on its own derivation alone."""
    features, targets, initials, rows, _ = data
    worst = 0.0
    for network, loss, _, g, _, _, _ in cases:
        w = np.asarray(initials[network[0]], np.float64)
        numeric = np.empty_like(w)
        for i in range(w.size):
            shifted = [w.copy(), w.copy()]
            shifted[0][i] += 1e-7
            shifted[1][i] -= 1e-7
            up, down = (loss_and_gradients(s, features[rows], targets[rows], network, loss, np.float64, [])[0]
                        for s in shifted)
            numeric[i] = (up - down) / 2e-7
        worst = max(worst, float(np.max(np.abs(numeric - g)) / np.max(np.abs(g))))
    if worst > 1e-6:
        raise SystemExit(f"backward pass disagrees with central differences: {worst:.2e}")
    return worst


def scaled(a, b, floor):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)))


def main():
    for seed in range(1000):
        data = make(seed)
        grads = gradient_cases(data, np.float64)
        if not covers_every_regime(grads) or min(c[5] for c in grads) <= KINK_MARGIN:
            continue
        runs = [replay(case, data, np.float64) for case in TRAINING]
        if min(r[2] for r in runs) <= KINK_MARGIN:
            continue
        # float32 NumPy must land well inside the test's tolerance, or float32 rounding matters here.
        grads32 = gradient_cases(data, np.float32)
        worst_gradient = max(
            max(scaled([a[2]], [b[2]], 0), scaled(a[3], b[3], GRADIENT_FLOOR_FRACTION * np.max(np.abs(a[3]))))
            for a, b in zip(grads, grads32))
        worst_training = 0.0
        for case, (losses, trajectory, _) in zip(TRAINING, runs):
            l32, t32, _ = replay(case, data, np.float32)
            worst_training = max(worst_training, scaled(losses, l32, PARAMETER_FLOOR),
                                 max(scaled(a, b, PARAMETER_FLOOR) for a, b in zip(trajectory, t32)))
        if max(worst_gradient, worst_training) < TOLERANCE / 5:
            break
    else:
        raise SystemExit("no seed keeps every kink away and float32 within the tolerance")
    backward = check_backward(data, grads)
    features, targets, initials, gradient_rows, batches = data
    fixture = {
        "about": "NumPy float64 reference for RegressionLossTests; written by bench/reference/make_regression_fixture.py",
        "seed": seed,
        "inputWidth": WIDTH,
        "hiddenUnits": HIDDEN,
        "features": [number(v) for v in features.ravel()],
        "targets": [number(v) for v in targets],
        "networks": [
            {"name": name, "hidden": hidden, "output": output,
             "initialParameters": [number(v) for v in initials[name]]}
            for name, hidden, output in NETWORKS
        ],
        "gradientRows": [int(i) for i in gradient_rows],
        "gradientCases": [
            {"network": network[0], "loss": loss[1], "delta": loss[2],
             "value": float("%.10g" % value), "gradients": [float("%.10g" % v) for v in g]}
            for network, loss, value, g, _, _, _ in grads
        ],
        "batches": [[int(i) for i in b] for b in batches],
        "trainingCases": [
            {"name": name, "network": network, "loss": next(l for l in LOSSES if l[0] == loss)[1],
             "delta": next(l for l in LOSSES if l[0] == loss)[2], "optimizer": spec,
             "losses": [float("%.10g" % v) for v in losses],
             "parameters": [[float("%.10g" % v) for v in w] for w in trajectory]}
            for (name, network, loss, spec), (losses, trajectory, _) in zip(TRAINING, runs)
        ],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    margin = min(min(c[5] for c in grads), min(r[2] for r in runs))
    print(f"wrote {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes), seed {seed}, "
          f"smallest kink margin {margin:.2e}, float32 NumPy vs float64 worst scaled difference: "
          f"gradients {worst_gradient:.2e}, training {worst_training:.2e}; "
          f"backward vs central differences {backward:.1e}")


if __name__ == "__main__":
    main()
