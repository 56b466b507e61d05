#!/usr/bin/env bash
# Fuzzes the parsers that read untrusted input (GGUF files, tokenizer text, tuning databases) with libFuzzer and
# AddressSanitizer, each for a set time or number of runs, starting from the committed seed corpus.
# usage: Tests/Fuzz/run.sh [SECONDS per target, default 300] [TARGET...]   (targets: gguf tokenizer tuning-db)
# Prints executions and crashes per target; exits 1 if any target crashed. A crash input lands in
# .build/fuzz/crashes/TARGET/: copy it to Tests/Fuzz/Regressions/TARGET/ once fixed, so the tests replay it.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-300}; shift || true
targets=("$@"); [[ ${#targets[@]} -gt 0 ]] || targets=(gguf tokenizer tuning-db)
swift build -c release --product quantlab-fuzz --scratch-path .build/fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING >&2
binary=.build/fuzz/release/quantlab-fuzz
status=0
for target in "${targets[@]}"; do
  work=.build/fuzz/corpus/$target crashes=.build/fuzz/crashes/$target log=.build/fuzz/$target.log
  mkdir -p "$work" "$crashes"
  # New inputs the fuzzer finds go to the work corpus; the committed seeds are read only.
  QUANTLAB_FUZZ_TARGET=$target "$binary" "$work" "Tests/Fuzz/Corpus/$target" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/" > "$log" 2>&1 || status=1
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  found=$(find "$crashes" -type f | wc -l)
  echo "$target: $execs executions in ${seconds}s ($rate/s), $found crash/timeout/oom input(s) in $crashes (log $log)"
  [[ $found -eq 0 ]] || status=1
done
exit $status
