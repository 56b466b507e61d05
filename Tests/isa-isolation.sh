#!/usr/bin/env bash
# Checks that a CPU without AVX2 or AVX-512 never runs those instructions outside the kernels it chose.
# Every module compiled with instruction-set flags (the X86* targets) emits its own copy of helpers that other
# modules emit too (value-witness `__swift_memcpyN_M`, shared generic specialisations). The linker keeps one copy
# per binary; if it kept an instruction-set module's, every module would call code this CPU may lack. So each such
# helper's copy in the linked binaries must be baseline x86-64: no VEX or EVEX instruction (mnemonic 'v...').
# Usage: Tests/isa-isolation.sh [BUILD_DIR]   (default .build/release, after `swift build`/`swift test`)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-.build/release}"
[ "$(uname -m)" = x86_64 ] || { echo "isa-isolation: not x86-64, nothing to check"; exit 0; }
command -v objdump >/dev/null || { echo "isa-isolation: objdump (binutils) is needed" >&2; exit 1; }

compgen -G "$build/X86*.build/*.o" >/dev/null || { echo "isa-isolation: no X86* objects in $build: build first" >&2; exit 1; }
defined() { nm --defined-only "$@" 2>/dev/null | awk '$2 ~ /^[TW]$/ { print $3 }' | sort -u; }
isa=$(mktemp); rest=$(mktemp); shared=$(mktemp); trap 'rm -f "$isa" "$rest" "$shared"' EXIT
defined "$build"/X86*.build/*.o > "$isa"
for d in "$build"/*.build; do
    case "$(basename "$d")" in X86*) ;; *) ls "$d"/*.o >/dev/null 2>&1 && defined "$d"/*.o ;; esac
done | sort -u > "$rest"
comm -12 "$isa" "$rest" > "$shared"
echo "isa-isolation: $(wc -l < "$shared") helpers emitted both by instruction-set modules and by others"

status=0
for binary in "$build/quantlab" "$build/QuantLabPackageTests.xctest"; do
    [ -f "$binary" ] || continue
    bad=$(objdump -d --no-show-raw-insn "$binary" | awk -v list="$shared" '
        BEGIN { while ((getline s < list) > 0) want[s] = 1 }
        /^[0-9a-f]+ <.*>:$/ { name = substr($2, 2, length($2) - 3); inside = (name in want); next }
        inside && $2 ~ /^v/ { print name; inside = 0 }')
    if [ -n "$bad" ]; then
        echo "isa-isolation: $binary keeps instruction-set copies of shared helpers (the X86* targets must link last):" >&2
        echo "$bad" | sed 's/^/  /' >&2
        status=1
    else
        echo "isa-isolation: $binary: every shared helper is the baseline copy"
    fi
done
exit $status
