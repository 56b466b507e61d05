#!/usr/bin/env bash
# The tuning notebook: `quantlab tune` on its default set from scratch (a private database, so nothing is reused),
# with held-out regret and the comparison against the best single fixed choice; then the renderer.
# usage: Experiments/tuning/run.sh   (several minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product quantlab >&2
R=Experiments/tuning/results; mkdir -p "$R"
rm -f "$R/tuning-db.json"
start=$(date +%s)
.build/release/quantlab tune --db "$R/tuning-db.json" --compare-fixed --json > "$R/tune.json"
echo "{\"seconds\": $(( $(date +%s) - start ))}" > "$R/wall.json"
# A second run must answer from the database at once.
start=$(date +%s)
.build/release/quantlab tune --db "$R/tuning-db.json" --no-heldout > /dev/null 2> "$R/second-run.log"
echo "{\"seconds\": $(( $(date +%s) - start ))}" > "$R/second-wall.json"
python3 Experiments/tuning/render.py "$R" notebooks-md
