#!/usr/bin/env bash
# Side-by-side check: `quantlab quantize` against `llama-quantize --pure` on SmolLM2-135M (F32), every weight type.
# Needs llama.cpp's tools from ../shared/tools/llama-anchor.sh (a development measuring stick, not a dependency).
# usage: Experiments/llama-quantize-parity/run.sh [ANCHOR_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
A=${1:-${ANCHOR_DIR:-$HOME/.cache/llama-anchor}}
[[ -x $A/bin/llama-quantize && -f $A/model/smollm2-F32.gguf ]] || { echo "run ../shared/tools/llama-anchor.sh first (llama.cpp tools in $A)" >&2; exit 1; }
swift build -c release --product quantlab >&2
out=$(mktemp -d)
for t in q4_0 q4_1 q5_0 q8_0 q4_K q6_K; do
  case $t in q4_K) T=Q4_K_S ;; *) T=$(echo "$t" | tr a-z A-Z) ;; esac
  "$A/bin/llama-quantize" --pure "$A/model/smollm2-F32.gguf" "$out/llama-$t.gguf" "$T" >/dev/null 2>&1
  .build/release/quantlab quantize "$A/model/smollm2-F32.gguf" "$out/ours-$t.gguf" --type "$t" >/dev/null 2>&1
  printf '%-5s ' "$t"
  python3 Experiments/llama-quantize-parity/compare.py .build/release/quantlab "$out/ours-$t.gguf" "$out/llama-$t.gguf" | tail -1 | tr -d '\n'
  cmp -s "$out/ours-$t.gguf" "$out/llama-$t.gguf" && echo "; whole file identical" || echo "; files differ outside tensor data"
done
rm -rf "$out"
