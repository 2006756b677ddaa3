#!/usr/bin/env python3
"""Writes Tests/RunexpKernelTests/Fixtures/reference-replay.json: an independent NumPy reference for
the training kernel, replayed step by step by Tests/RunexpKernelTests/ReferenceReplayTests.swift.

Network: input(5) -> Dropout(0.25) -> Dense(4, activation) -> Dense(3, softmax), categorical
cross-entropy. A fixed data set (24 rows), fixed initial weights, 50 fixed batches (row indices,
1 to 8 rows each) and fixed dropout keep flags drive the cases: SGD, SGD with momentum, SGD with
Nesterov momentum and Adam, each without and with class weights (relu without, tanh with); then
Adam through each further activation (elu, selu, leaky_relu, softplus, gelu, silu); then weight
decay (L2 for SGD, Adam and RMSprop, decoupled for AdamW) and RMSprop with and without momentum;
then learning-rate schedules (the 50 steps as 5 epochs of 10), global gradient-norm clipping and
label smoothing; then batch_norm and layer_norm between the hidden and the output layer (their
trajectories include a batch norm's moving statistics). After the 50 steps every case also records
the class probabilities of all 24 rows in inference (no dropout, a batch norm's moving statistics). A case's "optimizer" object holds its training settings: the optimizer's, and
clip_norm, schedule and label_smoothing.

The math is written out here from the formulas documented in Sources/RunexpKernel (Keras 3's):
  dropout      y = x * keep * s,  s = 1/(1 - rate) in float32
  activations  elu z>0 ? z : e^z-1;  selu l*(z>0 ? z : a(e^z-1));  leaky_relu z>0 ? z : 0.01z;
               softplus log(1+e^z);  gelu 0.5z(1+tanh(c(z+0.044715z^3))), c = sqrt(2/pi);
               silu z/(1+e^-z)  (constants rounded to float32, as the kernel holds them)
  loss         sum_i w[y_i] * ce_i / n,  ce_i = -log(clip(p[i, y_i], 1e-7, 1 - 1e-7))
  dL/dlogits   (p - onehot) * w[y_i] / n          (softmax fused with the loss)
  SGD          w -= g*lr;  momentum: v = v*mu - g*lr, w += v  (Nesterov: w += v*mu - g*lr)
  Adam         t += 1; a = lr*sqrt(1 - b2^t)/(1 - b1^t); m += (g - m)*(1 - b1);
               v += (g^2 - v)*(1 - b2); w -= m*a/(sqrt(v) + eps)
  RMSprop      v = rho*v + (1 - rho)*g^2; d = lr*g/sqrt(v + eps); momentum: m = mu*m + d, w -= m; else w -= d
  weight decay L2 (sgd, adam, rmsprop): g += wd*w before the step; AdamW: w -= w*(lr*wd) before the step
  clip_norm    g *= c/|g| when the global norm |g| exceeds c (before weight decay)
  smoothing    targets t = onehot*(1 - e) + e/C: loss sum_i w_i sum_c t_c ce_ic / n, dL/dlogits (p - t) w_i / n
  batch_norm   training: per feature over the batch, m = mean, v = mean((x-m)^2), xh = (x-m)/sqrt(v+eps),
               y = gamma*xh + beta; dx = gamma/(n sqrt(v+eps)) (n dy - sum dy - xh sum dy*xh); after the
               step moving = moving*mu + batch*(1-mu); inference: xh from the moving mean and variance
  layer_norm   the same statistics per row over its features, in training and inference alike
  schedules    epoch e of E trains at float32(lr * factor(e)): step k^floor(e/n), exponential k^e,
               cosine (e+1)/w during w warmup epochs, then m + (1-m)(1 + cos(pi (e-w)/(E-w)))/2
It runs in float64 with the kernel's float32-rounded hyperparameters, so the expected values are the
exact math to ~1e-15; the kernel (float32) must match them to a relative 1e-5. The generator refuses
inputs where float32 rounding could change a branch: a relu pre-activation or a clipped probability
within a margin of its kink. It also reruns everything in float32 (NumPy's own summation order) and
prints how far that lands from float64, as a sanity check of the tolerance.

    python3 bench/reference/make_fixture.py        # needs numpy; rewrites the fixture
"""
import json
import os

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "RunexpKernelTests", "Fixtures", "reference-replay.json")

ROWS, WIDTH, HIDDEN, CLASSES = 24, 5, 4, 3
RATE = 0.25
STEPS = 50
MAX_BATCH = 8
CLASS_WEIGHTS = [1.5, 0.5, 2.0]
EPSILON_CLIP = 1e-7
KINK_MARGIN = 1e-4  # |pre-activation| of a kinked activation and distance to the clip bounds must exceed this

CASES = [
    # name, optimizer (Keras names and values), activation, weighted
    ("sgd", {"name": "sgd", "learning_rate": 0.1}, "relu", False),
    ("sgd-weighted", {"name": "sgd", "learning_rate": 0.1}, "tanh", True),
    ("momentum", {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9}, "relu", False),
    ("momentum-weighted", {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9}, "tanh", True),
    ("nesterov", {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9, "nesterov": True}, "relu", False),
    ("nesterov-weighted", {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9, "nesterov": True}, "tanh", True),
    ("adam", {"name": "adam", "learning_rate": 0.01}, "relu", False),
    ("adam-weighted", {"name": "adam", "learning_rate": 0.01}, "tanh", True),
] + [(f"adam-{name}", {"name": "adam", "learning_rate": 0.01}, name, False)
     for name in ["elu", "selu", "leaky_relu", "softplus", "gelu", "silu"]] + [
    ("sgd-l2", {"name": "sgd", "learning_rate": 0.1, "momentum": 0.9, "weight_decay": 0.05}, "relu", False),
    ("adam-l2", {"name": "adam", "learning_rate": 0.01, "weight_decay": 0.05}, "tanh", True),
    ("adamw", {"name": "adamw", "learning_rate": 0.01, "weight_decay": 0.1}, "relu", False),
    ("rmsprop", {"name": "rmsprop", "learning_rate": 0.01, "rho": 0.9}, "tanh", False),
    ("rmsprop-momentum-l2", {"name": "rmsprop", "learning_rate": 0.005, "rho": 0.8, "momentum": 0.9, "weight_decay": 0.01}, "relu", True),
    ("sgd-step", {"name": "sgd", "learning_rate": 0.1, "momentum": 0.9, "schedule": {"name": "step", "every_epochs": 2, "factor": 0.5}},
     "tanh", False),
    ("adam-exponential", {"name": "adam", "learning_rate": 0.01, "schedule": {"name": "exponential", "factor": 0.7}}, "relu", False),
    ("adamw-cosine", {"name": "adamw", "learning_rate": 0.01, "weight_decay": 0.1,
                      "schedule": {"name": "cosine", "warmup_epochs": 1, "min_factor": 0.1}}, "tanh", True),
    ("sgd-clip", {"name": "sgd", "learning_rate": 0.5, "clip_norm": 0.2}, "relu", False),
    ("adam-clip-l2", {"name": "adam", "learning_rate": 0.01, "clip_norm": 0.05, "weight_decay": 0.05}, "tanh", True),
    ("adam-smoothing", {"name": "adam", "learning_rate": 0.01, "label_smoothing": 0.1}, "relu", True),
    # A norm layer between the hidden and the output layer (NORM_LAYERS).
    ("adam-batch-norm", {"name": "adam", "learning_rate": 0.01}, "relu", False, "batch_norm"),
    ("momentum-batch-norm-weighted", {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9}, "tanh", True, "batch_norm"),
    ("adamw-layer-norm", {"name": "adamw", "learning_rate": 0.01, "weight_decay": 0.1}, "gelu", False, "layer_norm"),
    ("rmsprop-layer-norm-weighted", {"name": "rmsprop", "learning_rate": 0.01, "rho": 0.9}, "tanh", True, "layer_norm"),
]
CASES = [case if len(case) == 5 else case + (None,) for case in CASES]
NORM_MOMENTUM, NORM_EPSILON = 0.9, 1e-3  # batch_norm: {momentum: 0.9}; both norms' epsilon (Keras's default)
EPOCHS, STEPS_PER_EPOCH = 5, 10  # the 50 steps, as a schedule sees them


def schedule_factor(schedule, epoch, epochs):
    """LearningRateSchedule.factor (Sources/RunexpKernel/Training/LearningRateSchedule.swift), in float64."""
    if schedule is None:
        return 1.0
    if schedule["name"] == "step":
        return schedule["factor"] ** (epoch // schedule["every_epochs"])
    if schedule["name"] == "exponential":
        return schedule["factor"] ** epoch
    warmup, minimum = schedule["warmup_epochs"], schedule["min_factor"]
    if epoch < warmup:
        return (epoch + 1) / warmup
    return minimum + (1 - minimum) * 0.5 * (1 + np.cos(np.pi * (epoch - warmup) / max(epochs - warmup, 1)))


def learning_rates(spec):
    """Each step's learning rate, float32, when the case has a schedule."""
    if "schedule" not in spec:
        return None
    return [f32(spec["learning_rate"] * schedule_factor(spec["schedule"], step // STEPS_PER_EPOCH, EPOCHS)) for step in range(STEPS)]

# The kernel's float32 constants (Sources/RunexpKernel/Layers/Activation.swift).
SELU_ALPHA, SELU_SCALE = float(np.float32(1.6732632423543772)), float(np.float32(1.0507009873554805))
LEAKY_SLOPE, GELU_C, GELU_CUBIC = float(np.float32(0.01)), float(np.float32(0.7978845608028654)), float(np.float32(0.044715))
KINKED = {"relu", "selu", "leaky_relu"}  # a derivative that jumps at 0


def activate(z, name):
    """The activation's output and its derivative dh/dz."""
    if name == "relu":
        return np.maximum(z, 0), (z > 0).astype(z.dtype)
    if name == "tanh":
        h = np.tanh(z)
        return h, 1 - h * h
    if name == "elu":
        return np.where(z > 0, z, np.expm1(z)), np.where(z > 0, 1, np.exp(z))
    if name == "selu":
        return (SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * np.expm1(z)),
                np.where(z > 0, SELU_SCALE, SELU_SCALE * SELU_ALPHA * np.exp(z)))
    if name == "leaky_relu":
        return np.where(z > 0, z, LEAKY_SLOPE * z), np.where(z > 0, 1, LEAKY_SLOPE)
    if name == "softplus":
        return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))), 1 / (1 + np.exp(-z))
    if name == "gelu":
        t = np.tanh(GELU_C * (z + GELU_CUBIC * z ** 3))
        return 0.5 * z * (1 + t), 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_C * (1 + 3 * GELU_CUBIC * z * z)
    if name == "silu":
        s = 1 / (1 + np.exp(-z))
        return z * s, s * (1 + z * (1 - s))
    raise SystemExit(f"unknown activation {name}")


def f32(x):
    """The float32 rounding of x, as a float64 (how the kernel stores hyperparameters)."""
    return float(np.float32(x))


def trainable_count(norm):
    return WIDTH * HIDDEN + HIDDEN + (2 * HIDDEN if norm else 0) + HIDDEN * CLASSES + CLASSES


def unpack(params, dtype, norm):
    """w1, b1, (gamma, beta), w2, b2: the kernel's layout of the trainable values (Network.swift)."""
    p = np.asarray(params, dtype=dtype)
    i = 0
    w1 = p[i:i + WIDTH * HIDDEN].reshape(WIDTH, HIDDEN); i += WIDTH * HIDDEN
    b1 = p[i:i + HIDDEN]; i += HIDDEN
    gamma = beta = None
    if norm:
        gamma = p[i:i + HIDDEN]; i += HIDDEN
        beta = p[i:i + HIDDEN]; i += HIDDEN
    w2 = p[i:i + HIDDEN * CLASSES].reshape(HIDDEN, CLASSES); i += HIDDEN * CLASSES
    b2 = p[i:i + CLASSES]
    return w1, b1, gamma, beta, w2, b2


def normalize(h, norm, dtype, moving=None):
    """x_hat, 1/sqrt(var + eps) and the batch's (mean, var): over the batch (batch_norm, training),
    over each row's features (layer_norm), or from the moving statistics (batch_norm, inference)."""
    eps = dtype(f32(NORM_EPSILON))
    if norm == "batch_norm" and moving is not None:
        mean, var = moving
    else:
        axis = 0 if norm == "batch_norm" else 1
        mean = h.mean(axis=axis, keepdims=True)
        var = ((h - mean) ** 2).mean(axis=axis, keepdims=True)
    inv = 1 / np.sqrt(var + eps)
    return (h - mean) * inv, inv, (mean.ravel(), var.ravel())


def loss_and_gradients(params, x, labels, keep, activation, weights, dtype, margins, smoothing=0.0, norm=None):
    """Loss, flat gradient of the trainable values and the batch statistics of one batch; records
    distances to kinks in `margins`."""
    w1, b1, gamma, beta, w2, b2 = unpack(params, dtype, norm)
    scale = dtype(np.float32(1) / (np.float32(1) - np.float32(RATE)))
    xd = x.astype(dtype) * (keep.astype(dtype) * scale)
    z1 = xd @ w1 + b1
    h, slope = activate(z1, activation)
    h, slope = h.astype(dtype), slope.astype(dtype)
    if activation in KINKED:
        margins.append(float(np.min(np.abs(z1))))
    statistics = None
    hn = h
    if norm:
        xhat, inv, statistics = normalize(h, norm, dtype)
        hn = gamma * xhat + beta
    z2 = hn @ w2 + b2
    e = np.exp(z2 - z2.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    n = x.shape[0]
    py = p[np.arange(n), labels]
    low, high = f32(EPSILON_CLIP), f32(1 - EPSILON_CLIP)
    w = np.asarray(weights, dtype=dtype)[labels]
    onehot = np.eye(CLASSES, dtype=dtype)[labels]
    if smoothing:
        off = f32(np.float32(smoothing) / np.float32(CLASSES))
        on = f32(np.float32(1 - np.float32(smoothing)) + np.float32(off))
        targets = np.where(onehot > 0, dtype(on), dtype(off))
        margins.append(float(min(np.min(p - low), np.min(high - p))))
        loss = np.sum(w * np.sum(targets * -np.log(np.clip(p, low, high)), axis=1)) / dtype(n)
    else:
        targets = onehot
        margins.append(float(min(np.min(py - low), np.min(high - py))))
        loss = np.sum(w * -np.log(np.clip(py, low, high))) / dtype(n)
    dz2 = (p - targets) * (w / dtype(n))[:, None]
    dw2 = hn.T @ dz2
    db2 = dz2.sum(axis=0)
    dh = dz2 @ w2.T
    norm_gradients = []
    if norm == "batch_norm":
        dgamma, dbeta = (dh * xhat).sum(axis=0), dh.sum(axis=0)
        dh = gamma * inv / dtype(n) * (dtype(n) * dh - dbeta - xhat * dgamma)
        norm_gradients = [dgamma, dbeta]
    elif norm == "layer_norm":
        dgamma, dbeta = (dh * xhat).sum(axis=0), dh.sum(axis=0)
        g = dh * gamma
        k = dtype(HIDDEN)
        dh = inv / k * (k * g - g.sum(axis=1, keepdims=True) - xhat * (g * xhat).sum(axis=1, keepdims=True))
        norm_gradients = [dgamma, dbeta]
    dz1 = dh * slope
    dw1 = xd.T @ dz1
    db1 = dz1.sum(axis=0)
    return loss, np.concatenate([dw1.ravel(), db1] + norm_gradients + [dw2.ravel(), db2]), statistics


def probabilities(params, features, activation, dtype, norm):
    """Inference on every row: no dropout; a batch norm uses its moving statistics."""
    w1, b1, gamma, beta, w2, b2 = unpack(params, dtype, norm)
    h, _ = activate(features.astype(dtype) @ w1 + b1, activation)
    if norm:
        count = trainable_count(norm)
        moving = (params[count:count + HIDDEN], params[count + HIDDEN:]) if norm == "batch_norm" else None
        xhat, _, _ = normalize(h.astype(dtype), norm, dtype, moving)
        h = gamma * xhat + beta
    z2 = h @ w2 + b2
    e = np.exp(z2 - z2.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class Optimizer:
    def __init__(self, spec, count, dtype):
        self.spec, self.dtype, self.t = spec, dtype, 0
        self.lr = dtype(f32(spec["learning_rate"]))
        if spec["name"] == "rmsprop":
            rho = spec.get("rho", 0.9)
            self.rho, self.one_minus_rho = dtype(f32(rho)), dtype(f32(1 - rho))
            self.mu = dtype(f32(spec.get("momentum", 0.0)))
            self.eps = dtype(f32(spec.get("epsilon", 1e-7)))
            self.ms = np.zeros(count, dtype)
            self.v = np.zeros(count, dtype)
        elif spec["name"] == "sgd":
            self.mu = dtype(f32(spec.get("momentum", 0.0)))
            self.nesterov = spec.get("nesterov", False)
            self.v = np.zeros(count, dtype)
        else:
            b1, b2, eps = spec.get("beta_1", 0.9), spec.get("beta_2", 0.999), spec.get("epsilon", 1e-7)
            self.b1, self.b2, self.eps = dtype(f32(b1)), dtype(f32(b2)), dtype(f32(eps))
            self.one_minus_b1, self.one_minus_b2 = dtype(f32(1 - b1)), dtype(f32(1 - b2))
            self.m = np.zeros(count, dtype)
            self.v = np.zeros(count, dtype)

    def update(self, w, g):
        if "clip_norm" in self.spec:
            norm = np.sqrt(np.sum(g.astype(np.float64) ** 2))
            if norm > self.spec["clip_norm"]:
                g = g * self.dtype(f32(self.spec["clip_norm"] / norm))
        wd = self.dtype(f32(self.spec.get("weight_decay", 0.0)))
        if wd != 0 and self.spec["name"] == "adamw":
            w = w - w * self.dtype(f32(float(self.lr) * f32(self.spec["weight_decay"])))
        elif wd != 0:
            g = g + wd * w
        if self.spec["name"] == "rmsprop":
            self.ms = self.rho * self.ms + self.one_minus_rho * (g * g)
            increment = self.lr * g / np.sqrt(self.ms + self.eps)
            if self.mu == 0:
                return w - increment
            self.v = self.mu * self.v + increment
            return w - self.v
        if self.spec["name"] == "sgd":
            if self.mu == 0:
                return w - g * self.lr
            self.v = self.v * self.mu - g * self.lr
            return w + (self.v * self.mu - g * self.lr if self.nesterov else self.v)
        self.t += 1
        t = self.dtype(self.t)
        alpha = self.lr * np.sqrt(1 - self.b2 ** t) / (1 - self.b1 ** t)
        self.m = self.m + (g - self.m) * self.one_minus_b1
        self.v = self.v + (g * g - self.v) * self.one_minus_b2
        return w - (self.m * alpha) / (np.sqrt(self.v) + self.eps)


def initial_parameters(initial, norm):
    """The shared initial weights with a norm's gamma 1 and beta 0 after the hidden layer and, for a
    batch norm, its moving mean 0 and variance 1 after every trainable value."""
    if not norm:
        return np.asarray(initial, np.float32)
    hidden = WIDTH * HIDDEN + HIDDEN
    parts = [initial[:hidden], np.ones(HIDDEN), np.zeros(HIDDEN), initial[hidden:]]
    if norm == "batch_norm":
        parts += [np.zeros(HIDDEN), np.ones(HIDDEN)]
    return np.concatenate(parts).astype(np.float32)


def replay(case, features, labels, initial, batches, masks, dtype):
    _, spec, activation, weighted, norm = case
    weights = CLASS_WEIGHTS if weighted else [1.0] * CLASSES
    w = np.asarray(initial_parameters(initial, norm), dtype)
    count = trainable_count(norm)
    optimizer = Optimizer(spec, count, dtype)
    momentum, rest = dtype(f32(NORM_MOMENTUM)), dtype(f32(1 - NORM_MOMENTUM))
    rates = learning_rates(spec)
    losses, trajectory, margins = [], [], []
    for step, (rows, keep) in enumerate(zip(batches, masks)):
        if rates is not None:
            optimizer.lr = dtype(rates[step])
        loss, g, statistics = loss_and_gradients(w, features[rows], labels[rows], keep, activation, weights, dtype, margins,
                                                 spec.get("label_smoothing", 0.0), norm)
        losses.append(float(loss))
        w = np.concatenate([optimizer.update(w[:count], g), w[count:]])
        if norm == "batch_norm":
            mean, var = statistics
            w[count:count + HIDDEN] = w[count:count + HIDDEN] * momentum + mean * rest
            w[count + HIDDEN:] = w[count + HIDDEN:] * momentum + var * rest
        trajectory.append(w.copy())
    return losses, trajectory, min(margins), probabilities(w, features, activation, dtype, norm)


def make(seed):
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(ROWS, WIDTH)).astype(np.float32)
    labels = rng.integers(0, CLASSES, size=ROWS)
    limit1 = np.sqrt(6 / (WIDTH + HIDDEN))
    limit2 = np.sqrt(6 / (HIDDEN + CLASSES))
    initial = np.concatenate([
        rng.uniform(-limit1, limit1, WIDTH * HIDDEN), np.zeros(HIDDEN),
        rng.uniform(-limit2, limit2, HIDDEN * CLASSES), np.zeros(CLASSES),
    ]).astype(np.float32)
    sizes = [MAX_BATCH, 1] + list(rng.integers(1, MAX_BATCH + 1, size=STEPS - 2))
    batches = [rng.choice(ROWS, size=int(n), replace=False) for n in sizes]
    masks = [(rng.random((len(b), WIDTH)) >= RATE).astype(np.float32) for b in batches]
    return features, labels, initial, batches, masks


def number(x):
    """Shortest decimal that reads back as the same float32."""
    return float(np.format_float_positional(np.float32(x), unique=True, trim="-"))


def main():
    for seed in range(100):
        features, labels, initial, batches, masks = make(seed)
        results = [replay(c, features, labels, initial, batches, masks, np.float64) for c in CASES]
        if min(r[2] for r in results) > KINK_MARGIN:
            break
    else:
        raise SystemExit("no seed keeps every kinked pre-activation and probability away from its kink")
    worst = 0.0
    for case, (losses, trajectory, _, _) in zip(CASES, results):
        l32, t32, _, _ = replay(case, features, labels, initial, batches, masks, np.float32)
        for a, b in zip(trajectory, t32):
            worst = max(worst, float(np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-3))))
    fixture = {
        "about": "NumPy float64 reference for ReferenceReplayTests; written by bench/reference/make_fixture.py",
        "seed": seed,
        "inputWidth": WIDTH,
        "classes": CLASSES,
        "dropoutRate": RATE,
        "hiddenUnits": HIDDEN,
        "features": [number(v) for v in features.ravel()],
        "labels": [int(v) for v in labels],
        "initialParameters": [number(v) for v in initial],
        "batches": [[int(i) for i in b] for b in batches],
        "keepMasks": [[int(v) for v in m.ravel()] for m in masks],
        "classWeights": CLASS_WEIGHTS,
        "normMomentum": NORM_MOMENTUM,
        "normEpsilon": NORM_EPSILON,
        "cases": [
            {
                "name": name, "optimizer": spec, "activation": activation, "weighted": weighted,
                **({"norm": norm} if norm else {}),
                **({"learningRates": [number(v) for v in learning_rates(spec)]} if "schedule" in spec else {}),
                "losses": [float("%.10g" % v) for v in losses],
                "parameters": [[float("%.10g" % v) for v in w] for w in trajectory],
                "probabilities": [float("%.10g" % v) for v in final.ravel()],
            }
            for (name, spec, activation, weighted, norm), (losses, trajectory, _, final) in zip(CASES, results)
        ],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    margin = min(r[2] for r in results)
    print(f"wrote {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes), seed {seed}, "
          f"smallest kink margin {margin:.2e}, float32 NumPy vs float64 worst relative difference {worst:.2e}")


if __name__ == "__main__":
    main()
