#!/usr/bin/env python3
"""Compares two GGUF files tensor by tensor (type, shape and bytes), using `quantlab inspect --json` for the layout.

usage: compare.py QUANTLAB ours.gguf theirs.gguf
Prints one line per differing tensor and a summary; exits 1 if any tensor differs."""
import json, subprocess, sys

def layout(quantlab, path):
    out = subprocess.run([quantlab, "inspect", path, "--json", "--array-limit", "0"], check=True, capture_output=True).stdout
    report = json.loads(out)
    return {t["name"]: t for t in report["tensors"]}, report["metadata"]

def main():
    quantlab, ours_path, theirs_path = sys.argv[1:4]
    ours, ours_meta = layout(quantlab, ours_path)
    theirs, theirs_meta = layout(quantlab, theirs_path)
    differing = 0
    with open(ours_path, "rb") as a, open(theirs_path, "rb") as b:
        for name, t in theirs.items():
            o = ours.get(name)
            if o is None:
                print(f"{name}: missing from ours"); differing += 1; continue
            if (o["type"], o["shape"]) != (t["type"], t["shape"]):
                print(f"{name}: ours {o['type']} {o['shape']}, llama.cpp {t['type']} {t['shape']}"); differing += 1; continue
            a.seek(o["file_offset"]); b.seek(t["file_offset"])
            x, y = a.read(o["bytes"]), b.read(t["bytes"])
            if x != y:
                first = next(i for i in range(len(x)) if x[i] != y[i])
                print(f"{name}: {t['type']} bytes differ from byte {first}"); differing += 1
    ft = (ours_meta.get("general.file_type"), theirs_meta.get("general.file_type"))
    print(f"{len(theirs) - differing} of {len(theirs)} tensors identical; general.file_type ours {ft[0]}, llama.cpp {ft[1]}")
    sys.exit(1 if differing else 0)

main()
