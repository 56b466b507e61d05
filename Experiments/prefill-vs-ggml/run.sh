#!/usr/bin/env bash
# Prefill GEMM against ggml, per weight format, side by side: `quantlab bench --variant best` (each method's widest
# variant at its default parameters; tuned rows left out) and llama.cpp's `test-backend-ops perf -o MUL_MAT` on the
# same shape, alternating, both pinned to one core.
# Needs llama.cpp's tools from ../shared/tools/llama-anchor.sh (a measuring stick, not a dependency).
# usage: Experiments/prefill-vs-ggml/run.sh [FORMATS] [REPS]   (about 10 minutes; prints a markdown table)
set -euo pipefail
cd "$(dirname "$0")/../.."
FORMATS=${1:-q4_0,q4_K,q5_K,q6_K,q3_K,q2_K,q5_1,iq4_nl,iq4_xs}
REPS=${2:-2}
M=4096 K=14336 N=512
OPS=${ANCHOR_DIR:-$HOME/.cache/llama-anchor}/bin/test-backend-ops
Q=.build/release/quantlab
[[ -x $OPS ]] || { echo "no $OPS: run ../shared/tools/llama-anchor.sh first" >&2; exit 1; }
[[ -x $Q ]] || { echo "no $Q: run swift build -c release --product quantlab first" >&2; exit 1; }
OUT=$(mktemp -d)
for rep in $(seq "$REPS"); do
  for f in ${FORMATS//,/ }; do
    echo "rep $rep/$REPS: $f" >&2
    taskset -c 0 "$Q" bench --format "$f" --shape ${M}x$K --n $N --threads 1 --variant best --no-roofline \
      --min-seconds 1 --json > "$OUT/quantlab-$f-$rep.json"
    taskset -c 0 "$OPS" perf -b CPU -o MUL_MAT -p "type_a=$f,type_b=f32,m=$M,n=$N,k=$K" > "$OUT/ggml-$f-$rep.txt" 2>&1 || true
  done
done
python3 - "$OUT" "$FORMATS" "$REPS" <<'EOF'
import json, re, statistics, sys
out, formats, reps = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
print("| format | quantlab variant | quantlab GFLOP/s | ggml GFLOP/s | ratio |")
print("|---|---|---|---|---|")
for f in formats:
    ours, theirs, name = [], [], "?"
    for rep in range(1, reps + 1):
        rows = [r for r in json.load(open(f"{out}/quantlab-{f}-{rep}.json"))["rows"] if r["kind"] not in ("reference", "tuned")]
        best = max(rows, key=lambda r: r["gflops"])
        ours.append(best["gflops"]); name = best["variant"]
        m = re.findall(r"([0-9.]+) GFLOPS", open(f"{out}/ggml-{f}-{rep}.txt").read())
        if m: theirs.append(float(m[-1]))
    o = statistics.median(ours)
    t = statistics.median(theirs) if theirs else float("nan")
    print(f"| {f} | {name} | {o:.1f} | {t:.1f} | {o / t:.2f}x |")
EOF
rm -rf "$OUT"
