"""Per format: the format's own weight error beside each variant's worst and median kernel error (quantlab check)."""
import json, pathlib, statistics, sys

out = pathlib.Path(sys.argv[1])
check = json.loads((out / "check.json").read_text())
own = {r["format"]: r["format_nmse"] for r in json.loads((out / "format-error.json").read_text())}
by_variant = {}
for c in check["cases"]:
    if isinstance(c["nmse"], str):
        continue
    by_variant.setdefault((c["format"], c["variant"]), []).append(c)
print(f"{len(check['cases'])} cases, {check['failures']} failed, {check['seconds']:.1f} s\n")
print("| format | own weight error (NMSE) | variant | cases | median kernel NMSE | worst kernel NMSE (case) | worst / own | tolerance |")
print("|---|---|---|---|---|---|---|---|")
for (fmt, variant), cases in sorted(by_variant.items()):
    worst = max(cases, key=lambda c: c["nmse"])
    med = statistics.median(c["nmse"] for c in cases)
    o = own.get(fmt)
    ratio = f"{worst['nmse'] / o:.3f}" if o else "-"
    print(f"| {fmt} | {o:.2e} | {variant} | {len(cases)} | {med:.2e} | {worst['nmse']:.2e} ({worst.get('case', worst['shape'])}) | {ratio} | {worst['tolerance']:.0e} |" if o else
          f"| {fmt} | - | {variant} | {len(cases)} | {med:.2e} | {worst['nmse']:.2e} | - | {worst['tolerance']:.0e} |")
if check.get("models"):
    print("\n| model | check | top-1 | mean KL | perplexity | passed |\n|---|---|---|---|---|---|")
    for m in check["models"]:
        mt = m["metrics"]
        print(f"| {m['model']} | {m['check']} | {mt.get('top1', 0):.3f} | {mt.get('kl', 0):.2e} | {mt.get('ppl', float('nan')):.3f} | {m['passed']} |")
