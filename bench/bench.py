#!/usr/bin/env python3
"""The runexp benchmark driver (stdlib only); bench/run.sh builds runexp and calls it.

In one run it times runexp on the peers' reference grid next to the peer tools, then a scaling
series, a large layer next to NumPy/OpenBLAS, the full reference experiment, the diabetes
regression (accuracy vs LinearRegression, speed vs MLPRegressor), digits (batch_norm's cost,
PyTorch on the same grid), the run cache, successive halving (vs the full grid and scikit-learn's
HalvingGridSearchCV) and big tables (loading vs pandas.read_csv, peak RSS), and prints the tables (`--only large` etc. runs a subset). Every wall time is measured by
this script around the whole process (start-up, import and result writing included); peak memory
is `Maximum resident set size` from /usr/bin/time -v. Speed-ups are ratios of times measured in
this same run. Scratch files go to $RUNEXP_BENCH_DIR (default /tmp/runexp-bench), never the repo.
"""
import argparse
import csv
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
WORK = os.environ.get("RUNEXP_BENCH_DIR", "/tmp/runexp-bench")
PEERS = os.environ.get("RUNEXP_PEERS", os.path.normpath(os.path.join(ROOT, "..", "shared", "peers")))
PEERS_PYTHON = os.environ.get("RUNEXP_PEERS_PYTHON", "/tmp/runexp-peers/venv/bin/python")
GRID = os.path.join(ROOT, "bench", "experiments", "peers-grid.yaml")
REFERENCE = os.path.join(ROOT, "experiments", "wisconsin.yaml")
DATA = os.path.join(ROOT, "Data", "wisconsin.csv")
GRID_CONFIGS = 216


# ---------------------------------------------------------------- measuring

class Measurement:
    def __init__(self, wall, peak_kb, cpu):
        self.wall, self.peak_kb, self.cpu = wall, peak_kb, cpu


def timed(command, cwd=ROOT, env=None, keep_output=False, check=True):
    """Runs `command` under /usr/bin/time -v; returns its wall time (s) and peak RSS (KiB), and its
    standard output as `.output` when `keep_output`. A failing command ends the benchmark, unless
    `check` is false: then `.returncode` and `.stderr` tell."""
    with tempfile.NamedTemporaryFile("r", suffix=".time", dir=WORK) as report:
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-v", "-o", report.name] + command, cwd=cwd, env=env,
                              stdout=subprocess.PIPE if keep_output else subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        if done.returncode != 0 and check:
            sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
        peak, cpu = 0, 0.0
        for line in report.read().splitlines():
            if "Maximum resident set size" in line:
                peak = int(line.rsplit(":", 1)[1])
            elif "User time (seconds)" in line or "System time (seconds)" in line:
                cpu += float(line.rsplit(":", 1)[1])
    m = Measurement(wall, peak, cpu)
    m.output = done.stdout or ""
    m.returncode, m.stderr = done.returncode, done.stderr
    return m


def runexp(binary, experiment, jobs):
    """One `runexp run`; returns the measurement and the rows of its runs.csv."""
    m, (rows,) = runexp_tables(binary, experiment, jobs, ("runs.csv",))
    return m, rows


def runexp_tables(binary, experiment, jobs, tables):
    """One `runexp run`; returns the measurement and the rows of each of `tables` (file names in
    the result folder's latest/, e.g. runs.csv, cells.csv), in that order."""
    out = tempfile.mkdtemp(prefix="results-", dir=WORK)
    try:
        m = timed([binary, "run", experiment, "--jobs", str(jobs), "--out", out, "--quiet"])
        names = [n for n in os.listdir(out) if not n.startswith(".")]
        read = []
        for table_name in tables:
            with open(os.path.join(out, names[0], "latest", table_name), newline="") as f:
                read.append(list(csv.DictReader(f)))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return m, read


def median(values):
    return statistics.median(values) if values else float("nan")


def accuracy_summary(values):
    """Median of the finite accuracies and how many runs had none (diverged or NaN)."""
    finite = [v for v in values if v == v]
    return median(finite), len(values) - len(finite)


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def table(header, rows):
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(header))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))


def mb(kb):
    return f"{kb / 1024:.1f}"


# ---------------------------------------------------------------- the reference grid

def peer_available(module):
    if not os.path.exists(PEERS_PYTHON) or not os.path.isdir(PEERS):
        return False
    return subprocess.run([PEERS_PYTHON, "-c", f"import {module}"], capture_output=True).returncode == 0


def run_peer(script, extra, label):
    """Runs one peer script; returns (measurement, configs, seconds for 216, accuracies, note)."""
    out = os.path.join(WORK, "peers", f"{label}.csv")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    m = timed([PEERS_PYTHON, os.path.join(PEERS, script), "--out", out] + extra, cwd=PEERS, keep_output=True)
    version = next((w.split("=", 1)[1] for line in m.output.splitlines() if line.startswith("# tool=")
                    for w in line.split() if w.startswith("version=")), "?")
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    accuracies = [number(r["val_acc"]) for r in rows]
    seconds, note = m.wall, ""
    if len(rows) < GRID_CONFIGS:
        per_config = sum(number(r["seconds"]) for r in rows)
        fixed = max(m.wall - per_config, 0)
        seconds = fixed + per_config * GRID_CONFIGS / len(rows)
        note = f"extrapolated from {len(rows)} configs"
    return m, len(rows), seconds, accuracies, note, version


def reference_grid(binary, args):
    print(f"== The reference grid in the peers' setup: {GRID_CONFIGS} configs x 1 repetition, 25 epochs, "
          f"validation 0.2, no test split")
    print(f"   runexp: {os.path.relpath(GRID, ROOT)}, --jobs {args.jobs}, median of {args.repeat} runs "
          f"(spread before, between and after the peers); peers: one run each, single-threaded scripts from {PEERS}")
    runs, accuracies, diverged = [], [], 0

    def runexp_batch(count):
        nonlocal accuracies, diverged
        for _ in range(count):
            m, rows = runexp(binary, GRID, args.jobs)
            runs.append(m)
            accuracies = [number(r["val_accuracy"]) for r in rows]
            diverged = sum(r["diverged"] == "true" for r in rows)

    tasks = []
    if args.peers and peer_available("numpy"):
        tasks.append(("numpy", "NumPy (numpy_grid.py)", "numpy_grid.py", []))
    if args.peers and args.sklearn and peer_available("sklearn"):
        tasks.append(("sklearn", "scikit-learn (sklearn_grid.py)", "sklearn_grid.py", []))
    if args.peers and args.torch and peer_available("torch"):
        extra = ["--threads", "1"] + (["--limit", str(args.torch_limit)] if args.torch_limit < GRID_CONFIGS else [])
        tasks.append(("torch", "PyTorch, 1 thread (torch_grid.py)", "torch_grid.py", extra))
    # runexp's repetitions are spread over the gaps before, between and after the peers, so that a
    # burst of foreign load hits both sides alike.
    slots = len(tasks) + 1
    shares = [args.repeat // slots + (1 if i < args.repeat % slots else 0) for i in range(slots)]
    peers = []
    for i, share in enumerate(shares):
        runexp_batch(share)
        if i < len(tasks):
            key, label, script, extra = tasks[i]
            peers.append((key, label, run_peer(script, extra, key)))

    wall = median([m.wall for m in runs])
    acc, _ = accuracy_summary(accuracies)
    cpu = median([m.cpu for m in runs])
    rows = [["runexp (this build)", GRID_CONFIGS, f"{wall:.3f}", f"{cpu:.2f}", f"{GRID_CONFIGS / wall:.0f}",
             mb(max(m.peak_kb for m in runs)), f"{acc:.4f}", f"{diverged} diverged", "1.0x"]]
    ratios = {}
    for key, label, (m, configs, seconds, peer_acc, note, version) in peers:
        a, missing = accuracy_summary(peer_acc)
        ratio = seconds / wall
        ratios[key] = ratio
        rows.append([f"{label} {version}", configs, f"{seconds:.2f}" + (" *" if note else ""), f"{m.cpu:.1f}",
                     f"{GRID_CONFIGS / seconds:.1f}",
                     mb(m.peak_kb), f"{a:.4f}", f"{missing} nan" if missing else "", f"{ratio:.0f}x"])
    table(["tool", "configs", "wall s", "cpu s", "runs/s", "peak MB", "median val acc", "failed", "runexp speed-up"], rows)
    print(f"   runexp wall times: {' '.join(f'{m.wall:.3f}' for m in runs)} s; "
          f"speed-up = peer seconds / runexp median seconds, both measured above")
    print("   cpu s = user + system time of the measured run (runexp's median; for an extrapolated row, the")
    print("   configs actually run); less sensitive than wall time to other work on the machine")
    for _, label, (_, _, _, _, note, _) in peers:
        if note:
            print(f"   * {label}: {note} (the stratified order balances batch sizes), "
                  f"measured setup + per-config seconds x {GRID_CONFIGS}/n")
    if not peers:
        print("   (no peer rows: the peers' venv is missing; create it with bash ../shared/peers/setup_venv.sh)")
    print("   Same validation rows: runexp's split has shuffle: false, Keras' validation_split (the last 20 %")
    print("   of the rows) that the peers use. Diverged runexp runs have no accuracy and are left out of its")
    print("   median; NumPy and torch score a diverged model (a NaN model predicts the first class: all benign,")
    print("   0.772); sklearn has no dropout and reports NaN when it diverges.")
    print()
    medians = {"runexp": acc}
    for key, _, (_, _, _, peer_acc, _, _) in peers:
        medians[key] = accuracy_summary(peer_acc)[0]
    return wall, ratios, medians


# ---------------------------------------------------------------- scaling

SCALING_TEMPLATE = """name: {name}
seed: 7
data:
  file: {data}
  target: diagnosis
  positive: M
  split:
    validation: 0.2
model:
  - dropout: $dropout
  - dense: {{units: {units}, activation: relu}}
  - dense: {{units: classes, activation: softmax}}
training:
  epochs: {epochs}
  batch_size: $batch_size
  optimizer: {{name: sgd, learning_rate: $learning_rate}}
  class_weight: balanced
search:
  grid:
    dropout: [0, 0.3]
    batch_size: {batches}
    learning_rate: [0.01, 0.1]
  repetitions: 1
  objective: {{metric: val_accuracy, goal: maximize}}
"""


def synthetic_data(factor):
    """Data/wisconsin.csv with `factor` times the rows: resampled rows plus Gaussian noise of 5 % of
    each feature's standard deviation (labels kept), written under WORK."""
    if factor == 1:
        return DATA
    path = os.path.join(WORK, "scaling", f"wisconsin-x{factor}.csv")
    if os.path.exists(path):
        return path
    with open(DATA, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    target = header.index("diagnosis")
    columns = [j for j in range(len(header)) if j != target]
    sd = {j: statistics.pstdev(float(r[j]) for r in body) for j in columns}
    rng = random.Random(factor)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for _ in range(len(body) * factor):
            source = rng.choice(body)
            w.writerow([source[j] if j == target else f"{float(source[j]) + rng.gauss(0, 0.05 * sd[j]):.6g}"
                        for j in range(len(header))])
    os.replace(path + ".tmp", path)
    return path


def scaling_experiment(name, data, units, batches, epochs=25):
    path = os.path.join(WORK, "scaling", f"{name}.yaml")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(SCALING_TEMPLATE.format(name=name, data=data, units=units, batches=batches, epochs=epochs))
    return path


def train_rows(data):
    with open(data) as f:
        n = sum(1 for _ in f) - 1
    return n - round(n * 0.2), round(n * 0.2)


def median_of(binary, experiment, jobs, repeat):
    """Median wall time, largest peak RSS and the number of runs of `repeat` runexp runs."""
    results = [runexp(binary, experiment, jobs) for _ in range(repeat)]
    return median([m.wall for m, _ in results]), max(m.peak_kb for m, _ in results), len(results[0][1])


def scaling(binary, args):
    repeat = max(1, args.repeat // 2)
    print("== Scaling (runexp only; units 32 relu unless varied; dropout {0, 0.3} x learning rate {0.01, 0.1}"
          " x batch sizes; 25 epochs; validation 0.2)")
    print(f"   median of {repeat} runs each; synthetic rows: Data/wisconsin.csv resampled with 5 % noise, in {WORK}/scaling")
    fixed, _, _ = median_of(binary, scaling_experiment("fixed-cost", DATA, 32, "[32]", epochs=1), 1, repeat)
    print(f"   fixed cost of one runexp process (4 runs of 1 epoch: start-up, data, plan, result folder): {fixed:.3f} s;")
    print("   the throughput columns use wall - fixed cost ('-' where the wall time is under twice the fixed cost)")
    rows = []
    for factor in (1, 10, 100):
        data = synthetic_data(factor)
        train, validation = train_rows(data)
        experiment = scaling_experiment(f"rows-x{factor}", data, 32, "[32]")
        wall, peak, runs = median_of(binary, experiment, args.jobs, repeat)
        row_epochs = train * 25 * runs
        net = wall - fixed
        clear = wall >= 2 * fixed
        rows.append([f"x{factor}", train + validation, runs, f"{wall:.3f}",
                     f"{row_epochs / net / 1e6:.2f}" if clear else "-",
                     f"{net / row_epochs * 1e9 * args.jobs:.0f}" if clear else "-", mb(peak)])
    print(f"-- rows (batch 32, --jobs {args.jobs})")
    table(["rows", "data rows", "runs", "wall s", "M row-epochs/s", "ns/row-epoch/core", "peak MB"], rows)

    rows = []
    data = synthetic_data(10)
    train, validation = train_rows(data)
    unit_repeat = max(1, args.repeat // 4)
    for units in (1, 8, 64, 256, 1024):
        experiment = scaling_experiment(f"units-{units}", data, units, "[4, 32]")
        wall, peak, runs = median_of(binary, experiment, 1, unit_repeat)
        params = 30 * units + units + units * 2 + 2
        flops = (4 * params * train + 2 * params * validation) * 25 * runs
        steps = 25 * ((train + 3) // 4 + (train + 31) // 32) * runs // 2  # half the runs at each batch size
        net = wall - fixed
        clear = wall >= 2 * fixed
        rows.append([units, params, runs, f"{wall:.3f}", f"{net / steps * 1e6:.2f}" if clear else "-",
                     f"{flops / net / 1e9:.1f}" if clear else "-", mb(peak)])
    print(f"-- hidden units (the x10 rows, batch sizes 4 and 32, --jobs 1: one core; median of {unit_repeat};")
    print("   GFLOP/s counts 4*params per training row and 2*params per validation row and epoch)")
    table(["units", "params", "runs", "wall s", "us/step", "GFLOP/s", "peak MB"], rows)

    # --jobs 1 and 2 alternate, so that a burst of foreign load hits both alike; three times the
    # usual count, because a ratio of two 0.2-0.4 s medians on a shared machine moves by several
    # percent from one set of nine to the next. Each round also starts two --jobs 1 processes side
    # by side: nothing is shared between them, so their throughput over one process is what the
    # machine's two cores give this workload in those minutes (the ceiling for --jobs 2).
    jobs_repeat = 3 * args.repeat
    measured = {1: [], 2: []}
    side_by_side = []
    for _ in range(jobs_repeat):
        for jobs in (1, 2):
            measured[jobs].append(runexp(binary, GRID, jobs)[0])
        side_by_side.append(concurrent_walls(binary, GRID, 2))
    walls = {j: (median([m.wall for m in measured[j]]), max(m.peak_kb for m in measured[j])) for j in (1, 2)}
    pair = median(side_by_side)
    ceiling = 2 * walls[1][0] / pair
    print(f"-- jobs (the reference grid, {GRID_CONFIGS} runs; median of {jobs_repeat} alternating runs each)")
    table(["jobs", "wall s", "cpu s", "runs/s", "peak MB", "speed-up"],
          [[j, f"{walls[j][0]:.3f}", f"{median([m.cpu for m in measured[j]]):.2f}", f"{GRID_CONFIGS / walls[j][0]:.0f}",
            mb(walls[j][1]), f"{walls[1][0] / walls[j][0]:.2f}x"] for j in (1, 2)]
          + [["2 x 1", f"{pair:.3f}", "-", f"{2 * GRID_CONFIGS / pair:.0f}", "-", f"{ceiling:.2f}x"]])
    print("   2 x 1: two --jobs 1 processes side by side (wall until both end); its speed-up is their throughput")
    print(f"   over one process, the machine's ceiling for --jobs 2 in these minutes; --jobs 2 reached "
          f"{walls[1][0] / walls[2][0] / ceiling:.0%} of it")
    print()
    return walls[1][0] / walls[2][0], ceiling


def concurrent_walls(binary, experiment, count):
    """Wall time (s) from starting `count` `runexp run --jobs 1` processes at once until the last ends."""
    outs = [tempfile.mkdtemp(prefix="results-", dir=WORK) for _ in range(count)]
    try:
        start = time.perf_counter()
        processes = [subprocess.Popen([binary, "run", experiment, "--jobs", "1", "--out", out, "--quiet"], cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for out in outs]
        errors = [p.communicate()[1] for p in processes]
        failures = [e for p, e in zip(processes, errors) if p.returncode != 0]
        wall = time.perf_counter() - start
        if failures:
            sys.exit(f"failed: {binary} run {experiment} --jobs 1\n{failures[0][-2000:].decode(errors='replace')}")
    finally:
        for out in outs:
            shutil.rmtree(out, ignore_errors=True)
    return wall


# ---------------------------------------------------------------- a large layer

LARGE_ROWS, LARGE_FEATURES, LARGE_UNITS, LARGE_LAYERS = 25_000, 64, 256, 2
LARGE_EPOCHS, LARGE_BATCH, LARGE_LR = 5, 128, 0.01
LARGE_NUMPY = os.path.join(ROOT, "bench", "large", "numpy_large.py")

LARGE_TEMPLATE = """name: {name}
seed: 7
data:
  file: {data}
  target: label
  split:
    validation: 0.2
model:
  - dense: {{units: {units}, activation: {activation}}}
  - dense: {{units: {units}, activation: {activation}}}
  - dense: {{units: classes, activation: softmax}}
training:
  epochs: {epochs}
  batch_size: {batch}
  optimizer: {{name: sgd, learning_rate: {lr}}}
search:
  repetitions: 1
  objective: {{metric: val_accuracy, goal: maximize}}
"""


def large_data():
    """25,000 rows x 64 numeric features + `label` (two classes of 12,500, in random order), written
    under WORK once. Class 1 shifts every feature's mean by +0.3 (even columns) or -0.2 (odd) standard
    deviations, so the best possible accuracy is about 0.85; columns get different scales and offsets
    so that standardizing matters. Python's `random`, seeded: the same file on every machine."""
    path = os.path.join(WORK, "large", f"large-{LARGE_ROWS}x{LARGE_FEATURES}-v1.csv")
    if os.path.exists(path):
        return path
    rng = random.Random(LARGE_ROWS)
    shift = [0.3 if j % 2 == 0 else -0.2 for j in range(LARGE_FEATURES)]
    scale = [1.0 + j % 7 for j in range(LARGE_FEATURES)]
    offset = [(j % 5) * 10.0 - 20.0 for j in range(LARGE_FEATURES)]
    labels = [0] * (LARGE_ROWS // 2) + [1] * (LARGE_ROWS - LARGE_ROWS // 2)
    rng.shuffle(labels)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        f.write(",".join([f"x{j + 1}" for j in range(LARGE_FEATURES)] + ["label"]) + "\n")
        for y in labels:
            f.write(",".join(f"{offset[j] + scale[j] * (rng.gauss(0, 1) + (shift[j] if y else 0)):.5g}"
                             for j in range(LARGE_FEATURES)) + f",{y}\n")
    os.replace(path + ".tmp", path)
    return path


def large_experiment(binary, data, epochs, activation="relu"):
    """Writes the large-layer experiment (`epochs` epochs, hidden layers of `activation`) and checks
    that `runexp validate` accepts it."""
    suffix = "" if activation == "relu" else f"-{activation}"
    path = os.path.join(WORK, "large", f"large-layer-{epochs}epochs{suffix}.yaml")
    with open(path, "w") as f:
        f.write(LARGE_TEMPLATE.format(name=f"large-layer-{epochs}epochs{suffix}", data=data, units=LARGE_UNITS,
                                      epochs=epochs, batch=LARGE_BATCH, lr=LARGE_LR, activation=activation))
    done = subprocess.run([binary, "validate", path], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"runexp validate {path} failed:\n{done.stdout}{done.stderr}")
    return path


def run_numpy_large(data, threads):
    """One numpy_large.py run; `threads` None leaves OpenBLAS its default (one thread per core).
    Returns the measurement and the script's JSON line."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "GOTO_NUM_THREADS")}
    if threads is not None:
        env["OPENBLAS_NUM_THREADS"] = str(threads)
    m = timed([PEERS_PYTHON, LARGE_NUMPY, "--data", data, "--units", str(LARGE_UNITS), "--layers", str(LARGE_LAYERS),
               "--epochs", str(LARGE_EPOCHS), "--batch-size", str(LARGE_BATCH), "--lr", str(LARGE_LR)],
              env=env, keep_output=True)
    return m, json.loads(m.output.strip().splitlines()[-1])


def large_layer(binary, args):
    """runexp against NumPy/OpenBLAS (1 thread and the default) on one large network. Returns
    {"wall": runexp / NumPy 1 thread, "train": the same for training only} (None when not measured)."""
    rounds = max(1, (args.repeat + 1) // 2)
    data = large_data()
    train, validation = train_rows(data)
    classes = 2
    experiment = large_experiment(binary, data, LARGE_EPOCHS)
    one_epoch = large_experiment(binary, data, 1)
    gelu_experiment = large_experiment(binary, data, LARGE_EPOCHS, "gelu")
    widths = [LARGE_FEATURES] + [LARGE_UNITS] * LARGE_LAYERS + [classes]
    macs = sum(a * b for a, b in zip(widths[:-1], widths[1:]))
    flop = LARGE_EPOCHS * (6 * macs * train + 2 * macs * validation)
    print(f"== A large layer: {train + validation} rows x {LARGE_FEATURES} features ({train} training, {validation} validation),"
          f" dense {LARGE_UNITS} relu x {LARGE_LAYERS}, dense {classes} softmax; batch {LARGE_BATCH}, {LARGE_EPOCHS} epochs,"
          f" sgd {LARGE_LR}, validation loss + accuracy after every epoch")
    numpy_ok = args.peers and peer_available("numpy")
    print(f"   runexp: --jobs 1, {rounds + 1} runs of {LARGE_EPOCHS} epochs and {rounds} of 1 epoch; "
          + (f"NumPy (bench/large/numpy_large.py, float32, same math): {rounds} per thread setting; "
             if numpy_ok else "")
          + "medians;")
    print(f"   interleaved round by round (runexp runs first and last); data: synthetic (Gaussian classes), in {WORK}/large")
    walls, ones, gelus, numpy = [], [], [], {1: [], None: []}
    for _ in range(rounds):
        walls.append(runexp(binary, experiment, 1))
        gelus.append(runexp(binary, gelu_experiment, 1))
        if numpy_ok:
            numpy[1].append(run_numpy_large(data, 1))
        ones.append(runexp(binary, one_epoch, 1))
        if numpy_ok:
            numpy[None].append(run_numpy_large(data, None))
    walls.append(runexp(binary, experiment, 1))

    wall = median([m.wall for m, _ in walls])
    wall1 = median([m.wall for m, _ in ones])
    # wall(e) = fixed + e * epoch  =>  fixed = (5 wall(1) - wall(5)) / 4; training = wall(5) - fixed
    fixed = (LARGE_EPOCHS * wall1 - wall) / (LARGE_EPOCHS - 1)
    trained = wall - fixed
    acc = median([number(rows[0]["val_accuracy"]) for _, rows in walls])
    rows = [["runexp (this build), --jobs 1", "-", f"{wall:.3f}", f"~{trained:.3f}", f"~{flop / trained / 1e9:.1f}",
             mb(max(m.peak_kb for m, _ in walls)), f"{acc:.4f}", "", ""]]
    # gelu's cost: relu and gelu runs back to back, the median of the pairs' ratios (a pair shares
    # the machine's load of the moment, so its ratio is steadier than a ratio of two medians).
    pairs = []
    for _ in range(args.repeat):
        relu_run, _ = runexp(binary, experiment, 1)
        gelu_run = runexp(binary, gelu_experiment, 1)
        gelus.append(gelu_run)
        pairs.append(gelu_run[0].wall / relu_run.wall)
    gelu_wall = median([m.wall for m, _ in gelus])
    rows.append([f"runexp, hidden layers gelu instead of relu", "-", f"{gelu_wall:.3f}", "-", "-",
                 mb(max(m.peak_kb for m, _ in gelus)), f"{median([number(r[0]['val_accuracy']) for _, r in gelus]):.4f}", "", ""])
    result = {"wall": None, "train": None, "gelu": median(pairs)}
    notes, one_thread = [], float("inf")
    for threads in (1, None):
        runs = numpy[threads]
        if not runs:
            continue
        nwall = median([m.wall for m, _ in runs])
        ntrain = median([j["train_seconds"] for _, j in runs])
        info = runs[0][1]
        label = f"NumPy {info['numpy']}, " + ("OPENBLAS_NUM_THREADS=1" if threads else "OpenBLAS default")
        rows.append([label, info["blas_threads"], f"{nwall:.3f}", f"{ntrain:.3f}", f"{flop / ntrain / 1e9:.1f}",
                     mb(max(m.peak_kb for m, _ in runs)), f"{median([j['val_accuracy'] for _, j in runs]):.4f}",
                     f"{wall / nwall:.2f}x", f"~{trained / ntrain:.2f}x"])
        notes.append(f"   {label}: wall {' '.join(f'{m.wall:.3f}' for m, _ in runs)} s, training "
                     f"{' '.join('%.3f' % j['train_seconds'] for _, j in runs)} s; median import "
                     f"{median([j['import_seconds'] for _, j in runs]):.3f} s, CSV + split + standardize "
                     f"{median([j['load_seconds'] for _, j in runs]):.3f} s; BLAS {info['blas']}")
        if threads == 1:
            result.update({"wall": wall / nwall, "train": trained / ntrain})
            one_thread = ntrain
        else:
            spread = [j["train_seconds"] for _, j in runs]
            notes.append(f"   OpenBLAS default ({info['blas_threads']} threads): training {min(spread):.3f} to {max(spread):.3f} s"
                         f" against a median {one_thread:.3f} s with 1 thread (on 128-row batches a second thread")
            notes.append("   gains little, and its threads wait on each other while other work holds a core)")
    table(["tool", "BLAS threads", "wall s", "training s", "GFLOP/s", "peak MB", "val acc",
           "runexp/this wall", "runexp/this training"], rows)
    print(f"   runexp: wall {' '.join(f'{m.wall:.3f}' for m, _ in walls)} s ({LARGE_EPOCHS} epochs), "
          f"{' '.join(f'{m.wall:.3f}' for m, _ in ones)} s (1 epoch)")
    print(f"   gelu/relu: median of {len(pairs)} back-to-back pairs' wall ratios {median(pairs):.2f}x"
          f" ({' '.join(f'{r:.2f}' for r in pairs)})")
    print(f"   runexp's fixed cost (start-up, CSV, split, standardize, result folder) ~ (5 x wall(1 epoch) - wall(5 epochs)) / 4"
          f" = {fixed:.3f} s; its training s ~ wall - that (estimated; '~')")
    for note in notes:
        print(note)
    if not numpy_ok:
        print("   (no NumPy rows: " + ("--no-peers" if not args.peers else
              "the peers' venv is missing; create it with bash ../shared/peers/setup_venv.sh") + ")")
    print(f"   wall s = the whole process (interpreter / start-up, import, CSV included); NumPy's training s is its")
    print(f"   epoch loop (own clock). GFLOP/s = {flop / 1e9:.2f} GFLOP / training s, counting 2*MACs forward + 4*MACs")
    print(f"   backward per training row and 2*MACs per validation row per epoch: {LARGE_EPOCHS} x (6 x {macs} x {train}"
          f" + 2 x {macs} x {validation}), MACs = {' + '.join(f'{a}*{b}' for a, b in zip(widths[:-1], widths[1:]))}")
    print()
    return result


# ---------------------------------------------------------------- the full reference experiment

def full_reference(binary, args):
    runs = [runexp(binary, REFERENCE, 2) for _ in range(args.repeat)]
    walls = [m.wall for m, _ in runs]
    peak = max(m.peak_kb for m, _ in runs)
    count = len(runs[0][1])
    print(f"== The full reference experiment: {os.path.relpath(REFERENCE, ROOT)} ({count} runs: 216 cells x 3"
          f" repetitions, test split 0.2), --jobs 2, {args.repeat} runs")
    table(["", "median", "min", "max", "target"],
          [["wall s", f"{median(walls):.3f}", f"{min(walls):.3f}", f"{max(walls):.3f}", "< 1.5"],
           ["cpu s", f"{median([m.cpu for m, _ in runs]):.3f}", f"{min(m.cpu for m, _ in runs):.3f}",
            f"{max(m.cpu for m, _ in runs):.3f}", ""],
           ["peak MB", mb(median([m.peak_kb for m, _ in runs])), mb(min(m.peak_kb for m, _ in runs)), mb(peak), "< 64"]])
    print()
    return median(walls), peak


# ---------------------------------------------------------------- regression: diabetes

DIABETES = os.path.join(ROOT, "experiments", "diabetes.yaml")
DIABETES_DATA = os.path.join(ROOT, "Data", "diabetes.csv")
DIABETES_SKLEARN = os.path.join(ROOT, "bench", "diabetes", "sklearn_diabetes.py")
DIABETES_SEEDS = (1, 2, 3, 4, 5)


def yaml_scalar(text):
    """A plain YAML scalar of the experiment file's grid lists: int, float or string."""
    text = text.strip().strip("'\"")
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def experiment_settings(path):
    """What a peer script must copy from an experiment file: seed, split fractions, epochs,
    repetitions and the grid's axes (flat lists only). A line-based reading of the committed files'
    layout (bench.py has no YAML parser); exits when the layout is not the expected one."""
    with open(path) as f:
        text = f.read()
    lines = text.splitlines()

    def block(name):  # the lines of a top-level mapping `name:`
        start = next((i for i, l in enumerate(lines) if re.match(rf"{name}:\s*(#.*)?$", l)), None)
        if start is None:
            return []
        end = next((i for i in range(start + 1, len(lines)) if re.match(r"\S", lines[i])), len(lines))
        return lines[start + 1:end]

    def one(pattern, where, kind=float):
        found = re.findall(pattern, "\n".join(where), re.M)
        if len(found) != 1:
            sys.exit(f"bench: cannot read /{pattern}/ from {path} (found {len(found)})")
        return kind(found[0])

    search = block("search")
    grid_at = next((i for i, l in enumerate(search) if re.match(r"  grid:\s*(#.*)?$", l)), None)
    axes = {}
    for line in search[grid_at + 1:] if grid_at is not None else []:
        if not line.startswith("    "):
            break
        match = re.match(r"    (\w+):\s*\[(.*)\]\s*(#.*)?$", line)
        if not match:
            sys.exit(f"bench: {path}: the peer scripts need flat grid lists, not {line.strip()!r}")
        axes[match.group(1)] = [yaml_scalar(v) for v in match.group(2).split(",") if v.strip()]
    if not axes:
        sys.exit(f"bench: no search.grid axes in {path}")
    data = block("data")
    return {"seed": one(r"^seed:\s*(\d+)", lines, int), "test": one(r"\btest:\s*([0-9.]+)", data),
            "validation": one(r"\bvalidation:\s*([0-9.]+)", data),
            "epochs": one(r"^\s+epochs:\s*(\d+)", block("training"), int),
            "repetitions": one(r"^\s+repetitions:\s*(\d+)", search, int), "axes": axes}


def experiment_copy(path, section, name, edit=lambda text: text):
    """A copy of the experiment file `path` under WORK/section/name.yaml with data.file made absolute
    (and `edit` applied to its text)."""
    with open(path) as f:
        text = f.read()
    data = os.path.normpath(os.path.join(os.path.dirname(path), re.search(r"(?m)^\s+file:\s*(\S+)", text).group(1)))
    text, files = re.subn(r"(?m)^(\s+file:\s*).*$", lambda m: m.group(1) + json.dumps(data), text)
    if files != 1:
        sys.exit(f"bench: expected one `file:` line in {path}")
    copy = os.path.join(WORK, section, f"{name}.yaml")
    os.makedirs(os.path.dirname(copy), exist_ok=True)
    with open(copy, "w") as f:
        f.write(edit(text))
    return copy


def diabetes_experiment(seed=None):
    """A copy of experiments/diabetes.yaml under WORK with data.file made absolute and, when `seed`
    is given, `seed:` replaced."""
    def reseed(text):
        if seed is None:
            return text
        text, seeds = re.subn(r"(?m)^seed:.*$", f"seed: {seed}", text)
        if seeds != 1:
            sys.exit(f"bench: expected one `seed:` line in {DIABETES}")
        return text
    return experiment_copy(DIABETES, "diabetes", f"diabetes-{'committed' if seed is None else f'seed{seed}'}", reseed)


def rank_one(cells, experiment):
    """The rank-1 cell of a cells.csv (the first listed when several share rank 1)."""
    ranked = [c for c in cells if number(c.get("rank")) == 1]
    if not ranked:
        sys.exit(f"bench: no rank-1 cell in the cells.csv of {experiment}")
    for column in ("test_r2_mean", "val_rmse_mean"):
        if column not in ranked[0]:
            sys.exit(f"bench: cells.csv of {experiment} has no {column} column: {', '.join(ranked[0])}")
    return ranked[0]


def run_sklearn_diabetes(mode, extra):
    """One run of bench/diabetes/sklearn_diabetes.py with the peers' Python: (measurement, its JSON)."""
    m = timed([PEERS_PYTHON, DIABETES_SKLEARN, mode, "--data", DIABETES_DATA] + extra, keep_output=True)
    return m, json.loads(m.output.strip().splitlines()[-1])


def diabetes(binary, args):
    """Regression on Data/diabetes.csv: accuracy (runexp's rank-1 cell over 5 seeds vs scikit-learn's
    LinearRegression over 5 splits) and speed (the whole grid, runexp vs MLPRegressor). Returns
    {"runexp_r2", "linear_r2", "ratio"} (None where not measured)."""
    settings = experiment_settings(DIABETES)
    axes = settings["axes"]
    cells = 1
    for values in axes.values():
        cells *= len(values)
    fits = cells * settings["repetitions"]
    sklearn_ok = args.peers and args.sklearn and peer_available("sklearn")
    print(f"== Regression: {os.path.relpath(DIABETES, ROOT)} on {os.path.relpath(DIABETES_DATA, ROOT)} (442 rows x 10 features,"
          f" target progression): {cells} cells x {settings['repetitions']} repetitions, {settings['epochs']} epochs, adam,"
          f" mse; split test {settings['test']}, validation {settings['validation']}")
    print(f"   grid: {', '.join(k + ' [' + ', '.join(str(v) for v in values) + ']' for k, values in axes.items())}")

    # -- accuracy
    result = {"runexp_r2": None, "linear_r2": None, "paired_r2": None, "ratio": None}
    linear = None
    if sklearn_ok:
        _, linear = run_sklearn_diabetes("linear", ["--splits", str(len(DIABETES_SEEDS))])
        result["linear_r2"] = linear["test_r2_mean"]
    seeded = []
    test_rows = []
    for seed in DIABETES_SEEDS:
        experiment = diabetes_experiment(seed)
        m, (cells_rows, predictions) = runexp_tables(binary, experiment, args.jobs, ("cells.csv", "predictions.csv"))
        seeded.append((seed, m, rank_one(cells_rows, experiment)))
        test_rows.append(sorted({int(p["row"]) - 1 for p in predictions}))
    r2 = [number(best["test_r2_mean"]) for _, _, best in seeded]
    result["runexp_r2"] = statistics.mean(r2)
    paired = None
    if sklearn_ok:
        rows_file = os.path.join(WORK, "diabetes-test-rows.json")
        with open(rows_file, "w") as f:
            json.dump(test_rows, f)
        _, paired = run_sklearn_diabetes("paired", ["--test-rows", rows_file])
        result["paired_r2"] = paired["test_r2_mean"]
    print(f"-- accuracy: mean test R^2 over {len(DIABETES_SEEDS)} seeds / splits (runexp --jobs {args.jobs})")
    rows = [[f"runexp, rank-1 cell by val_rmse (seeds {DIABETES_SEEDS[0]}..{DIABETES_SEEDS[-1]})",
             f"{result['runexp_r2']:.4f}", f"{min(r2):.4f}", f"{max(r2):.4f}", " ".join(f"{v:.4f}" for v in r2)]]
    if linear:
        lr = linear["test_r2"]
        rows.append([f"scikit-learn {linear['sklearn']} LinearRegression (random_state 0..{len(lr) - 1})",
                     f"{result['linear_r2']:.4f}", f"{min(lr):.4f}", f"{max(lr):.4f}", " ".join(f"{v:.4f}" for v in lr)])
    if paired:
        lr = paired["test_r2"]
        rows.append([f"LinearRegression on runexp's splits (fit on all non-test rows)",
                     f"{paired['test_r2_mean']:.4f}", f"{min(lr):.4f}", f"{max(lr):.4f}", " ".join(f"{v:.4f}" for v in lr)])
    table(["", "mean test R^2", "min", "max", "each"], rows)
    for seed, m, best in seeded:
        axis_values = ", ".join(f"{k} {best.get(k, '?')}" for k in axes)
        print(f"   seed {seed}: rank 1 = {axis_values}; val_rmse {number(best['val_rmse_mean']):.2f},"
              f" test_rmse {number(best.get('test_rmse_mean')):.2f}, test_r2 {number(best['test_r2_mean']):.4f}; wall {m.wall:.3f} s")
    print("   runexp: experiments/diabetes.yaml with seed: 1..5 (each seed draws its own 20 % test rows and the"
          " repetitions' validation rows), its rank-1 cell's test_r2_mean (mean of its repetitions)")
    if linear:
        print(f"   LinearRegression: train_test_split(test_size=0.2, random_state=0..{len(linear['test_r2']) - 1})"
              f" ({linear['train_rows']} training / {linear['test_rows']} test rows), features standardized on the training rows")
        gap = result["runexp_r2"] - result["linear_r2"]
        print(f"   runexp - LinearRegression: {gap:+.4f} -> runexp {'>=' if gap >= 0 else '<'} LinearRegression")
    if paired:
        gap = result["runexp_r2"] - paired["test_r2_mean"]
        print(f"   paired, on the same test rows: runexp - LinearRegression {gap:+.4f} (runexp's model trains on the rows its"
              f" split leaves after validation; LinearRegression on every non-test row)")
    else:
        print("   (no LinearRegression row: " + ("--no-peers / --no-sklearn" if not (args.peers and args.sklearn) else
              "the peers' venv is missing; create it with bash ../shared/peers/setup_venv.sh") + ")")

    # -- speed: runexp's runs before and after scikit-learn's, so that foreign load hits both alike
    committed = diabetes_experiment()
    repeat = max(1, args.repeat // 3)
    runs = [runexp_tables(binary, committed, args.jobs, ("cells.csv",)) for _ in range((repeat + 1) // 2)]
    mlp = None
    if sklearn_ok:
        grid_json = json.dumps(axes)
        mlp = run_sklearn_diabetes("grid", ["--grid", grid_json, "--epochs", str(settings["epochs"]),
                                            "--repetitions", str(settings["repetitions"]), "--test", str(settings["test"]),
                                            "--validation", str(settings["validation"]), "--seed", str(settings["seed"]),
                                            "--out", os.path.join(WORK, "diabetes", "sklearn-grid.csv")])
    runs += [runexp_tables(binary, committed, args.jobs, ("cells.csv",)) for _ in range(repeat // 2)]
    wall = median([m.wall for m, _ in runs])
    best = rank_one(runs[-1][1][0], committed)
    print(f"-- speed: the whole grid once (seed {settings['seed']}), {fits} fits; runexp --jobs {args.jobs}, median of {len(runs)};"
          f" scikit-learn one run, one process")
    rows = [["runexp (this build)", fits, f"{wall:.3f}", f"{median([m.cpu for m, _ in runs]):.2f}",
             mb(max(m.peak_kb for m, _ in runs)), f"{number(best['val_rmse_mean']):.2f}", f"{number(best['test_r2_mean']):.4f}",
             "1.0x"]]
    if mlp:
        m, info = mlp
        result["ratio"] = m.wall / wall
        b = info["best"] or {}
        rows.append([f"scikit-learn {info['sklearn']} MLPRegressor *", info["fits"], f"{m.wall:.2f}", f"{m.cpu:.1f}",
                     mb(m.peak_kb), f"{b.get('val_rmse_mean', float('nan')):.2f}", f"{b.get('test_r2_mean', float('nan')):.4f}",
                     f"{result['ratio']:.0f}x" if result["ratio"] >= 10 else f"{result['ratio']:.1f}x"])
    table(["tool", "fits", "wall s", "cpu s", "peak MB", "best val rmse", "its test R^2", "sklearn/runexp"], rows)
    print(f"   runexp wall times: {' '.join(f'{m.wall:.3f}' for m, _ in runs)} s; best = the rank-1 cell (runexp) or the"
          f" lowest mean val_rmse (scikit-learn), its mean over the repetitions")
    if mlp:
        m, info = mlp
        print(f"   * NO DROPOUT in MLPRegressor: its {info['dropout_cells_rerun']} dropout > 0 cells run as dropout 0, each"
              " re-training its dropout-0 twin")
        print(f"     (same seed, same numbers: duplicate work, timed), so both sides fit all {fits} runs; its best cell is"
              " chosen among the")
        print(f"     dropout-0 cells. bench/diabetes/sklearn_diabetes.py: solver adam (epsilon 1e-7), same learning_rate_init"
              f" and batch_size,")
        print(f"     max_iter = {settings['epochs']} epochs (all run), alpha 0, linear -> identity; {info['rows']['train']} /"
              f" {info['rows']['validation']} / {info['rows']['test']} training / validation / test rows")
        print("     as runexp sizes them (other rows), features and target standardized on the training rows; one"
              " process, busy on")
        print(f"     {m.cpu / m.wall:.2f} cores on average (OPENBLAS_NUM_THREADS {info['openblas_num_threads']}) where runexp"
              f" has {args.jobs}. Its wall: import {info['import_seconds']:.2f} s, fits {info['fit_seconds']:.2f} s;"
              f" {info['diverged']} diverged.")
        print("     sklearn/runexp = its wall / runexp's median wall, whole processes (start-up and import included)")
    else:
        print("   (no scikit-learn row: " + ("--no-peers / --no-sklearn" if not (args.peers and args.sklearn) else
              "the peers' venv is missing; create it with bash ../shared/peers/setup_venv.sh") + ")")
    print()
    return result


# ---------------------------------------------------------------- the run cache (issue 20)

CACHE_EXTRA_RATE = "0.05"  # the learning-rate value the grown reference grid adds


def run_dir(binary, experiment, jobs, out, extra=(), cwd=ROOT):
    """One `runexp run` into `out` (kept); returns the measurement and the result folder's path."""
    m = timed([binary, "run", experiment, "--jobs", str(jobs), "--out", out, "--quiet"] + list(extra), cwd=cwd, keep_output=True)
    folder = next(line[len("Results: "):] for line in m.output.splitlines() if line.startswith("Results: "))
    return m, folder if os.path.isabs(folder) else os.path.join(cwd, folder)


def same_folders(a, b):
    """True when the result folders hold the same files with the same bytes, provenance and report aside."""
    def files(root):
        found = {}
        for base, _, names in os.walk(root):
            for name in names:
                if name in ("provenance.json", "report.html"):
                    continue
                with open(os.path.join(base, name), "rb") as f:
                    found[os.path.relpath(os.path.join(base, name), root)] = f.read()
        return found
    return files(a) == files(b)


def grown_reference(directory):
    """experiments/wisconsin.yaml with one more learning rate (216 -> 270 cells), and a file of the new cells alone."""
    with open(REFERENCE) as f:
        text = f.read()
    text = re.sub(r"(?m)^(\s+file:\s*).*$", lambda m: m.group(1) + json.dumps(DATA), text)
    grown, count = re.subn(r"learning_rate: \[0\.01, 0\.1,", f"learning_rate: [0.01, {CACHE_EXTRA_RATE}, 0.1,", text)
    alone, count2 = re.subn(r"learning_rate: \[[^\]]*\]", f"learning_rate: [{CACHE_EXTRA_RATE}]", text)
    if count != 1 or count2 != 1:
        sys.exit(f"bench: {REFERENCE}: expected one learning_rate list starting [0.01, 0.1, ...")
    paths = []
    for name, body in (("wisconsin-270", grown), ("wisconsin-new-cells", alone)):
        path = os.path.join(directory, f"{name}.yaml")
        with open(path, "w") as f:
            f.write(body)
        paths.append(path)
    return paths


def cache(binary, args):
    """The run cache: its cost on a cold cache, the 270-cell run after the 216-cell one, and `diff`
    on a fresh clone. Returns {"cold", "grown", "identical", "diff"}."""
    directory = os.path.join(WORK, "cache")
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    grown, alone = grown_reference(directory)
    print(f"== The run cache: {os.path.relpath(REFERENCE, ROOT)} (648 runs), --jobs {args.jobs}, medians of {args.repeat}")
    # 1. A cold cache against none: each pair runs with an emptied cache, then --no-cache.
    cold, plain = [], []
    for index in range(args.repeat):
        out = os.path.join(directory, f"cold-{index}")
        cold.append(run_dir(binary, REFERENCE, args.jobs, out, ["--cache", os.path.join(out, "cache")])[0].wall)
        plain.append(run_dir(binary, REFERENCE, args.jobs, out, ["--no-cache"])[0].wall)
        shutil.rmtree(out, ignore_errors=True)
    # 2. The grown file (270 cells) after the reference filled the cache, against the same with --no-cache.
    warm, fresh, identical = [], [], True
    for index in range(args.repeat):
        out = os.path.join(directory, f"grown-{index}")
        shared = ["--cache", os.path.join(out, "cache")]
        run_dir(binary, REFERENCE, args.jobs, out, shared)
        m, folder = run_dir(binary, grown, args.jobs, out, shared)
        warm.append(m.wall)
        m2, plain_folder = run_dir(binary, grown, args.jobs, out, ["--no-cache"])
        fresh.append(m2.wall)
        identical = identical and same_folders(folder, plain_folder)
        shutil.rmtree(out, ignore_errors=True)
    # 3. diff on a fresh clone whose HEAD adds the learning rate: the base's runs come from a cache
    #    the base filled (as CI restores one), so only the new cells train; against running them alone.
    clone = os.path.join(directory, "clone")
    subprocess.run(["git", "clone", "-q", ROOT, clone], check=True)
    git = ["git", "-C", clone, "-c", "user.email=bench@example.com", "-c", "user.name=bench"]
    shutil.copy(os.path.join(ROOT, "Data", "wisconsin.csv"), os.path.join(clone, "Data", "wisconsin.csv"))
    with open(os.path.join(clone, "experiments", "wisconsin.yaml")) as f:
        text = f.read()
    with open(os.path.join(clone, "experiments", "wisconsin.yaml"), "w") as f:
        f.write(text.replace("learning_rate: [0.01, 0.1,", f"learning_rate: [0.01, {CACHE_EXTRA_RATE}, 0.1,"))
    subprocess.run(git + ["commit", "-qam", "one more learning rate"], check=True)
    diffs, alones = [], []
    for index in range(args.repeat):
        shutil.rmtree(os.path.join(clone, "results"), ignore_errors=True)
        subprocess.run([binary, "run", "experiments/wisconsin.yaml", "--quiet", "--jobs", str(args.jobs)], cwd=clone,
                       check=True, capture_output=True)
        shutil.rmtree(os.path.join(clone, "results", "wisconsin"))  # the cache stays, the folder goes
        m = timed([binary, "diff", "HEAD~1", "HEAD", "experiments/wisconsin.yaml", "--jobs", str(args.jobs)], cwd=clone, keep_output=True)
        diffs.append(m.wall)
        alones.append(run_dir(binary, alone, args.jobs, os.path.join(directory, "alone"), ["--no-cache"])[0].wall)
        shutil.rmtree(os.path.join(directory, "alone"), ignore_errors=True)
    result = {"cold": median(cold) / median(plain), "grown": median(warm) / median(fresh), "identical": identical,
              "diff": median(diffs) / median(alones)}
    table(["measurement", "median s", "against", "median s", "ratio", "target"],
          [["reference, cold cache", f"{median(cold):.3f}", "--no-cache", f"{median(plain):.3f}", f"{result['cold']:.2f}x", "<= 1.05x"],
           ["270 cells after the 216", f"{median(warm):.3f}", "270 cells, --no-cache", f"{median(fresh):.3f}", f"{result['grown']:.2f}x", "<= 0.3x"],
           ["diff HEAD~1 HEAD, fresh clone", f"{median(diffs):.3f}", "the 54 new cells alone", f"{median(alones):.3f}",
            f"{result['diff']:.2f}x", "<= 1.3x"]])
    print(f"   270-cell folder through the cache identical to --no-cache's (provenance and report aside): {identical}")
    print(f"   walls: cold {' '.join(f'{w:.3f}' for w in cold)}; no cache {' '.join(f'{w:.3f}' for w in plain)};"
          f" grown warm {' '.join(f'{w:.3f}' for w in warm)}; grown fresh {' '.join(f'{w:.3f}' for w in fresh)};"
          f" diff {' '.join(f'{w:.3f}' for w in diffs)}; new cells alone {' '.join(f'{w:.3f}' for w in alones)}")
    print("   the diff's base side comes from a cache the base commit's run filled (CI restores one: docs/ci/runexp-diff.yml);")
    print("   on a clone with no cache at all it trains both sides")
    print()
    return result


def cache_targets(result):
    rows = [("run cache: cold / no cache", result.get("cold"), lambda v: f"{v:.2f}x", lambda v: v <= 1.05, "target <= 1.05x"),
            ("run cache: 270 after 216 / fresh", result.get("grown"), lambda v: f"{v:.2f}x", lambda v: v <= 0.3, "target <= 0.3x"),
            ("run cache: diff / new cells alone", result.get("diff"), lambda v: f"{v:.2f}x", lambda v: v <= 1.3, "target <= 1.3x")]
    for label, value, shown, met, target in rows:
        verdict = "not measured" if value is None else ("met" if met(value) else "NOT met")
        print(f"   {label:<36} {'-' if value is None else shown(value):>8}   {target}: {verdict}")
    if result.get("identical") is not None:
        print(f"   {'run cache: folder identical':<36} {str(result['identical']):>8}   target True: {'met' if result['identical'] else 'NOT met'}")


# ---------------------------------------------------------------- digits: batch_norm, gelu, AdamW vs PyTorch

DIGITS = os.path.join(ROOT, "experiments", "digits.yaml")
DIGITS_TORCH = os.path.join(ROOT, "bench", "digits", "torch_digits.py")
# What bench/digits/torch_digits.py builds; the section checks that experiments/digits.yaml still says it.
DIGITS_MODEL_LINES = (
    "- dense: {units: $units, activation: gelu, initializer: he_normal}",
    "- batch_norm: {momentum: 0.99, epsilon: 0.001}",
    "- dropout: $dropout",
    "times: $depth",
    "batch_size: 32",
    "optimizer: {name: adamw, learning_rate: $learning_rate, weight_decay: 0.01}",
    "schedule: {name: cosine, warmup_epochs: 2}",
    "loss: {categorical_crossentropy: {label_smoothing: 0.1}}",
)


def best_cell(cells, experiment, metric):
    """The rank-1 cell of a cells.csv and its `metric` mean."""
    ranked = [c for c in cells if number(c.get("rank")) == 1]
    if not ranked or f"{metric}_mean" not in ranked[0]:
        sys.exit(f"bench: no rank-1 cell with {metric}_mean in the cells.csv of {experiment}")
    return ranked[0], number(ranked[0][f"{metric}_mean"])


def digits(binary, args):
    """experiments/digits.yaml: the best cell's validation accuracy, batch_norm's cost (the same grid
    without it) and PyTorch on the same grid. Returns {"accuracy", "bn", "torch", "torch_gap"}."""
    with open(DIGITS) as f:
        text = f.read()
    missing = [line for line in DIGITS_MODEL_LINES if line not in text]
    if missing:
        sys.exit(f"bench: {DIGITS} no longer says {missing[0]!r}, which {DIGITS_TORCH} builds; update both")
    settings = experiment_settings(DIGITS)
    cells = 1
    for values in settings["axes"].values():
        cells *= len(values)
    with_bn = experiment_copy(DIGITS, "digits", "digits")
    without_bn = experiment_copy(DIGITS, "digits", "digits-no-batch-norm",
                                 lambda t: re.sub(r"(?m)^\s+- batch_norm:.*\n", "", t).replace("name: digits", "name: digits-no-bn"))
    torch_ok = args.peers and args.torch and peer_available("torch")
    print(f"== Digits: {os.path.relpath(DIGITS, ROOT)} (1797 rows x 64 pixels, 10 classes): {cells} cells x "
          f"{settings['repetitions']} repetitions, {settings['epochs']} epochs of dense (gelu) + batch_norm + dropout blocks,"
          f" AdamW, cosine schedule, label smoothing 0.1")
    print(f"   grid: {', '.join(k + ' [' + ', '.join(str(v) for v in values) + ']' for k, values in settings['axes'].items())};"
          f" runexp --jobs {args.jobs}, median of {args.repeat} runs, with and without the batch_norm line interleaved"
          + (f"; PyTorch ({os.path.relpath(DIGITS_TORCH, ROOT)}, {args.jobs} threads): one run of the whole grid" if torch_ok else ""))
    walls, plain, best = [], [], None
    for _ in range(args.repeat):
        m, (cells_rows,) = runexp_tables(binary, with_bn, args.jobs, ("cells.csv",))
        walls.append(m.wall)
        best = best_cell(cells_rows, with_bn, "val_accuracy")
        m, _ = runexp_tables(binary, without_bn, args.jobs, ("cells.csv",))
        plain.append(m.wall)
    axes = list(settings["axes"])
    describe = lambda cell: ", ".join(f"{k}={cell[k]}" for k in axes)
    rows = [["runexp (this build)", f"{median(walls):.3f}", describe(best[0]), f"{best[1]:.4f}", "1"],
            ["runexp, no batch_norm", f"{median(plain):.3f}", "-", "-", f"{median(walls) / median(plain):.2f}x bn cost"]]
    result = {"accuracy": best[1], "bn": median(walls) / median(plain), "torch": None, "torch_gap": None}
    if torch_ok:
        m = timed([PEERS_PYTHON, DIGITS_TORCH, "--data", os.path.join(ROOT, "Data", "digits.csv"), "--grid", json.dumps(settings["axes"]),
                   "--epochs", str(settings["epochs"]), "--repetitions", str(settings["repetitions"]),
                   "--test", str(settings["test"]), "--validation", str(settings["validation"]),
                   "--seed", str(settings["seed"]), "--threads", str(args.jobs)], keep_output=True)
        report = json.loads(m.output.strip().splitlines()[-1])
        means = [(statistics.mean(c["val_accuracy"]), c["cell"]) for c in report["cells"]]
        torch_best, torch_cell = max(means, key=lambda x: x[0])
        result["torch"] = m.wall / median(walls)
        result["torch_gap"] = best[1] - torch_best
        rows.append([f"PyTorch {report['torch']}, {report['threads']} threads", f"{m.wall:.3f}", describe(torch_cell),
                     f"{torch_best:.4f}", f"{result['torch']:.0f}x runexp's wall"])
    table(["tool", "wall s", "best cell (mean val accuracy)", "val acc", "ratio"], rows)
    print(f"   runexp walls {' '.join(f'{w:.3f}' for w in walls)} s; without batch_norm {' '.join(f'{w:.3f}' for w in plain)} s")
    if not torch_ok:
        print("   (no PyTorch row: " + ("--no-peers or --no-torch" if not (args.peers and args.torch) else
              "torch is not in the peers' venv; WITH_TORCH=1 bash ../shared/peers/setup_venv.sh") + ")")
    print()
    return result


# ---------------------------------------------------------------- successive halving

HALVING_SKLEARN = os.path.join(ROOT, "bench", "halving", "sklearn_halving.py")
HALVING_MIN_EPOCHS, HALVING_FACTOR = 3, 3
HALVING_BLOCK = f"  strategy:\n    halving: {{min_epochs: {HALVING_MIN_EPOCHS}, factor: {HALVING_FACTOR}}}\n"


def halving_experiments():
    """(full, halving): copies of experiments/wisconsin.yaml under WORK/halving with an absolute
    data.file, the second with HALVING_BLOCK first under `search:`. Both keep the file's name and
    seed, so that their runs start from the same seeds."""
    def with_strategy(text):
        text, count = re.subn(r"(?m)^search:[ \t]*(#.*)?\n", lambda m: m.group(0) + HALVING_BLOCK, text)
        if count != 1:
            sys.exit(f"bench: expected one top-level `search:` line in {REFERENCE}")
        return text
    return experiment_copy(REFERENCE, "halving", "full"), experiment_copy(REFERENCE, "halving", "halving", with_strategy)


def halving_ladder(epochs, cells):
    """The contract's rungs: [(epochs, cells)] with min_epochs x factor^r epochs capped by `epochs`,
    the first rung training every cell and each next one the best ceil(n / factor)."""
    rungs, length = [], HALVING_MIN_EPOCHS
    while True:
        rungs.append((min(length, epochs), cells))
        if length >= epochs:
            return rungs
        length, cells = length * HALVING_FACTOR, -(-cells // HALVING_FACTOR)


def halving_unsupported(binary, experiment):
    """None when `runexp validate` accepts the halving copy, else its first error line."""
    done = subprocess.run([binary, "validate", experiment], capture_output=True, text=True)
    if done.returncode == 0:
        return None
    lines = [l.strip() for l in (done.stderr + done.stdout).splitlines() if l.strip()]
    line = next((l for l in lines if "error:" in l), lines[-1] if lines else "")
    return f"runexp validate exit {done.returncode}: {line.split('error:', 1)[-1].strip()}"


def read_table(folder, name):
    with open(os.path.join(folder, name), newline="") as f:
        return list(csv.DictReader(f))


def missing_columns(rows, columns, where):
    """None when the first row of a table has every column, else a message naming the missing ones."""
    missing = [c for c in columns if not rows or c not in rows[0]]
    return f"{where} has no column {', '.join(missing)}" if missing else None


def halving_reading(full_folder, halving_folder):
    """What the section reads from the two result folders (columns by name): the tables, each
    rank-1 cell, the sums of epochs_run and the halving folder's rungs. Returns (reading, None) or
    (None, what is missing)."""
    full_cells, full_runs = read_table(full_folder, "cells.csv"), read_table(full_folder, "runs.csv")
    cells, runs = read_table(halving_folder, "cells.csv"), read_table(halving_folder, "runs.csv")
    for rows, columns, where in ((full_cells, ("cell_id", "rank", "tied_with_best", "val_accuracy_mean"), "full cells.csv"),
                                 (full_runs, ("epochs_run",), "full runs.csv"),
                                 (cells, ("cell_id", "rank", "val_accuracy_mean", "test_accuracy_mean", "stopped_at_epoch"),
                                  "halving cells.csv"),
                                 (runs, ("cell_id", "epochs_run", "rung"), "halving runs.csv")):
        problem = missing_columns(rows, columns, where)
        if problem:
            return None, problem
    best = lambda rows: min(rows, key=lambda c: number(c["rank"]))
    finished = [c for c in cells if not c["stopped_at_epoch"].strip()]
    stopped = [c for c in cells if c["stopped_at_epoch"].strip()]
    rungs = {}
    for run in runs:
        rung = int(run["rung"])
        entry = rungs.setdefault(rung, {"runs": 0, "epochs": 0, "cells": set()})
        entry["runs"] += 1
        entry["epochs"] = max(entry["epochs"], int(run["epochs_run"]))
    for run in runs:  # a cell reached rung r when one of its runs reached r or later
        for rung in range(int(run["rung"]) + 1):
            rungs.setdefault(rung, {"runs": 0, "epochs": 0, "cells": set()})["cells"].add(run["cell_id"])
    return {"full_cells": full_cells, "cells": cells, "full_best": best(full_cells), "best": best(cells),
            "full_epochs": sum(int(r["epochs_run"]) for r in full_runs), "epochs": sum(int(r["epochs_run"]) for r in runs),
            "full_runs": len(full_runs), "runs": len(runs), "finished": finished, "stopped": stopped,
            "ranked_after": not (finished and stopped)
                            or max(number(c["rank"]) for c in finished) < min(number(c["rank"]) for c in stopped),
            "stopped_at": sorted({int(number(c["stopped_at_epoch"])) for c in stopped}),
            "rungs": [(r, rungs[r]["epochs"], len(rungs[r]["cells"]), rungs[r]["runs"]) for r in sorted(rungs)]}, None


def run_sklearn_halving(settings, jobs):
    """One run of bench/halving/sklearn_halving.py with the peers' Python on the reference grid, on
    runexp's rungs (--runexp-ladder: 3, 9 and 25 epochs; scikit-learn's own ladder would stop at 9,
    below max_resources): (measurement, its JSON)."""
    m = timed([PEERS_PYTHON, HALVING_SKLEARN, "--data", DATA, "--grid", json.dumps(settings["axes"]),
               "--min-resources", str(HALVING_MIN_EPOCHS), "--max-resources", str(settings["epochs"]),
               "--factor", str(HALVING_FACTOR), "--repetitions", str(settings["repetitions"]), "--test", str(settings["test"]),
               "--validation", str(settings["validation"]), "--seed", str(settings["seed"]), "--n-jobs", str(jobs),
               "--runexp-ladder"],
              keep_output=True)
    return m, json.loads(m.output.strip().splitlines()[-1])


def halving(binary, args):
    """Successive halving on experiments/wisconsin.yaml: the full grid against the same file with
    `strategy: halving` (wall, epochs trained, whether halving's best is among the full grid's
    best), --jobs 1 against 2, and scikit-learn's HalvingGridSearchCV on the same grid. Returns
    {"failed", "wall", "epochs", "tied", "identical", "sklearn", "sklearn_gap"} (None where not
    measured; "failed": why the section could not measure)."""
    settings = experiment_settings(REFERENCE)
    cells = 1
    for values in settings["axes"].values():
        cells *= len(values)
    ladder = halving_ladder(settings["epochs"], cells)
    full, halved = halving_experiments()
    result = {"failed": None, "wall": None, "epochs": None, "tied": None, "identical": None, "sklearn": None,
              "sklearn_gap": None, "picks_gap": None}
    sklearn_ok = args.peers and args.sklearn and peer_available("sklearn")
    print(f"== Successive halving: {os.path.relpath(REFERENCE, ROOT)} ({cells} cells x {settings['repetitions']} repetitions,"
          f" {settings['epochs']} epochs) against a copy with search.strategy.halving {{min_epochs: {HALVING_MIN_EPOCHS},"
          f" factor: {HALVING_FACTOR}}}")
    print(f"   rungs: {', '.join(f'{e} epochs x {n} cells' for e, n in ladder)}; runexp --jobs {args.jobs} --no-cache,"
          f" {args.repeat} back-to-back pairs (full, halving)"
          + ("; scikit-learn HalvingGridSearchCV once, mid-way" if sklearn_ok else ""))
    problem = halving_unsupported(binary, halved)
    if problem:
        result["failed"] = problem
        print(f"   FAILED: this runexp does not accept the halving copy {halved}")
        print(f"   {problem}")
        print("   (search.strategy.halving needs a runexp with successive halving; nothing else in this section was measured)")
        print()
        return result
    directory = os.path.join(WORK, "halving", "runs")
    shutil.rmtree(directory, ignore_errors=True)
    pairs, kept, repeats_identical, mlp = [], None, True, None
    for index in range(args.repeat):
        if sklearn_ok and index == args.repeat // 2:
            mlp = run_sklearn_halving(settings, args.jobs)
        out = os.path.join(directory, f"pair-{index}")
        full_run, full_folder = run_dir(binary, full, args.jobs, os.path.join(out, "full"), ["--no-cache"])
        halving_run, halving_folder = run_dir(binary, halved, args.jobs, os.path.join(out, "halving"), ["--no-cache"])
        pairs.append((full_run, halving_run))
        if kept is None:
            kept = (full_folder, halving_folder)
        else:
            repeats_identical = repeats_identical and same_folders(kept[1], halving_folder)
            shutil.rmtree(out, ignore_errors=True)
    _, one = run_dir(binary, halved, 1, os.path.join(directory, "jobs-1"), ["--no-cache"])
    _, two = run_dir(binary, halved, 2, os.path.join(directory, "jobs-2"), ["--no-cache"])
    result["identical"] = same_folders(one, two)
    reading, problem = halving_reading(*kept)
    if problem:
        result["failed"] = problem
        print(f"   FAILED: {problem} (the contract's result columns are missing; folders kept in {directory})")
        print()
        return result

    full_wall, halving_wall = median([f.wall for f, _ in pairs]), median([h.wall for _, h in pairs])
    result["wall"] = median([h.wall / f.wall for f, h in pairs])
    result["epochs"] = reading["epochs"] / reading["full_epochs"]
    best, full_best = reading["best"], reading["full_best"]
    by_id = {c["cell_id"]: c for c in reading["full_cells"]}
    twin = by_id.get(best["cell_id"])
    result["tied"] = None if twin is None else twin["tied_with_best"].strip().lower() == "true"
    axes = list(settings["axes"])
    describe = lambda cell: ", ".join(f"{k} {cell.get(k, '?')}" for k in axes)
    table(["", "full grid", "halving", "halving/full", "target"],
          [["median wall s", f"{full_wall:.3f}", f"{halving_wall:.3f}", f"{result['wall']:.2f}x (pairs)", "<= 0.45x"],
           ["median cpu s", f"{median([f.cpu for f, _ in pairs]):.2f}", f"{median([h.cpu for _, h in pairs]):.2f}", "", ""],
           ["runs", reading["full_runs"], reading["runs"], "", ""],
           ["epochs trained (sum epochs_run)", reading["full_epochs"], reading["epochs"], f"{result['epochs']:.3f}", "<= 0.35"],
           ["rank-1 val_accuracy_mean", f"{number(full_best['val_accuracy_mean']):.4f}", f"{number(best['val_accuracy_mean']):.4f}",
            "", ""],
           ["its test_accuracy_mean", f"{number(full_best.get('test_accuracy_mean')):.4f}",
            f"{number(best['test_accuracy_mean']):.4f}", "", ""]])
    print(f"   rank 1, full grid: {describe(full_best)} (cell_id {full_best['cell_id']})")
    print(f"   rank 1, halving:   {describe(best)} (cell_id {best['cell_id']})")
    tied_count = sum(c["tied_with_best"].strip().lower() == "true" for c in reading["full_cells"])
    if twin is None:
        print("   halving's rank-1 cell_id is not in the full grid's cells.csv: not judged")
    else:
        print(f"   in the full grid that cell has rank {twin['rank']}, tied_with_best {twin['tied_with_best']}"
              f" ({tied_count} of {len(reading['full_cells'])} full-grid cells are tied with its best: Welch test)")
    print(f"   halving rungs read from runs.csv (rung: most epochs_run, cells that reached it, runs that stopped there): "
          + "; ".join(f"{r}: {e} epochs, {n} cells, {k} runs" for r, e, n, k in reading["rungs"]))
    print(f"   cells.csv: {len(reading['finished'])} cells finished, {len(reading['stopped'])} stopped (stopped_at_epoch "
          f"{', '.join(str(e) for e in reading['stopped_at']) or '-'}); every finished cell ranked before every stopped one:"
          f" {reading['ranked_after']}")
    print(f"   halving folders of --jobs 1 and --jobs 2 identical (provenance and report aside): {result['identical']};"
          f" the {args.repeat} repeats' halving folders identical: {repeats_identical}")
    print(f"   walls: full {' '.join(f'{f.wall:.3f}' for f, _ in pairs)}; halving {' '.join(f'{h.wall:.3f}' for _, h in pairs)}")
    if mlp:
        m, info = mlp
        result["sklearn"] = m.wall / halving_wall
        result["sklearn_gap"] = number(best["val_accuracy_mean"]) - info["best_val_accuracy"]
        # Each tool's best on its own validation rows is a winner's curse apart from the other's: judge the two
        # picks on one measurement, the full grid's cells.csv (scikit-learn's pick without dropout, which it lacks).
        picked = {k: str(v) for k, v in info["best_params"].items() if k in axes and k != "dropout"}
        twins = [c for c in reading["full_cells"] if all(str(number(c[k])) == str(number(v)) if k in ("learning_rate",)
                                                         else c[k] == v for k, v in picked.items())
                 and number(c.get("dropout", "0")) == 0]
        if twins and twin is not None:
            theirs = twins[0]
            result["picks_gap"] = number(twin["val_accuracy_mean"]) - number(theirs["val_accuracy_mean"])
            print(f"   the two picks on one measurement, the full grid's cells.csv: runexp halving's rank {twin['rank']}"
                  f" (val {number(twin['val_accuracy_mean']):.4f}, test {number(twin['test_accuracy_mean']):.4f}); scikit-learn's"
                  f" (dropout 0) rank {theirs['rank']} (val {number(theirs['val_accuracy_mean']):.4f},"
                  f" test {number(theirs['test_accuracy_mean']):.4f})")
        iterations = lambda rungs: ", ".join(f"{n} x {e}" for n, e in rungs)
        print(f"-- against scikit-learn {info['sklearn']} HalvingGridSearchCV ({os.path.relpath(HALVING_SKLEARN, ROOT)},"
              f" n_jobs {info['n_jobs']}; runexp: the median above)")
        table(["tool", "wall s", "epochs trained", "rungs (cells x epochs)", "best mean val acc", "its test acc", "sklearn/runexp"],
              [["runexp halving (this build)", f"{halving_wall:.3f}", reading["epochs"],
                iterations([(n, e) for _, e, n, _ in reading["rungs"]]), f"{number(best['val_accuracy_mean']):.4f}",
                f"{number(best['test_accuracy_mean']):.4f}", "1.0x"],
               ["scikit-learn HalvingGridSearchCV", f"{m.wall:.2f}", info["epochs_trained"],
                iterations(zip(info["n_candidates"], info["epochs_per_iteration"])), f"{info['best_val_accuracy']:.4f}",
                f"{info['test_accuracy']:.4f}", f"{result['sklearn']:.0f}x"]])
        params = ", ".join(f"{k} {v}" for k, v in info["best_params"].items())
        print(f"   scikit-learn: wall = the whole process (import {info['import_seconds']:.2f} s, after it {info['wall_seconds']:.2f} s);"
              f" best {params}; {info['failed_fits']} of {info['fits']} fits failed (diverged)")
        print("   its model: MLPClassifier, sgd, constant learning rate, no momentum, alpha 0, balanced sample weights,")
        print("   features standardized per fit; NO DROPOUT (the axis is kept and ignored: 216 candidates, duplicates")
        print("   re-trained); every iteration trains from scratch (runexp continues survivors from their weights);")
        print(f"   run with --runexp-ladder, its iterations train runexp's rungs (its last {info['epochs_per_iteration'][-1]}"
              f" epochs); its validation rows (StratifiedShuffleSplit,")
        print(f"   {info['splits']} splits of the {info['rows']['dev']} non-test rows) are not runexp's; its test accuracy is"
              " the best candidate refit on all")
        print("   non-test rows, runexp's the rank-1 cell's test_accuracy_mean (models of the repetitions)")
    else:
        print("   (no scikit-learn row: " + ("--no-peers / --no-sklearn" if not (args.peers and args.sklearn) else
              "the peers' venv is missing; create it with bash ../shared/peers/setup_venv.sh") + ")")
    shutil.rmtree(directory, ignore_errors=True)
    print()
    return result


def halving_targets(result):
    """The halving section's lines of `== Targets`."""
    rows = [("halving/full wall (pairs)", "wall", lambda v: f"{v:.2f}x", lambda v: v <= 0.45, "target <= 0.45x"),
            ("halving/full epochs trained", "epochs", lambda v: f"{v:.3f}", lambda v: v <= 0.35, "target <= 0.35"),
            ("halving best tied in full grid", "tied", str, lambda v: v, "target True (tied_with_best)"),
            ("halving folder --jobs 1 = --jobs 2", "identical", str, lambda v: v, "target True"),
            ("halving, sklearn/runexp wall", "sklearn", lambda v: f"{v:.0f}x", lambda v: v >= 20, "target >= 20x"),
            ("halving best val acc, runexp-sklearn", "sklearn_gap", lambda v: f"{v:+.4f}", lambda v: v >= 0,
             "target >= 0 (each on its own rows)"),
            ("halving picks on the full grid, r-s", "picks_gap", lambda v: f"{v:+.4f}", lambda v: v >= 0,
             "target >= 0 (the two picks, one measurement)")]
    failed = (result.get("failed") or "").split(";", 1)[0]
    failed = failed if len(failed) <= 90 else failed[:87] + "..."
    for label, key, shown, met, target in rows:
        value = result.get(key)
        if failed and value is None:
            print(f"   {label:<36} {'FAILED':>8}   {target}: NOT met, {failed}")
            continue
        verdict = "not measured" if value is None else ("met" if met(value) else "NOT met")
        print(f"   {label:<36} {'-' if value is None else shown(value):>8}   {target}: {verdict}")


# ---------------------------------------------------------------- big tables

# (rows, numeric features): the two machine-generated tables, each plus a `label` column.
TABLES_FILES = ((2_000_000, 10), (200_000, 50))
TABLES_DEBUG_TARGET = (200_000, 50)  # the file the debug/release load target is judged on
TABLES_PANDAS = os.path.join(ROOT, "bench", "tables", "pandas_load.py")
TABLES_RSS_FACTOR, TABLES_RSS_EXTRA_MB = 1.5, 60
TABLES_ROUND_BUDGET = 60  # seconds: a first round slower than this leaves that file at one run per tool
TABLES_CHUNK = 10_000  # rows per write

TABLES_TEMPLATE = """name: {name}
seed: 7
data:
  file: {data}
  target: label
  split:
    test: 0.2
    validation: 0.2
model:
  - dense: {{units: 4, activation: relu}}
  - dense: {{units: classes, activation: softmax}}
training:
  epochs: 1
  batch_size: 1024
  optimizer: adam
search:
  repetitions: 1
  objective: {{metric: val_accuracy, goal: maximize}}
"""


def tables_name(rows, cols):
    """2M x 10, 200k x 50."""
    short = f"{rows // 10**6}M" if rows % 10**6 == 0 else f"{rows // 1000}k" if rows % 1000 == 0 else str(rows)
    return f"{short} x {cols}"


def count_lines(path):
    lines = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 24)
            if not chunk:
                return lines
            lines += chunk.count(b"\n")


def tables_data(rows, cols):
    """`rows` x `cols` Gaussian features f0..f{cols-1} (random.Random(rows).gauss(0, 1), 6 decimals)
    plus `label` = row % 2, written under WORK/tables once: the same file on every machine. A file
    is reused when its side file (.json: rows, cols, seed, bytes) matches, its size is the recorded
    one and it has rows + 1 lines. Returns (path, seconds spent generating; None when reused)."""
    path = os.path.join(WORK, "tables", f"tables-{rows}x{cols}-v1.csv")
    expected = {"rows": rows, "cols": cols, "seed": rows, "format": "%.6f, label row % 2"}
    try:
        with open(path + ".json") as f:
            recorded = json.load(f)
        if ({k: recorded.get(k) for k in expected} == expected and os.path.getsize(path) == recorded.get("bytes")
                and count_lines(path) == rows + 1):
            return path, None
    except (OSError, ValueError):
        pass
    start = time.perf_counter()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    gauss = random.Random(rows).gauss
    features = "%.6f," * cols
    with open(path + ".tmp", "w") as f:
        f.write(",".join([f"f{j}" for j in range(cols)] + ["label"]) + "\n")
        for first in range(0, rows, TABLES_CHUNK):
            f.write("".join([features % tuple([gauss(0.0, 1.0) for _ in range(cols)]) + ("1\n" if row % 2 else "0\n")
                             for row in range(first, min(first + TABLES_CHUNK, rows))]))
    os.replace(path + ".tmp", path)
    with open(path + ".json", "w") as f:
        json.dump(dict(expected, bytes=os.path.getsize(path)), f)
    return path, time.perf_counter() - start


def tables_experiment(data, rows, cols):
    name = f"tables-{rows}x{cols}"
    path = os.path.join(WORK, "tables", f"{name}.yaml")
    with open(path, "w") as f:
        f.write(TABLES_TEMPLATE.format(name=name, data=json.dumps(data)))
    return path


def run_pandas_load(data):
    """One bench/tables/pandas_load.py run in the peers' Python: (measurement, its JSON line)."""
    m = timed([PEERS_PYTHON, TABLES_PANDAS, data], keep_output=True)
    return m, json.loads(m.output.strip().splitlines()[-1])


def tables_debug_binary(args):
    """The debug runexp to compare loads with: --runexp-debug, else ROOT/.build/debug/runexp when it
    exists (None: no debug rows)."""
    if args.runexp_debug:
        path = os.path.abspath(args.runexp_debug)
        if not os.access(path, os.X_OK):
            sys.exit(f"bench: --runexp-debug {args.runexp_debug}: no executable there")
        return path
    path = os.path.join(ROOT, ".build", "debug", "runexp")
    return path if os.access(path, os.X_OK) else None


def built(path):
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(path)))


def runexp_failure(m):
    """The first `error:` line of a failed runexp (or its last line): (in full, shortened to its first
    clause for the Targets lines)."""
    lines = [l.strip() for l in (m.stderr or "").splitlines() if l.strip()]
    line = next((l for l in lines if "error:" in l), lines[-1] if lines else "")
    line = line.split("error:", 1)[1].strip() if "error:" in line else line
    short = line.split(";", 1)[0]
    short = short if len(short) <= 90 else short[:87] + "..."
    return f"exit {m.returncode}: {line}", f"exit {m.returncode}: {short}"


def tables_run(binary, experiment):
    """One `runexp run EXPERIMENT --out TMP --quiet --jobs 2` that may fail: (measurement, its runs.csv
    rows, or None when it failed)."""
    out = tempfile.mkdtemp(prefix="results-", dir=WORK)
    try:
        m = timed([binary, "run", experiment, "--out", out, "--quiet", "--jobs", "2"], check=False)
        if m.returncode != 0:
            return m, None
        names = [n for n in os.listdir(out) if not n.startswith(".")]
        with open(os.path.join(out, names[0], "latest", "runs.csv"), newline="") as f:
            return m, list(csv.DictReader(f))
    finally:
        shutil.rmtree(out, ignore_errors=True)


def tables(binary, args):
    """Big tables: loading (`runexp plan --no-estimate`: parse + checks + split) against
    pandas.read_csv of the same file, debug against release, and runexp's peak RSS while training
    one small cell, for each of TABLES_FILES. A runexp that fails on a file (e.g. a size limit) is
    reported, not fatal. Returns {(rows, cols): {"vs_read_csv", "vs_process", "debug_ratio",
    "peak_kb", "budget_kb", "failed"}} (None where not measured)."""
    repeat = max(1, args.repeat // 3)
    debug = tables_debug_binary(args)
    pandas_ok = args.peers and peer_available("pandas")
    where = lambda path: os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path
    print(f"== Big tables: {', '.join(f'{tables_name(r, c)} ({r:,} rows x {c} features + label)' for r, c in TABLES_FILES)},"
          f" seeded Gaussian CSVs in {WORK}/tables")
    print(f"   load = runexp plan FILE.yaml --no-estimate (CSV parse + checks + split + printing the plan), the whole"
          f" process; median of {repeat} rounds per file,")
    print("   each round " + " then ".join(["release"] + (["debug"] if debug else []) + (["pandas"] if pandas_ok else [])) +
          " (so that foreign load hits them alike); the file is in the page cache for all of them")
    print(f"   release: {where(binary)} (built {built(binary)}); " +
          (f"debug: {where(debug)} (built {built(debug)})" if debug else
           "debug: none (no .build/debug/runexp; --runexp-debug PATH)"))
    began = time.perf_counter()
    results, rows_out, rss_rows, notes, rss_notes = {}, [], [], [], []
    for rows, cols in TABLES_FILES:
        name = tables_name(rows, cols)
        data, made = tables_data(rows, cols)
        experiment = tables_experiment(data, rows, cols)
        notes.append(f"   {name}: {os.path.basename(data)}, {os.path.getsize(data) / 2**20:.1f} MB, " +
                     (f"generated in {made:.1f} s" if made is not None else "reused (size and row count checked)"))
        result = {"vs_read_csv": None, "vs_process": None, "debug_ratio": None, "peak_kb": None, "budget_kb": None,
                  "failed": {}}
        plans, debugs, loads = [], [], []
        tools = [("release", binary, plans)] + ([("debug", debug, debugs)] if debug else [])
        rounds, i = repeat, 0
        while i < rounds:
            start = time.perf_counter()
            for label, program, measured in tools:
                if label in result["failed"]:
                    continue  # a failure repeats identically: once is enough
                m = timed([program, "plan", experiment, "--no-estimate"], check=False)
                if m.returncode != 0:
                    result["failed"][label] = runexp_failure(m)
                else:
                    measured.append(m)
            if pandas_ok:
                loads.append(run_pandas_load(data))
            spent = time.perf_counter() - start
            if i == 0 and rounds > 1 and spent > TABLES_ROUND_BUDGET:
                rounds = 1
                notes.append(f"   {name}: ONE round only (not {repeat}): the first took {spent:.0f} s > {TABLES_ROUND_BUDGET} s")
            i += 1
        spread = lambda walls: [f"{median(walls):.3f}", f"{min(walls):.3f}", f"{max(walls):.3f}"]
        wall = median([m.wall for m in plans]) if plans else None
        vs = lambda other: f"{wall / other:.2f}x" if wall is not None else "-"
        for label, _, measured in tools:
            if label in result["failed"]:
                rows_out.append([f"{name}: runexp plan, {label}", "FAILED", "-", "-", "-", "-", "-"])
                notes.append(f"   {name}: runexp plan ({label}) FAILED, {result['failed'][label][0]}")
            else:
                rows_out.append([f"{name}: runexp plan, {label}", len(measured), *spread([m.wall for m in measured]),
                                 mb(max(m.peak_kb for m in measured)), vs(median([m.wall for m in measured]))])
        if debugs and wall is not None:
            result["debug_ratio"] = median([m.wall for m in debugs]) / wall
            notes.append(f"   {name}: debug/release load = {result['debug_ratio']:.2f}x"
                         + (" (target <= 2x)" if (rows, cols) == TABLES_DEBUG_TARGET else " (no target on this file)"))
        if loads:
            info = loads[0][1]
            if (info["rows"], info["cols"]) != (rows, cols + 1):
                sys.exit(f"bench: pandas read {info['rows']} x {info['cols']} from {data}, expected {rows} x {cols + 1}")
            pwall = median([m.wall for m, _ in loads])
            pread = median([j["seconds"] for _, j in loads])
            if wall is not None:
                result["vs_process"], result["vs_read_csv"] = wall / pwall, wall / pread
            rows_out.append([f"{name}: pandas {info['pandas']}, whole process", len(loads), *spread([m.wall for m, _ in loads]),
                             mb(max(m.peak_kb for m, _ in loads)), vs(pwall)])
            rows_out.append([f"{name}: pandas.read_csv alone (own clock)", len(loads), *spread([j["seconds"] for _, j in loads]),
                             "-", vs(pread)])
            notes.append(f"   {name}: pandas import {median([j['import_seconds'] for _, j in loads]):.3f} s (median)")

        # -- peak RSS while training the one cell
        matrix_kb = rows * cols * 4 / 1024
        budget_kb = TABLES_RSS_FACTOR * matrix_kb + TABLES_RSS_EXTRA_MB * 1024
        result["budget_kb"] = budget_kb
        m, runs = tables_run(binary, experiment)
        if runs is None:
            result["failed"]["run"] = runexp_failure(m)
            rss_rows.append([name, mb(matrix_kb), mb(budget_kb), "FAILED", "-", "-", f"{m.wall:.3f}", "-", "NOT met"])
            rss_notes.append(f"   {name}: runexp run FAILED, {result['failed']['run'][0]}")
        else:
            result["peak_kb"] = m.peak_kb
            rss_rows.append([name, mb(matrix_kb), mb(budget_kb), mb(m.peak_kb), f"{m.peak_kb / matrix_kb:.2f}",
                             f"{m.peak_kb / budget_kb:.2f}", f"{m.wall:.3f}",
                             f"{number(runs[0]['val_accuracy']):.4f}" if runs else "-",
                             "met" if m.peak_kb <= budget_kb else "NOT met"])
        results[(rows, cols)] = result
    table(["file: load", "runs", "median s", "min", "max", "peak MB", "runexp/this"], rows_out)
    for note in notes:
        print(note)
    if not pandas_ok:
        print("   (no pandas rows: " + ("--no-peers" if not args.peers else
              "the peers' venv has no pandas; create it with bash ../shared/peers/setup_venv.sh") + ")")
    print("   runexp/this = runexp release's median load wall / this row's median (<= 1.00x: runexp at least as fast);")
    print("   pandas.read_csv alone = read_csv(path), default options (C parser, float64 columns), timed inside its")
    print("   process by bench/tables/pandas_load.py: no interpreter start-up, no import; runexp's wall has its")
    print("   start-up, the YAML, the checks, the split and the printed plan in it")
    print("-- peak RSS while training: runexp run --jobs 2 --quiet, 1 cell x 1 repetition (dense 4 relu, dense classes"
          " softmax; 1 epoch, batch 1024, adam; split test 0.2, validation 0.2)")
    table(["file", "float32 matrix MB", "budget MB", "peak MB", "peak/matrix", "peak/budget", "wall s", "val acc",
           "peak <= budget"], rss_rows)
    print(f"   budget = {TABLES_RSS_FACTOR} x the float32 feature matrix (rows x features x 4 bytes) + {TABLES_RSS_EXTRA_MB} MB;"
          " MB = 2^20 bytes; peak = Maximum resident set size (/usr/bin/time -v)")
    for note in rss_notes:
        print(note)
    print(f"   (this section: {time.perf_counter() - began:.0f} s)")
    print()
    return results


def tables_targets(results):
    """The tables section's lines of `== Targets`: load vs pandas and peak RSS for each file, and the
    debug/release load ratio on TABLES_DEBUG_TARGET."""
    for rows, cols in TABLES_FILES:
        name = tables_name(rows, cols)
        r = results.get((rows, cols))
        failed = r["failed"] if r else {}
        label = f"tables {name}, load/read_csv"
        if "release" in failed:
            print(f"   {label:<36} {'FAILED':>8}   target <= 1x (runexp <= pandas.read_csv): NOT met, runexp plan {failed['release'][1]}")
        elif r is None or r["vs_read_csv"] is None:
            print(f"   {label:<36} {'-':>8}   target <= 1x (runexp <= pandas.read_csv): not measured")
        else:
            print(f"   {label:<36} {r['vs_read_csv']:>7.2f}x   target <= 1x (runexp <= pandas.read_csv; over the whole pandas"
                  f" process {r['vs_process']:.2f}x): {'met' if r['vs_read_csv'] <= 1 else 'NOT met'}")
        label = f"tables {name}, peak RSS training"
        budget = TABLES_RSS_FACTOR * rows * cols * 4 / 2**20 + TABLES_RSS_EXTRA_MB
        target = f"target <= {budget:.0f} MB ({TABLES_RSS_FACTOR} x float32 matrix + {TABLES_RSS_EXTRA_MB} MB)"
        if "run" in failed:
            print(f"   {label:<36} {'FAILED':>8}   {target}: NOT met, runexp run {failed['run'][1]}")
        elif r is None or r["peak_kb"] is None:
            print(f"   {label:<36} {'-':>8}   {target}: not measured")
        else:
            print(f"   {label:<36} {r['peak_kb'] / 1024:>6.1f}MB   {target}: {'met' if r['peak_kb'] <= r['budget_kb'] else 'NOT met'}")
    rows, cols = TABLES_DEBUG_TARGET
    r = results.get((rows, cols))
    failed = r["failed"] if r else {}
    label = f"tables {tables_name(rows, cols)}, load debug/release"
    if "debug" in failed or "release" in failed:
        which = "debug" if "debug" in failed else "release"
        print(f"   {label:<36} {'FAILED':>8}   target <= 2x: NOT met, runexp plan ({which}) {failed[which][1]}")
    elif r is None or r["debug_ratio"] is None:
        print(f"   {label:<36} {'-':>8}   target <= 2x: not measured" + ("" if r is None else " (no debug binary)"))
    else:
        print(f"   {label:<36} {r['debug_ratio']:>7.2f}x   target <= 2x: {'met' if r['debug_ratio'] <= 2 else 'NOT met'}")


def digits_targets(result):
    """The digits section's lines of the targets table (issue 18)."""
    rows = [("digits best cell, mean val accuracy", result["accuracy"], lambda v: f"{v:.4f}", lambda v: v >= 0.97, "target >= 0.97"),
            ("digits grid, batch_norm / without", result["bn"], lambda v: f"{v:.2f}x", lambda v: v <= 1.3, "target <= 1.3x"),
            ("digits grid, PyTorch / runexp wall", result["torch"], lambda v: f"{v:.0f}x", lambda v: v >= 30, "target >= 30x"),
            ("digits best val accuracy, runexp - PyTorch", result["torch_gap"], lambda v: f"{v:+.4f}", lambda v: abs(v) <= 0.01,
             "target within 0.01")]
    for label, value, shown, met, target in rows:
        verdict = "not measured" if value is None else ("met" if met(value) else "NOT met")
        print(f"   {label:<36} {'-' if value is None else shown(value):>8}   {target}: {verdict}")


def kernel_code_path():
    """The path runexp selects here (see KernelCodePath.swift): avx2-fma when the CPU flags have avx2
    and fma, unless RUNEXP_KERNEL=simd8 forces the portable one. Read from the CPU and environment, not
    from the binary: older builds (without that C target) always run simd8."""
    forced = os.environ.get("RUNEXP_KERNEL")
    if forced == "simd8":
        return "simd8 (forced by RUNEXP_KERNEL=simd8)"
    try:
        flags = next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), [])
    except OSError:
        flags = []
    if platform.machine() in ("x86_64", "AMD64") and "avx2" in flags and "fma" in flags:
        instructions = "avx512f" if "avx512f" in flags and forced != "avx2" else "avx2"
        return (f"avx2-fma, products on {instructions} (same bits either way; RUNEXP_KERNEL=avx2 keeps AVX2, "
                "RUNEXP_KERNEL=simd8 forces the portable simd8)")
    return "simd8 (this CPU has no AVX2+FMA)"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runexp", required=True, help="the release runexp binary")
    p.add_argument("--repeat", type=int, default=9, help="runexp runs per measurement (median reported)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="runexp --jobs for the grid (default: cores)")
    p.add_argument("--no-peers", dest="peers", action="store_false", help="skip every peer tool")
    p.add_argument("--no-sklearn", dest="sklearn", action="store_false", help="skip scikit-learn (~70 s)")
    p.add_argument("--no-torch", dest="torch", action="store_false", help="skip PyTorch")
    p.add_argument("--torch-limit", type=int, default=54,
                   help="PyTorch configs to time, extrapolated to 216 (default 54; 216 = the full ~130 s grid)")
    p.add_argument("--no-scaling", dest="scaling", action="store_false", help="skip the scaling tables")
    p.add_argument("--no-large", dest="large", action="store_false",
                   help="skip the large-layer section (2 x 256 relu on 20,000 rows vs NumPy/OpenBLAS, ~1 min)")
    p.add_argument("--no-diabetes", dest="diabetes", action="store_false",
                   help="skip the diabetes regression section (6+ runexp grids, scikit-learn MLPRegressor ~50 s)")
    p.add_argument("--no-cache-section", dest="cache", action="store_false",
                   help="skip the run-cache section (cold cache cost, a grown grid, diff on a fresh clone; ~1 min)")
    p.add_argument("--no-digits", dest="digits", action="store_false",
                   help="skip the digits section (batch_norm's cost; PyTorch on the same grid ~2 min)")
    p.add_argument("--no-halving", dest="halving", action="store_false",
                   help="skip the successive-halving section (the reference grid with and without search.strategy.halving,"
                        " scikit-learn HalvingGridSearchCV ~25 s)")
    p.add_argument("--no-tables", dest="tables", action="store_false",
                   help="skip the big-tables section (2,000,000 x 10 and 200,000 x 50 CSVs: load vs pandas, peak RSS;"
                        " ~30 s more the first time, to write the CSVs)")
    p.add_argument("--runexp-debug", metavar="PATH",
                   help="the debug runexp for the tables section's debug/release load ratio"
                        " (default: .build/debug/runexp when it exists)")
    p.add_argument("--only", metavar="SECTIONS",
                   help="run only these comma-separated sections: grid, scaling, large, full, diabetes, digits, cache, halving, tables "
                        "(e.g. --only large; the --no-* flags still apply inside them)")
    args = p.parse_args()
    sections = {"grid", "scaling", "large", "full", "diabetes", "digits", "cache", "halving", "tables"}
    if args.only:
        chosen = {x.strip() for x in args.only.split(",") if x.strip()}
        if not chosen or chosen - sections:
            p.error(f"--only: sections are {', '.join(sorted(sections))}")
        sections = chosen
    if not args.scaling:
        sections.discard("scaling")
    if not args.large:
        sections.discard("large")
    if not args.diabetes:
        sections.discard("diabetes")
    if not args.digits:
        sections.discard("digits")
    if not args.cache:
        sections.discard("cache")
    if not args.halving:
        sections.discard("halving")
    if not args.tables:
        sections.discard("tables")
    os.makedirs(WORK, exist_ok=True)
    binary = os.path.abspath(args.runexp)
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
    print(f"runexp benchmark  {time.strftime('%Y-%m-%d %H:%M:%S %Z')}  commit {commit}  {cpu}, {os.cpu_count()} cores")
    print(f"kernel code path that runexp builds with Sources/CRunexpKernelAVX2 select here: {kernel_code_path()}")
    print(f"load average at start: {loadavg()} (a shared machine: every time below includes its noise)")
    print()
    ratios, large, full_wall, full_peak = {}, {"wall": None, "train": None, "gelu": None}, None, None
    medians, jobs_speedup, jobs_ceiling = {}, None, None
    regression = {"runexp_r2": None, "linear_r2": None, "paired_r2": None, "ratio": None}
    big_tables = {}
    digit = {"accuracy": None, "bn": None, "torch": None, "torch_gap": None}
    cached = {}
    halved = {}
    if "grid" in sections:
        _, ratios, medians = reference_grid(binary, args)
    if "scaling" in sections:
        jobs_speedup, jobs_ceiling = scaling(binary, args)
    if "large" in sections:
        large = large_layer(binary, args)
    if "full" in sections:
        full_wall, full_peak = full_reference(binary, args)
    if "diabetes" in sections:
        regression = diabetes(binary, args)
    if "digits" in sections:
        digit = digits(binary, args)
    if "cache" in sections:
        cached = cache(binary, args)
    if "halving" in sections:
        halved = halving(binary, args)
    if "tables" in sections:
        big_tables = tables(binary, args)
    print("== Targets (ratios from this run)")
    checks = [("reference grid vs NumPy", ratios.get("numpy"), 30, "x"),
              ("reference grid vs PyTorch", ratios.get("torch"), 300, "x")]
    for label, value, target, unit in checks:
        verdict = "not measured" if value is None else ("met" if value >= target else "NOT met")
        shown = "-" if value is None else f"{value:.0f}{unit}"
        print(f"   {label:<36} {shown:>8}   target >= {target}{unit}: {verdict}")
    if "runexp" in medians and "numpy" in medians:
        gap = abs(medians["runexp"] - medians["numpy"])
        print(f"   {'median val accuracy, runexp - NumPy':<36} {medians['runexp'] - medians['numpy']:>+8.4f}   "
              f"target within 0.01 of NumPy's {medians['numpy']:.4f}: {'met' if gap <= 0.01 else 'NOT met'}")
    else:
        print(f"   {'median val accuracy, runexp - NumPy':<36} {'-':>8}   target within 0.01: not measured")
    shown = "-" if jobs_speedup is None else f"{jobs_speedup:.2f}x"
    verdict = "not measured" if jobs_speedup is None else ("met" if jobs_speedup >= 1.8 else "NOT met")
    ceiling = "" if jobs_ceiling is None else f" (two --jobs 1 processes side by side: {jobs_ceiling:.2f}x)"
    print(f"   {'--jobs 2 over --jobs 1 (grid)':<36} {shown:>8}   target >= 1.8x: {verdict}{ceiling}")
    # The large layer: runexp's time over NumPy's (1 OpenBLAS thread); lower is better.
    for label, value in (("large layer, runexp/NumPy 1 thr, wall", large["wall"]),
                         ("large layer, same, training only (~)", large["train"])):
        verdict = "not measured" if value is None else ("met" if value <= 1.5 else "NOT met")
        shown = "-" if value is None else f"{value:.2f}x"
        print(f"   {label:<36} {shown:>8}   target: runexp <= 1.5 x NumPy (1 thread): {verdict}")
    gelu = large.get("gelu")
    shown = "-" if gelu is None else f"{gelu:.2f}x"
    verdict = "not measured" if gelu is None else ("met" if gelu <= 1.2 else "NOT met")
    print(f"   {'large layer, gelu/relu wall (pairs)':<36} {shown:>8}   target <= 1.2x (issue 18): {verdict}")
    if full_wall is None:
        print(f"   {'full reference, --jobs 2, wall':<36} {'-':>8}   target < 1.5 s: not measured")
        print(f"   {'full reference, peak RSS':<36} {'-':>8}   target < 64 MB: not measured")
    else:
        print(f"   {'full reference, --jobs 2, wall':<36} {full_wall:>7.3f}s   target < 1.5 s: {'met' if full_wall < 1.5 else 'NOT met'}")
        print(f"   {'full reference, peak RSS':<36} {full_peak / 1024:>6.1f}MB   target < 64 MB: {'met' if full_peak < 64 * 1024 else 'NOT met'}")
    if regression["runexp_r2"] is None or regression["linear_r2"] is None:
        print(f"   {'diabetes test R^2, runexp - LinReg':<36} {'-':>8}   target >= 0 (runexp >= LinearRegression): not measured")
    else:
        gap = regression["runexp_r2"] - regression["linear_r2"]
        print(f"   {'diabetes test R^2, runexp - LinReg':<36} {gap:>+8.4f}   target >= 0 (runexp {regression['runexp_r2']:.4f},"
              f" LinearRegression {regression['linear_r2']:.4f}): {'met' if gap >= 0 else 'NOT met'}")
    if regression.get("paired_r2") is not None:
        gap = regression["runexp_r2"] - regression["paired_r2"]
        print(f"   {'  same, paired on runexp splits':<36} {gap:>+8.4f}   target >= 0 (LinearRegression {regression['paired_r2']:.4f}):"
              f" {'met' if gap >= 0 else 'NOT met'}")
    shown = "-" if regression["ratio"] is None else f"{regression['ratio']:.0f}x"
    print(f"   {'diabetes grid, MLPRegressor/runexp':<36} {shown:>8}   (wall time; no target)")
    digits_targets(digit)
    cache_targets(cached)
    halving_targets(halved)
    tables_targets(big_tables)
    print(f"load average at end: {loadavg()}")


if __name__ == "__main__":
    main()
