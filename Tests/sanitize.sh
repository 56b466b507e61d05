#!/usr/bin/env bash
# Runs the test suite (or a filtered part of it) under a sanitizer, in its own build directory so the normal build
# is left alone: address (out-of-bounds, use-after-free: kernels, GGUF reader, tokenizer) or thread (data races:
# the thread pool, threaded kernels, the tuner).
# usage: Tests/sanitize.sh address|thread [FILTER]   e.g. Tests/sanitize.sh thread 'ThreadPoolTests|VariantCorrectness'
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer=${1:?usage: Tests/sanitize.sh address|thread [FILTER]}
filter=${2:-}
case $sanitizer in address|thread) ;; *) echo "sanitize.sh: unknown sanitizer '$sanitizer' (address or thread)" >&2; exit 2;; esac
# QUANTLAB_SANITIZE leaves out the prefetch intrinsic, which LLVM cannot instrument (Kernels/AVX512/Prefetch.swift).
args=(-c release --sanitize="$sanitizer" --scratch-path ".build/sanitize-$sanitizer" -Xswiftc -DQUANTLAB_SANITIZE)
[[ -z $filter ]] || args+=(--filter "$filter")
# halt_on_error: the first report fails the run; the report names the access and both stacks.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=0} TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1}
swift test "${args[@]}"
