#!/usr/bin/env bash
# Builds the kernel micro-benchmark (bench/micro/main.swift + Sources/RunexpKernel, one module) to /tmp.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-/tmp/runexp-bench/kernel-micro}
mkdir -p "$(dirname "$OUT")"
find "$ROOT/Sources/RunexpKernel" -name '*.swift' -print0 | sort -z \
    | xargs -0 swiftc -O -wmo -module-name KernelMicro "$ROOT/bench/micro/main.swift" -o "$OUT"
echo "$OUT"
