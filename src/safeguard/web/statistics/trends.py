"""Eight quarters of the committee's main figures, for the whole area, as charts.

    trend = quarters_to(date(2026, 3, 31))      # Apr–Jun 2024 … Jan–Mar 2026
    series = build(trend)                        # {key: [Point, …]}, suppressed

Only fixed periods are trended — calendar quarters — so that no two published periods
overlap and can be differenced. Each quarter's figure is exactly what that quarter's own
committee report publishes for the whole area: the quarter published beside the one
before it (publication.publish), so a total withheld there (*) is withheld here, and a
count below 5 reads "<5" with no bar. The quarters are computed once each (figures.compute:
nine for eight points).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from xml.sax.saxutils import escape

from .charts import BEFORE, THIS
from .choropleth import FONT, INK, nice_step
from .figures import BY_KEY, compute
from .periods import Period
from .publication import publish

QUARTERS = 8
MEASURES = ("children_at_risk", "referrals", "missing_episodes", "notices_served",
            "arrests", "concerns_reported")


@dataclass(frozen=True)
class Point:
    quarter: Period
    value: int | None  # None: not published ("<5" or "*")
    text: str

    @property
    def label(self) -> str:
        return quarter_label(self.quarter)


def quarter_label(quarter: Period) -> str:
    """"Jan–Mar 2026": short enough to sit under a bar."""
    return f"{quarter.start:%b}–{quarter.end:%b} {quarter.end:%Y}"


def quarter_of(day: date) -> Period:
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    after = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    return Period(start, after - timedelta(days=1))


def quarters_to(end: date, count: int = QUARTERS) -> list[Period]:
    """The `count` calendar quarters ending with the last one complete on `end`."""
    last = quarter_of(end)
    if last.end != end:
        last = quarter_of(last.start - timedelta(days=1))
    quarters = [last]
    while len(quarters) < count:
        quarters.append(quarter_of(quarters[-1].start - timedelta(days=1)))
    return quarters[::-1]


def build(quarters: list[Period], keys: tuple[str, ...] = MEASURES) -> dict[str, list[Point]]:
    figures = [compute(quarters[0].previous())] + [compute(q) for q in quarters]
    series: dict[str, list[Point]] = {key: [] for key in keys}
    for index, quarter in enumerate(quarters):
        pub = publish(figures[index + 1], figures[index], suppress=True)
        for key in keys:
            cell = pub.measures[key].this_total
            series[key].append(Point(quarter, cell.value if cell.published else None,
                                     cell.text))
    return series


# Drawn two to a row in the report (about 85 mm wide each): at 360 units wide, 11-unit
# text prints at about 7.5 pt.
WIDTH, HEIGHT = 360.0, 210.0
LEFT, TOP, BOTTOM = 38.0, 34.0, 44.0
TEXT = 11


def shown(points: list[Point]) -> bool:
    """False when no quarter's figure is published: the chart would have no bars."""
    return any(p.value is not None for p in points)


def chart(key: str, points: list[Point], uid: str) -> str:
    """Vertical bars, one a quarter, the latest in the darker colour; a suppressed quarter
    has no bar, only its text. Presentation attributes only, as for the other charts."""
    title = BY_KEY[key].label[:1].upper() + BY_KEY[key].label[1:]
    largest = max((p.value for p in points if p.value is not None), default=0)
    step = nice_step(largest, 4)
    top = max(step * 4, 1)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - 8) / max(len(points), 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 '
           f'{WIDTH:.0f} {HEIGHT:.0f}" width="{WIDTH:.0f}" height="{HEIGHT:.0f}" role="img" '
           f'aria-labelledby="{uid}-title">',
           f'<title id="{uid}-title">{escape(title)}, whole area, by quarter: '
           + escape("; ".join(f"{p.label} {p.text}" for p in points)) + '</title>',
           f'<text x="0" y="16" font-family="{FONT}" font-size="13" font-weight="bold" '
           f'fill="{INK}">{escape(title)}</text>']
    for tick in range(5):
        y = TOP + plot_h - plot_h * step * tick / top
        out.append(f'<line x1="{LEFT:.0f}" y1="{y:.1f}" x2="{WIDTH - 8:.0f}" y2="{y:.1f}" '
                   f'stroke="#d9dee7" stroke-width="0.8"/><text x="{LEFT - 5:.0f}" '
                   f'y="{y + 4:.1f}" text-anchor="end" font-family="{FONT}" font-size="{TEXT}" '
                   f'fill="#5b6475">{step * tick:,}</text>')
    for index, point in enumerate(points):
        x = LEFT + slot * index + slot * 0.18
        width = slot * 0.64
        colour = THIS if index == len(points) - 1 else BEFORE
        height = plot_h * (point.value or 0) / top if point.value is not None else 0.0
        if point.value:
            out.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - height:.1f}" width="{width:.1f}" '
                       f'height="{max(height, 1):.1f}" fill="{colour}"/>')
        out.append(f'<text x="{x + width / 2:.1f}" y="{TOP + plot_h - height - 4:.1f}" '
                   f'text-anchor="middle" font-family="{FONT}" font-size="{TEXT}" '
                   f'fill="{INK}">{escape(point.text)}</text>')
        # "Q3" over "2026" (calendar quarters: Q1 is January to March): a month range
        # would not fit under its bar at a readable size.
        number = (point.quarter.start.month - 1) // 3 + 1
        for line, text in enumerate((f"Q{number}", f"{point.quarter.end:%Y}")):
            out.append(f'<text x="{x + width / 2:.1f}" y="{TOP + plot_h + 15 + 12 * line:.1f}" '
                       f'text-anchor="middle" font-family="{FONT}" font-size="{TEXT}" '
                       f'fill="#5b6475">{text}</text>')
    out.append("</svg>")
    return "".join(out)
