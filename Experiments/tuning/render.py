#!/usr/bin/env python3
"""Renders notebooks-md/tuning.md from Experiments/tuning/results (written by run.sh)."""
import json, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
from svgchart import bar_chart


def main():
    results, out = sys.argv[1], sys.argv[2]
    charts = os.path.join(out, 'charts'); os.makedirs(charts, exist_ok=True)
    tune = json.load(open(os.path.join(results, 'tune.json')))
    wall = json.load(open(os.path.join(results, 'wall.json')))['seconds']
    second = json.load(open(os.path.join(results, 'second-wall.json')))['seconds']
    decisions = tune['decisions']
    md = ['# Autotuning on this CPU', '',
          'Regenerate: `Experiments/tuning/run.sh` (runs `quantlab tune --compare-fixed --json` from an empty database, '
          'then a second run against the same database, then this renderer).', '',
          f"Key: {tune['key']['cpu']}, {tune['key']['build']}.", '',
          f"The default set ({len(decisions)} buckets: the built-in model's and SmolLM2-135M's matrices, N = 1 and 128, "
          f"1 and 2 threads) took {wall} s from scratch; the second run answered from the database in {second} s.", '']
    rejected = sum(len(d['rejected']) for d in decisions)
    considered = sum(d['candidatesConsidered'] for d in decisions)
    space = sum(d['searchSpaceSize'] for d in decisions)
    discarded = sum(d['discardedRounds'] for d in decisions)
    md += [f"Candidates verified and searched: {considered} (sampled from a space of {space}); rejected for wrong answers: "
           f"{rejected}; measurement rounds discarded because the baseline drifted: {discarded}.", '']

    md += ['## Decisions', '', '| bucket | shape | winner | ms | vs reference | vs default | vs runner-up | noise |', '|---|---|---|---|---|---|---|---|']
    for d in sorted(decisions, key=lambda d: (d['bucket']['format'], d['bucket']['threads'], d['bucket']['nClass'], d['bucket']['mClass'])):
        b, p, w = d['bucket'], d['problem'], d['winner']
        params = ','.join(f"{k}={v}" for k, v in sorted(w['parameters'].items()))
        ref = f"{d['referenceSeconds'] / d['winnerSeconds']:.1f}x" if d.get('referenceSeconds') else '-'
        ru = f"{d['runnerUpSeconds'] / d['winnerSeconds']:.2f}x" if d.get('runnerUpSeconds') else '-'
        md.append(f"| {b['format']} M~{b['mClass']} K~{b['kClass']} N~{b['nClass']} t{b['threads']} | {p['m']}x{p['k']}x{p['n']} | "
                  f"`{w['variant']}` {params} | {d['winnerSeconds'] * 1e3:.3f} | {ref} | {d['defaultSeconds'] / d['winnerSeconds']:.2f}x | {ru} | {d['noise'] * 100:.1f}% |")
    md.append('')
    md.append('"vs default" is the untuned choice (the widest instruction set\'s row kernel at its default parameters) over '
              'the winner; a runner-up below 1.00x means the winner kept its place within noise as the simpler or default candidate.')
    md.append('')

    fixed = (tune.get('fixed') or {}).get('rows', [])
    if fixed:
        md += ['## What tuning buys over the best single fixed choice', '',
               'For each format and thread budget, every bucket winner and default was re-timed at every bucket; the best fixed '
               'choice is the one with the smallest geometric-mean slowdown against the tuned choices.', '',
               '| format | threads | buckets | best fixed choice | tuned speedup (geomean) | worst bucket |', '|---|---|---|---|---|---|']
        for r in fixed:
            md.append(f"| {r['format']} | {r['threads']} | {r['buckets']} | `{r['bestFixed']}` | {r['tunedSpeedup']:.2f}x | {r['worstCase']:.2f}x |")
        bar_chart('Tuned over best fixed choice (geomean speedup)', [(f"{r['format']} t{r['threads']}", r['tunedSpeedup']) for r in fixed],
                  'x', os.path.join(charts, 'tuning-fixed.svg'))
        md += ['', '![tuned vs fixed](charts/tuning-fixed.svg)', '']

    regret = tune.get('regret', [])
    if regret:
        md += ['## Held-out regret', '',
               'Shapes never tuned, answered from the nearest bucket; regret is the choice\'s time over the best of that bucket\'s '
               'finalists and default, all re-timed at the held-out shape.', '',
               '| shape | nearest bucket | choice | choice ms | best ms | regret |', '|---|---|---|---|---|---|']
        for r in regret:
            p = r['problem']
            md.append(f"| {p['format']} {p['m']}x{p['k']}x{p['n']} t{p['threads']} | {r['bucket']} | `{r['choice']}` | "
                      f"{r['choiceSeconds'] * 1e3:.3f} | {r['bestSeconds'] * 1e3:.3f} | {r['regret'] * 100:.1f}% |")
        mean = sum(r['regret'] for r in regret) / len(regret)
        md += ['', f"Mean held-out regret: {mean * 100:.1f}% over {len(regret)} shapes.", '']
    with open(os.path.join(out, 'tuning.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')


main()
