"""The district map as SVG: shaded by a figure, with a legend, hotspots outlined.

    svg = render(dmap, {"E06000021": MapValue(31, "31"), ...}, title="Missing episodes")

Classes: five of equal width from 0 to the largest value shown, rounded to 1, 2 or 5
times a power of ten. Colours: ColorBrewer's "OrRd" (Cynthia Brewer, Apache-2.0).
A **hotspot** is a district whose figure is at least 5 and more than one standard
deviation above the mean of the districts' figures (at least three districts shown);
it gets a heavy outline and its label is set in bold. A suppressed figure ("<5", "*")
is drawn hatched in grey, never shaded, so the map cannot reveal it.

Only SVG presentation attributes are used (no style attribute, no script): the page's
Content-Security-Policy allows them, and WeasyPrint draws them in the PDF.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from .maps import DistrictMap

COLOURS = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")
NO_FIGURE = "#eceff3"
INK = "#1d2330"
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
LEGEND_WIDTH = 190.0


@dataclass(frozen=True)
class MapValue:
    value: int | None  # None: not shown (suppressed or not available)
    text: str


def nice_step(largest: int, classes: int = len(COLOURS)) -> int:
    raw = max(1.0, largest / classes)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)  # pragma: no cover


def class_of(value: int, step: int) -> int:
    """Class 0 holds 0..step, class i (i >= 1) holds i*step+1..(i+1)*step."""
    return min(len(COLOURS) - 1, max(0, math.ceil(value / step) - 1))


def hotspots(values: Mapping[str, int]) -> set[str]:
    if len(values) < 3:
        return set()
    figures = list(values.values())
    mean, spread = statistics.fmean(figures), statistics.pstdev(figures)
    if spread == 0:
        return set()
    return {code for code, v in values.items() if v >= 5 and v > mean + spread}


def _lines(name: str, width: int = 13) -> list[str]:
    if len(name) <= width:
        return [name]
    cuts = [i for i, ch in enumerate(name) if ch in " -"]
    if not cuts:
        return [name]
    cut = min(cuts, key=lambda i: abs(i - len(name) / 2))
    head = name[:cut + 1].rstrip() if name[cut] == "-" else name[:cut]
    return [head, name[cut + 1:]]


def render(dmap: DistrictMap, values: Mapping[str, MapValue], *, title: str,
           uid: str = "map") -> str:
    shown = {code: v.value for code, v in values.items()
             if v.value is not None and code in dmap.shapes}
    step = nice_step(max(shown.values(), default=0))
    hot = hotspots(shown)
    any_hidden = any(v.value is None for code, v in values.items() if code in dmap.shapes)
    width = dmap.width + LEGEND_WIDTH
    height = max(dmap.height, 230.0) + 28
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="district-map" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'role="img" aria-labelledby="{uid}-title">',
        f'<title id="{uid}-title">{escape(title)} by district</title>',
        f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{NO_FIGURE}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#9aa3b2" stroke-width="1.5"/></pattern></defs>',
    ]
    for code, shape in dmap.shapes.items():
        value = values.get(code)
        if value is not None and value.value is not None:
            fill = COLOURS[class_of(value.value, step)]
        else:
            fill = f"url(#{uid}-hatch)" if value is not None else NO_FIGURE
        text = value.text if value is not None else "no figure"
        out.append(f'<g class="district" data-code={quoteattr(code)}>'
                   f'<title>{escape(shape.name)}: {escape(text)}</title>'
                   f'<path d="{shape.fill}" fill={quoteattr(fill)} stroke={quoteattr(fill)} '
                   f'stroke-width="0.6"/></g>')
    if dmap.borders:
        out.append(f'<path d="{dmap.borders}" fill="none" stroke="#4a5160" '
                   f'stroke-width="1.1" stroke-linecap="round"/>')
    else:
        for shape in dmap.shapes.values():
            out.append(f'<path d="{shape.outline}" fill="none" stroke="#4a5160" '
                       f'stroke-width="0.8"/>')
    for code in sorted(hot):
        out.append(f'<path class="hotspot" d="{dmap.shapes[code].outline}" fill="none" '
                   f'stroke="{INK}" stroke-width="3.2" stroke-linecap="round"/>')
    for code, shape in dmap.shapes.items():
        value = values.get(code)
        out.append(_label(shape.label_at, _lines(shape.name),
                          value.text if value is not None else "", bold=code in hot))
    out.append(_legend(dmap.width + 12, step, shown, any_hidden, bool(hot), title, uid))
    notes = " ".join([*dmap.notes, dmap.attribution])
    out.append(f'<text x="{MARGIN_TEXT}" y="{height - 8:.0f}" font-family="{FONT}" '
               f'font-size="8" fill="#5b6475">{escape(notes)}</text>')
    out.append("</svg>")
    return "".join(out)


MARGIN_TEXT = 8


def _label(at: tuple[float, float], lines: list[str], figure: str, bold: bool) -> str:
    x, y = at
    rows = [*lines, figure] if figure else lines
    top = y - (len(rows) - 1) * 5.5
    weight = "bold" if bold else "normal"
    parts = []
    for halo in (True, False):
        paint = ('fill="#ffffff" stroke="#ffffff" stroke-width="3" stroke-linejoin="round"'
                 if halo else f'fill="{INK}"')
        for i, row in enumerate(rows):
            size = 9.5 if i == len(rows) - 1 and figure else 8
            row_weight = "bold" if (i == len(rows) - 1 and figure) else weight
            parts.append(f'<text x="{x:.1f}" y="{top + i * 11:.1f}" text-anchor="middle" '
                         f'font-family="{FONT}" font-size="{size}" font-weight="{row_weight}" '
                         f'{paint}>{escape(row)}</text>')
    return '<g class="label" aria-hidden="true">' + "".join(parts) + "</g>"


def _legend(x: float, step: int, shown: Mapping[str, int], hidden: bool, hot: bool,
            title: str, uid: str) -> str:
    y = 20.0
    parts = [f'<text x="{x:.0f}" y="{y:.0f}" font-family="{FONT}" font-size="10" '
             f'font-weight="bold" fill="{INK}">{escape(_lines(title, 26)[0])}</text>']
    extra = _lines(title, 26)[1:]
    for line in extra:
        y += 12
        parts.append(f'<text x="{x:.0f}" y="{y:.0f}" font-family="{FONT}" font-size="10" '
                     f'font-weight="bold" fill="{INK}">{escape(line)}</text>')
    y += 10
    for index, colour in enumerate(COLOURS if shown else ()):
        low = 0 if index == 0 else index * step + 1
        high = (index + 1) * step
        label = f"{low:,}–{high:,}" if high > low else f"{low:,}"
        if index == len(COLOURS) - 1:
            label = f"{low:,} and more"
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="16" height="12" fill="{colour}" '
                     f'stroke="#4a5160" stroke-width="0.5"/>'
                     f'<text x="{x + 22:.0f}" y="{y + 10:.0f}" font-family="{FONT}" '
                     f'font-size="9" fill="{INK}">{escape(label)}</text>')
        y += 16
    if hidden:
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="16" height="12" '
                     f'fill="url(#{uid}-hatch)" stroke="#4a5160" stroke-width="0.5"/>'
                     f'<text x="{x + 22:.0f}" y="{y + 10:.0f}" font-family="{FONT}" '
                     f'font-size="9" fill="{INK}">not published (&lt;5 or *)</text>')
        y += 16
    if hot:
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="16" height="12" fill="#ffffff" '
                     f'stroke="{INK}" stroke-width="2.5"/>'
                     f'<text x="{x + 22:.0f}" y="{y + 10:.0f}" font-family="{FONT}" '
                     f'font-size="9" fill="{INK}">hotspot: more than one</text>'
                     f'<text x="{x + 22:.0f}" y="{y + 21:.0f}" font-family="{FONT}" '
                     f'font-size="9" fill="{INK}">standard deviation above</text>'
                     f'<text x="{x + 22:.0f}" y="{y + 32:.0f}" font-family="{FONT}" '
                     f'font-size="9" fill="{INK}">the districts\' mean</text>')
        y += 38
    if not shown:
        parts.append(f'<text x="{x:.0f}" y="{y + 10:.0f}" font-family="{FONT}" font-size="9" '
                     f'fill="{INK}">No district figure to shade.</text>')
    return "".join(parts)
