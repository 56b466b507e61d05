#!/usr/bin/env bash
# Side-by-side check of `quantlab quantize` against `llama-quantize` on SmolLM2-135M:
#  1. --type T against `llama-quantize --pure`, from the F32 model, every weight type;
#  2. --mix M against `llama-quantize` (llama.cpp's default mixes, no imatrix), from the shipped Q4_1 model
#     requantized (--allow-requantize), every mix the lab offers. Q4_K_S needs q5_K/q5_1 on SmolLM2, which the lab
#     does not write: quantlab refuses it, and the row says so.
# Needs llama.cpp's tools from ../shared/tools/llama-anchor.sh (a development measuring stick, not a dependency).
# usage: Experiments/llama-quantize-parity/run.sh [ANCHOR_DIR]   (QUANTLAB=path/to/quantlab skips the build)
set -euo pipefail
cd "$(dirname "$0")/../.."
A=${1:-${ANCHOR_DIR:-$HOME/.cache/llama-anchor}}
[[ -x $A/bin/llama-quantize && -f $A/model/smollm2-F32.gguf ]] || { echo "run ../shared/tools/llama-anchor.sh first (llama.cpp tools in $A)" >&2; exit 1; }
if [[ -n ${QUANTLAB:-} ]]; then Q=$QUANTLAB; else swift build -c release --product quantlab >&2; Q=.build/release/quantlab; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
compare() {  # label ours theirs
  printf '%-7s ' "$1"
  python3 Experiments/llama-quantize-parity/compare.py $Q "$2" "$3" | tail -1 | tr -d '\n'
  cmp -s "$2" "$3" && echo "; whole file identical" || echo "; files differ outside tensor data"
}
echo "--type T vs llama-quantize --pure (from F32)"
for t in q4_0 q4_1 q5_0 q8_0 q4_K q6_K; do
  case $t in q4_K) T=Q4_K_S ;; *) T=$(echo "$t" | tr a-z A-Z) ;; esac
  "$A/bin/llama-quantize" --pure "$A/model/smollm2-F32.gguf" "$out/llama-$t.gguf" "$T" >/dev/null 2>&1
  $Q quantize "$A/model/smollm2-F32.gguf" "$out/ours-$t.gguf" --type "$t" >/dev/null 2>&1
  compare "$t" "$out/ours-$t.gguf" "$out/llama-$t.gguf"
done
echo "--mix M vs llama-quantize M (from Q4_1)"
M=$A/model/SmolLM2-135M-Instruct.Q4_1.gguf
for m in Q4_0 Q4_1 Q5_0 Q8_0 Q4_K_S Q4_K_M Q6_K; do
  "$A/bin/llama-quantize" --allow-requantize "$M" "$out/llama-$m.gguf" "$m" >/dev/null 2>&1
  if err=$($Q quantize "$M" "$out/ours-$m.gguf" --mix "$m" 2>&1 >/dev/null); then
    compare "$m" "$out/ours-$m.gguf" "$out/llama-$m.gguf"
  else
    printf '%-7s refused: %s\n' "$m" "$(echo "$err" | tail -1)"
  fi
  rm -f "$out/ours-$m.gguf" "$out/llama-$m.gguf"
done
