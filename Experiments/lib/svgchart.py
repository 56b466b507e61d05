"""Minimal horizontal bar charts as standalone SVG (no dependencies), so notebooks render in any markdown viewer."""
from html import escape


def bar_chart(title, rows, unit, path, reference=None, reference_label=None, width=760):
    """rows: [(label, value)]; reference: an optional vertical line (e.g. the memory-bandwidth limit)."""
    bar_h, gap, left, top = 18, 6, 300, 34
    height = top + len(rows) * (bar_h + gap) + 30
    vmax = max([v for _, v in rows] + ([reference] if reference else [])) or 1
    scale = (width - left - 80) / vmax
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="10" y="20" font-size="14" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        out.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{escape(label)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{max(1, value * scale):.1f}" height="{bar_h}" fill="#4a7ab7"/>')
        out.append(f'<text x="{left + value * scale + 4:.1f}" y="{y + 13}">{value:.1f} {escape(unit)}</text>')
    if reference:
        x = left + reference * scale
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 22}" stroke="#c0392b" stroke-dasharray="4,3"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="#c0392b">{escape(reference_label or "")}</text>')
    out.append('</svg>')
    with open(path, 'w') as f:
        f.write('\n'.join(out))
