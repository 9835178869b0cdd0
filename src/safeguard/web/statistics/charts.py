"""Bar charts as SVG: a figure by district, this period beside the previous one.

    svg = bars("Missing episodes", [("Stafford", Bar(12, "12"), Bar(9, "9")), ...],
               ("Jan–Mar 2026", "Oct–Dec 2025"))

A suppressed figure has no bar, only its text ("<5", "*"): a bar's length would give it
away. Presentation attributes only (no style, no script), as for the map.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from .choropleth import FONT, INK, nice_step

THIS = "#1f4e8c"
BEFORE = "#9db4d6"
LABEL_WIDTH = 180.0
PLOT_WIDTH = 430.0
ROW = 34.0
BAR = 12.0
# Text sizes in the drawing's units (about pixels on the dashboard, which draws the chart
# up to 900 px wide; the committee report prints it 170 mm wide).
TITLE_SIZE, LABEL_SIZE, VALUE_SIZE = 13.0, 12.0, 11.0


@dataclass(frozen=True)
class Bar:
    value: int | None  # None: suppressed
    text: str


def bars(title: str, rows: list[tuple[str, Bar, Bar]], periods: tuple[str, str],
         uid: str = "chart") -> str:
    largest = max([b.value for _, *pair in rows for b in pair if b.value is not None],
                  default=0)
    step = nice_step(largest, 4)
    top = max(step * 4, 1)
    width = LABEL_WIDTH + PLOT_WIDTH + 40
    height = 52 + ROW * len(rows) + 26
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" viewBox="0 0 {width:.0f} '
        f'{height:.0f}" width="{width:.0f}" height="{height:.0f}" role="img" '
        f'aria-labelledby="{uid}-title">',
        f'<title id="{uid}-title">{escape(title)}: {escape(periods[0])} and '
        f'{escape(periods[1])}, by district</title>',
        f'<text x="0" y="16" font-family="{FONT}" font-size="{TITLE_SIZE}" font-weight="bold" '
        f'fill="{INK}">{escape(title)}</text>',
        _key(LABEL_WIDTH, 26, periods),
    ]
    y0 = 46.0
    for tick in range(5):
        value = step * tick
        x = LABEL_WIDTH + PLOT_WIDTH * value / top
        out.append(f'<line x1="{x:.1f}" y1="{y0 - 2:.0f}" x2="{x:.1f}" '
                   f'y2="{y0 + ROW * len(rows):.0f}" stroke="#d9dee7" stroke-width="0.8"/>'
                   f'<text x="{x:.1f}" y="{y0 + ROW * len(rows) + 16:.0f}" text-anchor="middle" '
                   f'font-family="{FONT}" font-size="{VALUE_SIZE}" fill="#5b6475">{value:,}</text>')
    for index, (name, now, then) in enumerate(rows):
        y = y0 + index * ROW
        out.append(f'<text x="{LABEL_WIDTH - 8:.0f}" y="{y + 19:.0f}" text-anchor="end" '
                   f'font-family="{FONT}" font-size="{LABEL_SIZE}" fill="{INK}">'
                   f'{escape(name)}</text>')
        for offset, bar, colour in ((3, now, THIS), (3 + BAR + 2, then, BEFORE)):
            length = PLOT_WIDTH * (bar.value or 0) / top if bar.value is not None else 0
            if bar.value is not None and bar.value > 0:
                out.append(f'<rect x="{LABEL_WIDTH:.0f}" y="{y + offset:.0f}" '
                           f'width="{max(length, 1):.1f}" height="{BAR:.0f}" fill="{colour}"/>')
            out.append(f'<text x="{LABEL_WIDTH + length + 5:.1f}" y="{y + offset + 10:.0f}" '
                       f'font-family="{FONT}" font-size="{VALUE_SIZE}" fill="{INK}">'
                       f'{escape(bar.text)}</text>')
    out.append("</svg>")
    return "".join(out)


def _key(x: float, y: float, periods: tuple[str, str]) -> str:
    parts = []
    for colour, label in ((THIS, periods[0]), (BEFORE, periods[1])):
        parts.append(f'<rect x="{x:.0f}" y="{y - 10:.0f}" width="12" height="12" '
                     f'fill="{colour}"/><text x="{x + 17:.0f}" y="{y:.0f}" font-family="{FONT}" '
                     f'font-size="{LABEL_SIZE}" fill="{INK}">{escape(label)}</text>')
        x += 30 + 7 * len(label)
    return "".join(parts)
