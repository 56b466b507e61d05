#!/usr/bin/env bash
# Decode speed of two quantlab builds side by side in one run: bench-model --db none (the kernels' defaults) on
# each model at 1 and 2 threads, the two binaries alternating each round; medians of ROUNDS rounds of 3 repetitions.
#   usage: Experiments/model-speed/ab.sh BEFORE_QUANTLAB AFTER_QUANTLAB MODEL.gguf...
#   env:   ROUNDS (default 6), THREADS (default "1 2"), GEN (tokens, default 128)
set -eu
[[ $# -ge 3 ]] || { sed -n 2,5p "$0" >&2; exit 2; }
A=$1; B=$2; shift 2
ROUNDS=${ROUNDS:-6}; THREADS=${THREADS:-"1 2"}; GEN=${GEN:-128}
tg() { "$1" bench-model "$2" --db none --prompt-tokens 0 --gen-tokens "$GEN" --threads "$3" --repetitions 3 --json 2>/dev/null |
       python3 -c "import json,sys; print(json.load(sys.stdin)['rows'][0]['tokens_per_second'])"; }
printf "%-24s %2s %8s %8s %7s  %s\n" model t before after ratio "per-round ratios"
for m in "$@"; do for t in $THREADS; do
  a=(); b=()
  for _ in $(seq "$ROUNDS"); do a+=("$(tg "$A" "$m" "$t")"); b+=("$(tg "$B" "$m" "$t")"); done
  python3 - "$m" "$t" "${a[*]}" "${b[*]}" <<'PY'
import statistics as s, sys
m, t, a, b = sys.argv[1].split('/')[-1], sys.argv[2], [float(x) for x in sys.argv[3].split()], [float(x) for x in sys.argv[4].split()]
print('%-24s %2s %8.1f %8.1f %6.3fx  %s' % (m, t, s.median(a), s.median(b), s.median(b) / s.median(a),
      ' '.join('%.2f' % (y / x) for x, y in zip(a, b))))
PY
done; done
