#!/usr/bin/env bash
# A/B timing of two kernel-micro builds on one shape, alternating to share the machine's noise.
#   bench/micro/ab.sh BIN_A BIN_B "UNITS BATCH RATE ACT" [ROUNDS]
set -eu
A=$1 B=$2 SHAPE=$3 ROUNDS=${4:-5}
best() { sort -n | head -1; }
a=() b=()
for _ in $(seq "$ROUNDS"); do
    a+=("$("$A" one $SHAPE)"); b+=("$("$B" one $SHAPE)")
done
echo "$SHAPE  A=$(printf '%s\n' "${a[@]}" | best)  B=$(printf '%s\n' "${b[@]}" | best) ns/step"
