#!/usr/bin/env bash
# Builds the kernel micro-benchmark (bench/micro/main.swift + Sources/RunexpKernel, one module, linked
# with the C products of Sources/CRunexpKernelAVX2) to /tmp. The binary picks its kernel code path as
# runexp does: avx2-fma where the CPU has it, unless RUNEXP_KERNEL=simd8.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-/tmp/runexp-bench/kernel-micro}
C="$ROOT/Sources/CRunexpKernelAVX2"
mkdir -p "$(dirname "$OUT")"
clang -O2 -c "$C/AVX2Products.c" -I "$C/include" -o "$OUT.avx2.o"
find "$ROOT/Sources/RunexpKernel" -name '*.swift' -print0 | sort -z \
    | xargs -0 swiftc -O -wmo -module-name KernelMicro -I "$C/include" "$OUT.avx2.o" "$ROOT/bench/micro/main.swift" -o "$OUT"
echo "$OUT"
