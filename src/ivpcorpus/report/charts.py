"""Inline SVG bar charts: horizontal, grouped side by side, colour-blind-safe (Okabe-Ito).

Hand-written SVG rather than a plotting library so that the report stays one small file that
renders the same in a browser and in WeasyPrint, and so every piece of text that reaches
the SVG passes through `escape` (labels can come from plans, which are untrusted input).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from markupsafe import Markup, escape

# Okabe & Ito (2008), without yellow (too light on white paper).
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")

WIDTH = 760
LABEL_WIDTH = 300
VALUE_WIDTH = 56
BAR_HEIGHT = 13
ROW_GAP = 9
LEGEND_HEIGHT = 24
AXIS_HEIGHT = 22
MAX_LABEL_CHARS = 44
# Presentation attributes inline rather than CSS classes: WeasyPrint (the PDF) does not apply
# the page's stylesheet inside SVG.
LABEL = 'font-size="12" fill="#1b1b1b" font-family="DejaVu Sans, Arial, sans-serif"'
SMALL = 'font-size="11" fill="#555555" font-family="DejaVu Sans, Arial, sans-serif"'
GRID = 'stroke="#e4e4e4" stroke-width="1"'
INTERVAL = 'stroke="#1b1b1b" stroke-width="1.2" fill="none"'


@dataclass(frozen=True)
class Chart:
    title: str  # shown as the figure caption
    svg: Markup
    intervals: bool = False  # the bars carry 95% error bars (the caption says so)


@dataclass
class Series:
    name: str
    values: list[float]  # fractions 0..1 (NaN = no data)
    small: list[bool] = field(default_factory=list)  # value rests on fewer than 5 units
    low: list[float] = field(default_factory=list)  # 95% interval per value (empty: no error bars)
    high: list[float] = field(default_factory=list)


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_LABEL_CHARS else text[:MAX_LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(categories: list[str], series: list[Series], *, title: str) -> Chart:
    """Horizontal bars per category, one bar per series side by side; values as percentages.

    Bars resting on a small cell are drawn lighter with an asterisk after the value; a
    missing value (NaN) draws no bar, the table next to the chart says "–". A series with
    intervals gets an error bar (a dark line with end caps) over each bar, and the value label
    moves past its upper end.
    """
    n_series = max(len(series), 1)
    row_height = n_series * BAR_HEIGHT + ROW_GAP
    legend = LEGEND_HEIGHT if len(series) > 1 else 0
    height = legend + len(categories) * row_height + AXIS_HEIGHT
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    finite = [v for s in series for v in [*s.values, *s.high] if not math.isnan(v)]
    top = max(finite + [0.01])
    tick = 0.1 if top <= 0.5 else 0.2
    scale_max = min(1.0, math.ceil(round(top / tick, 6)) * tick)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
             f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    # Legend entries are as wide as their text (about 7 px a character at 12 px), starting above
    # the bars when they fit there and further left when they do not.
    entry_widths = [16 + 7 * len(s.name) + 24 for s in series] if len(series) > 1 else []
    x = max(8, min(LABEL_WIDTH, WIDTH - sum(entry_widths)))
    for i, (s, entry_width) in enumerate(zip(series, entry_widths)):
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{OKABE_ITO[i % len(OKABE_ITO)]}"/>'
                     f'<text x="{x + 16}" y="14" {LABEL}>{escape(s.name)}</text>')
        x += entry_width
    for step in range(0, round(scale_max / tick) + 1):
        value = step * tick
        x = LABEL_WIDTH + plot_width * value / scale_max
        parts.append(f'<line x1="{x:.1f}" y1="{legend}" x2="{x:.1f}" y2="{height - AXIS_HEIGHT}" {GRID}/>'
                     f'<text x="{x:.1f}" y="{height - 6}" {SMALL} text-anchor="middle">{_percent(value)}</text>')
    for row, category in enumerate(categories):
        y0 = legend + row * row_height
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y0 + n_series * BAR_HEIGHT / 2 + 4:.1f}" {LABEL} '
                     f'text-anchor="end"><title>{escape(category)}</title>{escape(_shorten(category))}</text>')
        for i, s in enumerate(series):
            value = s.values[row]
            y = y0 + i * BAR_HEIGHT
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            small = bool(s.small[row]) if s.small else False
            if math.isnan(value):
                continue
            width = plot_width * min(value / scale_max, 1.0)
            opacity = ' fill-opacity="0.45"' if small else ""
            interval = (s.low[row], s.high[row]) if s.low and not (math.isnan(s.low[row]) or math.isnan(s.high[row])) \
                else None
            tooltip = _percent(value) + (f" (95%-interval {_percent(interval[0])}–{_percent(interval[1])})"
                                         if interval else "")
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT - 2}" '
                         f'fill="{colour}"{opacity}><title>{escape(s.name)}: {tooltip}</title></rect>')
            label_x = LABEL_WIDTH + width
            if interval:
                x1, x2 = (LABEL_WIDTH + plot_width * min(b / scale_max, 1.0) for b in interval)
                mid, cap = y + (BAR_HEIGHT - 2) / 2, (BAR_HEIGHT - 2) / 2 - 1
                parts.append(f'<path class="interval" d="M{x1:.1f} {mid:.1f}H{x2:.1f}M{x1:.1f} {mid - cap:.1f}V{mid + cap:.1f}'
                             f'M{x2:.1f} {mid - cap:.1f}V{mid + cap:.1f}" {INTERVAL}/>')
                label_x = max(label_x, x2)
            parts.append(f'<text x="{label_x + 4:.1f}" y="{y + BAR_HEIGHT - 3}" {SMALL}>'
                         f'{_percent(value)}{"*" if small else ""}</text>')
    parts.append("</svg>")
    return Chart(title, Markup("".join(parts)), intervals=any(s.low for s in series))
