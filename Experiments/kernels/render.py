#!/usr/bin/env python3
"""Renders notebooks-md/kernels.md (tables and SVG charts) from the JSON that Experiments/kernels/run.sh writes."""
import json, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))
from svgchart import bar_chart


def key(d, name, old):
    """A report key, or its pre-snake_case spelling in results recorded before quantlab's keys were renamed."""
    return d[name] if name in d else d[old]

GGML_PREFILL = {'q4_0': 109, 'q8_0': 132, 'q4_K': 430}     # GFLOP/s, 1 thread, 4096x14336x512 (shared/golden/README.md)
GGML_DECODE = {'q4_0': (25, 34), 'q8_0': (30, 45), 'q4_K': (56, 66)}


def load(results, name):
    with open(os.path.join(results, name)) as f:
        return json.load(f)


def limits_line(machine):
    lim = machine['limits']
    bw = ', '.join(f"{v:.1f} GB/s with {k} thread(s)" for k, v in sorted(key(lim, 'read_gbps', 'readGBps').items()))
    peak = ', '.join(f"{v:.0f} Gop/s with {k} thread(s)" for k, v in sorted(key(lim, 'int8_gops', 'int8Gops').items()))
    return f"{machine['cpu']['model']}, {key(machine['cpu'], 'logical_cores', 'logicalCores')} cores. Measured read bandwidth {bw}; int8 peak {peak} (probe: {lim['probe']})."


def table(rows, columns):
    head = '| ' + ' | '.join(c[0] for c in columns) + ' |'
    rule = '|' + '|'.join('---' for _ in columns) + '|'
    body = ['| ' + ' | '.join(c[1](r) for c in columns) + ' |' for r in rows]
    return '\n'.join([head, rule] + body)


COLUMNS = [
    ('variant', lambda r: f"`{r['variant']}`"), ('kind', lambda r: r['kind']),
    ('M x K', lambda r: f"{r['m']} x {r['k']}"), ('N', lambda r: str(r['n'])), ('threads', lambda r: str(r['threads'])),
    ('median ms', lambda r: f"{r['seconds'] * 1e3:.3f}"), ('spread', lambda r: f"{r['spread'] * 100:.0f}%"),
    ('GFLOP/s', lambda r: f"{r['gflops']:.1f}"), ('weight GB/s', lambda r: f"{r['weight_gbps']:.1f}"),
    ('of limit', lambda r: f"{r['limit_fraction'] * 100:.0f}% {r['limit']}" if r.get('limit_fraction') is not None else '-'),
]


def main():
    results, out = sys.argv[1], sys.argv[2]
    charts = os.path.join(out, 'charts'); os.makedirs(charts, exist_ok=True)
    kinds, decode, prefill = load(results, 'kinds.json'), load(results, 'decode-memory.json'), load(results, 'prefill.json')
    md = ['# Kernel variants on this CPU', '',
          'Regenerate: `Experiments/kernels/run.sh` (runs `quantlab bench` four times, then this renderer). '
          'Every case is verified against the f64 reference on sampled outputs before it is timed; times are medians '
          'of repeated runs in one process, spread is the interquartile range over the median.', '',
          'Each section measures the machine\'s limits in its own run (`quantlab roofline` probes); "of limit" is weight GB/s '
          'over read bandwidth for N = 1 and GFLOP/s over the int8 peak for N > 1, at the row\'s thread count.', '']

    md += ['## Decode from memory: 16384 x 16384 weights, N = 1', '',
           'The matrix is 4.5 to 8.5 times the last-level cache, so every call streams the weights from memory: '
           'the limit is read bandwidth. ggml reads 7-24 GB/s here (4096 x 14336, one thread).', '',
           'Limits measured in this run: ' + limits_line(decode['machine']), '']
    md.append(table(decode['rows'], COLUMNS))
    bw1 = key(decode['machine']['limits'], 'read_gbps', 'readGBps').get('1')
    bar_chart('Decode 16384x16384, weight GB/s', [(f"{r['variant']} t{r['threads']}", r['weight_gbps']) for r in decode['rows']],
              'GB/s', os.path.join(charts, 'decode-memory.svg'), reference=bw1, reference_label='read bandwidth, 1 thread')
    md += ['', '![decode from memory](charts/decode-memory.svg)', '']

    md += ['## Prefill: 4096 x 14336 weights, N = 512', '',
           "ggml's single-thread figures for the same product: " +
           ', '.join(f"{f} {v} GFLOP/s" for f, v in GGML_PREFILL.items()) + '.', '',
           'Limits measured in this run: ' + limits_line(prefill['machine']), '']
    md.append(table(prefill['rows'], COLUMNS))
    lines = []
    for fmt in GGML_PREFILL:
        best1 = max([r for r in prefill['rows'] if r['format'] == fmt and r['threads'] == 1], key=lambda r: r['gflops'], default=None)
        best2 = max([r for r in prefill['rows'] if r['format'] == fmt and r['threads'] == 2], key=lambda r: r['gflops'], default=None)
        if best1:
            s = f"- {fmt}: best one-thread {best1['gflops']:.0f} GFLOP/s (`{best1['variant']}`), {best1['gflops'] / GGML_PREFILL[fmt]:.2f}x ggml"
            if best2:
                s += f"; two threads {best2['gflops']:.0f} GFLOP/s, {best2['gflops'] / best1['gflops']:.2f}x one thread"
            lines.append(s + '.')
    md += [''] + lines
    bar_chart('Prefill 4096x14336x512, GFLOP/s', [(f"{r['variant']} t{r['threads']}", r['gflops']) for r in prefill['rows']],
              'GFLOP/s', os.path.join(charts, 'prefill.svg'))
    md += ['', '![prefill](charts/prefill.svg)', '']

    md += ['## Every variant kind, 4096 x 4096 (weights in cache)', '',
           'What SIMD width, VNNI, tiling and threads each buy, per format. The weights (9-17 MB) fit the 32 MiB L3, so '
           'decode here can exceed the memory bandwidth: it shows compute speed.', '',
           'Limits measured in this run: ' + limits_line(kinds['machine']), '']
    for fmt in ['q4_0', 'q8_0', 'q4_K']:
        rows = [r for r in kinds['rows'] if r['format'] == fmt]
        if not rows:
            continue
        md += [f'### {fmt}', '', table(rows, COLUMNS), '']
        for n in (1, 512):
            sel = [r for r in rows if r['n'] == n]
            if sel:
                bar_chart(f'{fmt} 4096x4096, N={n}, GFLOP/s', [(f"{r['variant']} t{r['threads']}", r['gflops']) for r in sel],
                          'GFLOP/s', os.path.join(charts, f'kinds-{fmt}-n{n}.svg'))
                md += [f'![{fmt} N={n}](charts/kinds-{fmt}-n{n}.svg)', '']

    if os.path.exists(os.path.join(results, 'default.json')):
        default = load(results, 'default.json')
        md += ['## The default bench', '', '`quantlab bench` with no options: one Llama-3-8B layer and SmolLM2-135M shapes.', '',
               table(default['rows'], COLUMNS), '']
    with open(os.path.join(out, 'kernels.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')


main()
