#!/usr/bin/env bash
# quantlab check on this machine, and each format's own quantization error beside its kernels' error:
# writes results/check.json, results/format-error.json and prints the notebook tables (render.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=Experiments/accuracy/results
mkdir -p "$OUT"
swift build -c release --product quantlab >&2
Q=.build/release/quantlab
$Q check --json > "$OUT/check.json" || echo "check reported failures (see $OUT/check.json)" >&2
# The format's own error: f64 product with the quantized weights against the same product with the f32 weights,
# on the check's Gaussian data at the largest edge shape.
echo "[" > "$OUT/format-error.json"
first=1
for t in q4_0 q4_1 q5_0 q8_0 q4_K q6_K f16; do
  [ $first = 1 ] || echo "," >> "$OUT/format-error.json"; first=0
  $Q matmul --type $t --shape 512x4096 --n 1 --data gauss --json >> "$OUT/format-error.json"
done
echo "]" >> "$OUT/format-error.json"
python3 Experiments/accuracy/render.py "$OUT"
