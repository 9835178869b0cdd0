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
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from .maps import DistrictMap

COLOURS = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")
NO_FIGURE = "#eceff3"
INK = "#1d2330"
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
MIN_WIDTH = 360.0  # room for the legend's two columns under a narrow map
# Text sizes, in the drawing's units: the dashboard draws the map (360 units wide, the
# legend under it) about 1.4 times as large in pixels, the committee report 120 mm wide
# (a unit a third of a millimetre: 10.5 units is about 10 points).
NAME_SIZE, FIGURE_SIZE, LEGEND_SIZE, TITLE_SIZE, NOTE_SIZE = 10.5, 12.5, 11.0, 12.0, 9.5


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
           uid: str = "map", notes: bool = True) -> str:
    """`notes`: the map's source and attribution under it (the committee report says it
    once above its maps instead)."""
    shown = {code: v.value for code, v in values.items()
             if v.value is not None and code in dmap.shapes}
    step = nice_step(max(shown.values(), default=0))
    hot = hotspots(shown)
    any_hidden = any(v.value is None for code, v in values.items() if code in dmap.shapes)
    width = max(dmap.width, MIN_WIDTH)
    legend, legend_height = _legend(dmap.height + 12, width, step, shown, any_hidden,
                                    bool(hot), title, uid)
    note = textwrap.wrap(" ".join([*dmap.notes, dmap.attribution]),
                         int((width - 2 * MARGIN_TEXT) / (NOTE_SIZE * 0.58))) if notes else []
    height = dmap.height + 12 + legend_height + 6 + len(note) * (NOTE_SIZE + 3)
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
    out.append(legend)
    for i, line in enumerate(note):
        y = height - 6 - (len(note) - 1 - i) * (NOTE_SIZE + 3)
        out.append(f'<text x="{MARGIN_TEXT}" y="{y:.0f}" font-family="{FONT}" '
                   f'font-size="{NOTE_SIZE}" fill="#5b6475">{escape(line)}</text>')
    out.append("</svg>")
    return "".join(out)


MARGIN_TEXT = 8


def _label(at: tuple[float, float], lines: list[str], figure: str, bold: bool) -> str:
    x, y = at
    rows = [*lines, figure] if figure else lines
    spacing = NAME_SIZE + 2.5
    top = y - (len(rows) - 1) * spacing / 2
    weight = "bold" if bold else "normal"
    parts = []
    for halo in (True, False):
        paint = ('fill="#ffffff" stroke="#ffffff" stroke-width="3" stroke-linejoin="round"'
                 if halo else f'fill="{INK}"')
        for i, row in enumerate(rows):
            size = FIGURE_SIZE if i == len(rows) - 1 and figure else NAME_SIZE
            row_weight = "bold" if (i == len(rows) - 1 and figure) else weight
            parts.append(f'<text x="{x:.1f}" y="{top + i * spacing:.1f}" text-anchor="middle" '
                         f'font-family="{FONT}" font-size="{size}" font-weight="{row_weight}" '
                         f'{paint}>{escape(row)}</text>')
    return '<g class="label" aria-hidden="true">' + "".join(parts) + "</g>"


def _legend(top: float, width: float, step: int, shown: Mapping[str, int], hidden: bool,
            hot: bool, title: str, uid: str) -> tuple[str, float]:
    """The legend under the map (so that the map itself is drawn as wide as the page
    allows): the title, then the classes in one column and the hatching and the hotspot
    outline in a second. Returns its markup and its height."""
    x, second = float(MARGIN_TEXT), max(width / 2 - 10, 150.0)
    y = top + TITLE_SIZE
    parts = []
    for line in _lines(title, int(width / (TITLE_SIZE * 0.62))):
        parts.append(f'<text x="{x:.0f}" y="{y:.0f}" font-family="{FONT}" '
                     f'font-size="{TITLE_SIZE}" font-weight="bold" fill="{INK}">'
                     f'{escape(line)}</text>')
        y += TITLE_SIZE + 3
    y += 4
    first_y, other_y = y, y
    for index, colour in enumerate(COLOURS if shown else ()):
        low = 0 if index == 0 else index * step + 1
        high = (index + 1) * step
        label = f"{low:,}–{high:,}" if high > low else f"{low:,}"
        if index == len(COLOURS) - 1:
            label = f"{low:,} and more"
        parts.append(_key(x, first_y, f'fill="{colour}" stroke="#4a5160" stroke-width="0.5"',
                          [label]))
        first_y += KEY_ROW
    if not shown:
        parts.append(_key(x, first_y, "", ["No district figure to shade."]))
        first_y += KEY_ROW
    if hidden:
        parts.append(_key(second, other_y, f'fill="url(#{uid}-hatch)" stroke="#4a5160" '
                          'stroke-width="0.5"', ["not published (&lt;5 or *)"], escaped=True))
        other_y += KEY_ROW
    if hot:
        lines = ["hotspot: more than one", "standard deviation above", "the districts' mean"]
        parts.append(_key(second, other_y, f'fill="#ffffff" stroke="{INK}" stroke-width="2.5"',
                          lines))
        other_y += KEY_ROW + (len(lines) - 1) * (LEGEND_SIZE + 3)
    return "".join(parts), max(first_y, other_y) - top


KEY_ROW = 20.0


def _key(x: float, y: float, paint: str, lines: list[str], escaped: bool = False) -> str:
    """One entry of the legend: a swatch (none without `paint`) and its text."""
    out = [f'<rect x="{x:.0f}" y="{y:.0f}" width="18" height="14" {paint}/>'] if paint else []
    text_x = x + 24 if paint else x
    for i, line in enumerate(lines):
        out.append(f'<text x="{text_x:.0f}" y="{y + 11 + i * (LEGEND_SIZE + 3):.0f}" '
                   f'font-family="{FONT}" font-size="{LEGEND_SIZE}" fill="{INK}">'
                   f'{line if escaped else escape(line)}</text>')
    return "".join(out)
