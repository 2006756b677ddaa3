#!/usr/bin/env bash
# The runexp benchmark: builds runexp (release, Swift runtime linked in, scratch .build-bench) and, in one run, times it on the
# peers' reference grid next to NumPy / scikit-learn / PyTorch (when their venv has them), a scaling
# series (rows, hidden units, --jobs), a large layer against NumPy/OpenBLAS, the full reference
# experiment, the diabetes regression (vs scikit-learn LinearRegression / MLPRegressor) and big-table
# loading (vs pandas.read_csv, with peak memory), then the
# issue's targets as met / NOT met. Not a test; prints tables.
#
#   bash bench/run.sh [--repeat 9] [--no-peers] [--no-sklearn] [--no-torch] [--torch-limit 54] [--no-scaling]
#                     [--no-large] [--no-diabetes] [--no-tables] [--only grid,scaling,large,full,diabetes,tables]
#
# Peers' venv: bash ../shared/peers/setup_venv.sh (WITH_TORCH=1 for the PyTorch row) creates
# /tmp/runexp-peers/venv; override with RUNEXP_PEERS_PYTHON / RUNEXP_PEERS. Scratch: /tmp/runexp-bench.
# The report is also written to $RUNEXP_BENCH_DIR/report.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
for argument in "$@"; do
    case "$argument" in -h|--help) exec python3 bench/bench.py --runexp - --help ;; esac
done
if [ ! -x /usr/bin/time ]; then
    echo "bench: /usr/bin/time is missing; installing the 'time' package" >&2
    apt-get install -y -q time >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; }
fi
# The binary one copies to a cluster: the Swift runtime linked in (no Swift needed on the nodes), which
# also saves every process ~7 ms of dynamic linking at start-up.
swift build -c release --static-swift-stdlib --scratch-path .build-bench --product runexp >&2
mkdir -p "${RUNEXP_BENCH_DIR:-/tmp/runexp-bench}"
python3 bench/bench.py --runexp .build-bench/release/runexp "$@" | tee "${RUNEXP_BENCH_DIR:-/tmp/runexp-bench}/report.txt"
