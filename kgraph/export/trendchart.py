"""Entities' papers per year drawn as text (a sparkline) or as an SVG line chart.

Hand-made SVG rather than a plotting library: a chart of a few lines needs no
dependency, works offline and is a few kilobytes. Labels are escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

BLOCKS = "▁▂▃▄▅▆▇█"
#: Line colours (colour-blind-safe Okabe-Ito palette), one per entity in turn.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")


def sparkline(values: Mapping[int, float], years: Sequence[int]) -> str:
    """One character per year of ``years``: a block as high as the value, a space for none.

    >>> sparkline({2019: 1, 2021: 4}, [2019, 2020, 2021])
    '▃ █'
    """
    top = max((values.get(y, 0) for y in years), default=0)
    if not top:
        return " " * len(years)
    return "".join(BLOCKS[min(len(BLOCKS) - 1, round((len(BLOCKS) - 1) * values[y] / top))] if values.get(y) else " "
                   for y in years)


def svg_chart(lines: Mapping[str, Mapping[int, float]], years: Sequence[int], title: str = "",
              y_label: str = "papers", width: int = 720, height: int = 360,
              names: Sequence[str] | None = None) -> str:
    """A line chart: one line per entity (label -> year -> value) over ``years`` (or any
    consecutive periods: ``names`` labels the axis, e.g. ``"2025-03"`` for months).

    >>> svg = svg_chart({"BERT <b>": {2019: 3, 2020: 5}}, [2019, 2020], title="t")
    >>> svg.startswith("<svg") and "BERT &lt;b&gt;" in svg and "<b>" not in svg
    True
    """
    left, right, top, bottom = 56, 170, 36, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for series in lines.values() for v in series.values()), default=0) or 1
    span = max(len(years) - 1, 1)

    def x(i: int) -> float:
        return left + plot_w * i / span

    def y(v: float) -> float:
        return top + plot_h * (1 - v / peak)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    if title:
        out.append(f'<text x="{left}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>')
    for k in range(5):  # horizontal grid with values
        v = peak * k / 4
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>')
        label = f"{v:.3g}" if isinstance(v, float) and v % 1 else f"{int(v)}"
        out.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="#555">{label}</text>')
    step = max(1, len(years) // 12)
    for i, year in enumerate(years):
        if i % step == 0 or i == len(years) - 1:
            shown = escape(names[i]) if names is not None else year
            out.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" fill="#555">{shown}</text>')
    out.append(f'<text x="14" y="{top + plot_h / 2:.1f}" transform="rotate(-90 14 {top + plot_h / 2:.1f})" '
               f'text-anchor="middle" fill="#555">{escape(y_label)}</text>')
    for n, (label, series) in enumerate(lines.items()):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(series.get(year, 0)):.1f}" for i, year in enumerate(years))
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        out.append(f'<rect x="{left + plot_w + 14}" y="{top + 18 * n}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{left + plot_w + 32}" y="{top + 18 * n + 11}">{escape(label[:22])}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
