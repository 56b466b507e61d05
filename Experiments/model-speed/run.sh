#!/usr/bin/env bash
# Side-by-side model speed: quantlab bench-model and llama.cpp's llama-bench on the same SmolLM2 files, threads and
# test sizes, interleaved per (format, threads) so both see the same machine load. Writes results/*.json.
#   LLAMA_BIN=~/.cache/llama-anchor/bin (built by ../shared/tools/llama-anchor.sh)   MODELS=dir with smollm2-Q4_0.gguf ...
set -euo pipefail
cd "$(dirname "$0")/../.."
LLAMA_BIN=${LLAMA_BIN:-$HOME/.cache/llama-anchor/bin}
OUT=Experiments/model-speed/results
mkdir -p "$OUT"
swift build -c release --product quantlab >&2
Q=.build/release/quantlab
SRC=$(bash .ci/fetch-smollm2.sh)
MODELS=${MODELS:-/tmp/quantlab-smollm2}
mkdir -p "$MODELS"
for mix in Q4_0 Q8_0; do
  [ -f "$MODELS/smollm2-$mix.gguf" ] || $Q quantize "$SRC" "$MODELS/smollm2-$mix.gguf" --mix $mix >&2
done
REPS=${REPS:-5}
for mix in Q4_0 Q8_0; do
  for t in 1 2; do
    f="$MODELS/smollm2-$mix.gguf"
    echo "== $mix, $t threads" >&2
    $Q bench-model "$f" --threads $t --repetitions $REPS --json > "$OUT/quantlab-$mix-t$t.json"
    if [ -x "$LLAMA_BIN/llama-bench" ]; then
      LD_LIBRARY_PATH="$LLAMA_BIN" "$LLAMA_BIN/llama-bench" -m "$f" -t $t -p 512 -n 128 -r $REPS -o json > "$OUT/llama-$mix-t$t.json"
    fi
  done
done
$Q bench-model "$MODELS/smollm2-Q4_0.gguf" --threads 2 --repetitions 1 --profile --json > "$OUT/quantlab-Q4_0-t2-profile.json"
$Q bench-model "$MODELS/smollm2-Q8_0.gguf" --threads 2 --repetitions 1 --profile --json > "$OUT/quantlab-Q8_0-t2-profile.json"
python3 Experiments/model-speed/render.py "$OUT"
