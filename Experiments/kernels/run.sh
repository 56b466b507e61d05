#!/usr/bin/env bash
# Kernel benchmarks for notebooks-md/kernels.md: every variant kind per format, decode from memory, prefill.
# usage: Experiments/kernels/run.sh   (about 10-20 minutes on 2 cores; writes JSON to Experiments/kernels/results/)
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product quantlab >&2
Q=.build/release/quantlab
R=Experiments/kernels/results; mkdir -p "$R"
# 1. Every variant of each format, decode and prefill, on an in-cache Llama-sized matrix.
$Q bench --format q4_0,q8_0,q4_K --shape 4096x4096 --n 1,512 --threads 1,2 --variant all --json > "$R/kinds.json"
# 2. Decode from memory: 16384 x 16384 weights, far larger than the 32 MiB L3.
$Q bench --format q4_0,q8_0,q4_K --shape 16384x16384 --n 1 --threads 1,2 --variant best --json > "$R/decode-memory.json"
# 3. Prefill at ggml's reference shape: 4096 x 14336 weights, 512 columns.
$Q bench --format q4_0,q8_0,q4_K --shape 4096x14336 --n 512 --threads 1,2 --variant best --min-seconds 2 --json > "$R/prefill.json"
# 4. The default bench (both models' shapes), for the record.
$Q bench --json > "$R/default.json"
python3 Experiments/kernels/render.py "$R" notebooks-md
