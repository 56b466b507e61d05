#!/usr/bin/env bash
# What `tune --model` must show (issue 14), on SmolLM2-135M in llama.cpp's Q4_0, Q8_0 and Q4_K_M mixes, 1 and 2
# threads, each database against the defaults side by side in one bench-model run (alternating, medians):
#   quiet     tune on an idle machine, then bench.
#   loaded    tune while a CPU-bound process spins on core 1, then bench on the idle machine.
#   handicap  tune with --default-rule portable (the default rule restricted to the portable SIMD kernels), then
#             bench the unhandicapped defaults, the handicapped defaults and the handicapped tuned database.
# Writes results/*.json and *.log; render.py turns them into notebooks-md/tuning-check.md.
#   PHASES="quiet loaded handicap"  MIXES="Q4_0 Q8_0 Q4_K_M"  REPS=9
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=Experiments/tuning-check/results
mkdir -p "$OUT"
swift build -c release --product quantlab >&2
Q=.build/release/quantlab
SRC=$(bash .ci/fetch-smollm2.sh)
MODELS=${MODELS:-/tmp/quantlab-smollm2}
mkdir -p "$MODELS"
MIXES=${MIXES:-Q4_0 Q8_0 Q4_K_M}
REPS=${REPS:-9}
for mix in $MIXES; do
  [ -f "$MODELS/smollm2-$mix.gguf" ] || $Q quantize "$SRC" "$MODELS/smollm2-$mix.gguf" --mix $mix >&2
done

tune() {  # phase mix [tune options...]
  local phase=$1 mix=$2; shift 2
  local db="$OUT/$phase-$mix.db.json"
  rm -f "$db" "$db.lock"
  local start=$(date +%s%N)
  $Q tune --model "$MODELS/smollm2-$mix.gguf" --threads 1,2 --db "$db" "$@" --json > "$OUT/$phase-$mix.tune.json" 2> "$OUT/$phase-$mix.tune.log"
  echo $(( ($(date +%s%N) - start) / 1000000 )) > "$OUT/$phase-$mix.tune.ms"
  echo "== $phase $mix: tuned in $(cat "$OUT/$phase-$mix.tune.ms") ms" >&2
}
bench() {  # phase mix dbs [rules]
  $Q bench-model "$MODELS/smollm2-$2.gguf" --threads 1,2 --repetitions $REPS --db "$3" --default-rule "${4:-widest}" --json \
    > "$OUT/$1-$2.bench.json" 2> "$OUT/$1-$2.bench.log"
}

for phase in ${PHASES:-quiet loaded handicap}; do
  for mix in $MIXES; do
    case $phase in
      quiet) tune quiet $mix; bench quiet $mix "none,$OUT/quiet-$mix.db.json" ;;
      loaded)
        taskset -c 1 sh -c 'while :; do :; done' & spinner=$!
        tune loaded $mix
        kill $spinner; wait $spinner 2>/dev/null || true
        bench loaded $mix "none,$OUT/loaded-$mix.db.json" ;;
      handicap)
        [ $mix = Q8_0 ] && continue
        tune handicap $mix --default-rule portable
        bench handicap $mix "none,none,$OUT/handicap-$mix.db.json" widest,portable,portable ;;
    esac
  done
done
[ -n "${NO_RENDER:-}" ] || python3 Experiments/tuning-check/render.py
