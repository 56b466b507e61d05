"""Tabulates Experiments/model-speed/results: quantlab against llama-bench per format, threads and test."""
import json, pathlib, sys

out = pathlib.Path(sys.argv[1])
rows = []
for mix in ["Q4_0", "Q8_0"]:
    for t in [1, 2]:
        ours = {r["test"]: r["tokens_per_second"] for r in json.loads((out / f"quantlab-{mix}-t{t}.json").read_text())["rows"]}
        llama_path = out / f"llama-{mix}-t{t}.json"
        theirs = {}
        if llama_path.exists():
            for r in json.loads(llama_path.read_text()):
                test = f"pp{r['n_prompt']}" if r["n_prompt"] else f"tg{r['n_gen']}"
                theirs[test] = r["avg_ts"]
        for test in ["pp512", "tg128"]:
            o, l = ours.get(test), theirs.get(test)
            rows.append(f"| {mix} | {t} | {test} | {o:.0f} | " + (f"{l:.0f} | {o / l:.2f}x |" if l else "- | - |"))
print("| format | threads | test | quantlab tok/s | llama.cpp tok/s | ratio |\n|---|---|---|---|---|---|")
print("\n".join(rows))
for mix in ["Q4_0", "Q8_0"]:
    p = out / f"quantlab-{mix}-t2-profile.json"
    if not p.exists():
        continue
    print(f"\nProfile, {mix}, 2 threads:\n\n| test | operation | ms | share |\n|---|---|---|---|")
    for r in json.loads(p.read_text())["rows"]:
        for e in r["profile"][:8]:
            print(f"| {r['test']} | {e['operation']} | {e['seconds'] * 1e3:.2f} | {100 * e['share']:.1f}% |")
