"""The live picture: distinct subjects seen sharing known material in the last hour and the
last day, per district, and a chart of them hour by hour.

- The counts read the sightings themselves through the partial index `sighting_live`
  (agency, observed_at, district, subject WHERE known): the last day of a busy force is
  tens of thousands of index entries, read without touching the table.
- The chart reads the hourly counts (HourlyCount: distinct subjects per hour and
  district, and for every district, kept by the imports from the rollup HourlyPresence):
  a week is 168 rows, however many sightings there were.

The chart is an SVG drawn here, on the server: no script, no library, no other site
(the content security policy allows neither). Its numbers are also in a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ...core.formats import day, moment
from ...core.models import Area
from ..models import ALL_DISTRICTS, HourlyCount, Sighting
from ..scoring.stats import hour_of


@dataclass(frozen=True)
class DistrictCount:
    district_id: int | None
    name: str
    last_hour: int
    last_day: int


@dataclass(frozen=True)
class LivePicture:
    at: datetime
    districts: list[DistrictCount]
    last_hour: int
    last_day: int
    chart: list[tuple[datetime, int]]


def _windows(agency_id: int, now: datetime) -> tuple[dict[int | None, int], int,
                                                     dict[int | None, int], int]:
    """Distinct subjects in the last hour and the last day, per district and in total:
    two aggregates over one index range (the day's entries), counted in the database."""
    hour_ago = now - timedelta(hours=1)
    day = Sighting.objects.filter(agency_id=agency_id, known=True,
                                  observed_at__gt=now - timedelta(days=1), observed_at__lte=now)
    counts = {
        "in_day": Count("subject_id", distinct=True),
        "in_hour": Count("subject_id", distinct=True, filter=Q(observed_at__gt=hour_ago)),
    }
    hour: dict[int | None, int] = {}
    days: dict[int | None, int] = {}
    for row in day.values("district_id").annotate(**counts).order_by():
        days[row["district_id"]] = row["in_day"]
        hour[row["district_id"]] = row["in_hour"]
    totals = day.aggregate(**counts)
    return hour, int(totals["in_hour"] or 0), days, int(totals["in_day"] or 0)


def chart_series(agency_id: int, now: datetime, hours: int,
                 district_key: int | None = None) -> list[tuple[datetime, int]]:
    """(hour, distinct subjects) for the `hours` hours up to the current one, from the
    hourly counts (one row an hour)."""
    current = hour_of(now)
    start = current - timedelta(hours=hours - 1)
    key = ALL_DISTRICTS if district_key is None else district_key
    found = dict(HourlyCount.objects.filter(
        agency_id=agency_id, district_key=key, hour__gte=start, hour__lte=current,
    ).values_list("hour", "subjects"))
    return [(start + timedelta(hours=i), int(found.get(start + timedelta(hours=i), 0)))
            for i in range(hours)]


def live_picture(agency_id: int, now: datetime, hours: int,
                 district_key: int | None = None) -> LivePicture:
    hour, hour_total, day, day_total = _windows(agency_id, now)
    rows = [DistrictCount(area.pk, area.name, hour.get(area.pk, 0), day.get(area.pk, 0))
            for area in Area.objects.filter(active=True)]
    if day.get(None) or hour.get(None):
        rows.append(DistrictCount(None, "No district resolved", hour.get(None, 0),
                                  day.get(None, 0)))
    return LivePicture(now, rows, hour_total, day_total,
                       chart_series(agency_id, now, hours, district_key))


WIDTH, HEIGHT = 760, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 12, 30
LABEL_CHAR = 7.0  # the width of a character of an axis label (11px), for the right edge


def _nice_ceiling(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return value


def svg_chart(series: list[tuple[datetime, int]], title: str) -> SafeString:
    """Bars, one an hour, with gridlines, day labels (local time) and a text alternative."""
    if not series:
        return mark_safe("")
    top = _nice_ceiling(max(count for _, count in series) or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bar_w = plot_w / len(series)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(_describe(series))}</desc>',
    ]
    for i in range(5):
        value = top * i // 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{LEFT - 4}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{value}</text>')
    for index, (hour, count) in enumerate(series):
        height = plot_h * count / top
        x = LEFT + index * bar_w
        local = timezone.localtime(hour)
        parts.append(
            f'<rect class="bar" x="{x:.2f}" y="{TOP + plot_h - height:.2f}" '
            f'width="{max(bar_w - 0.6, 0.6):.2f}" height="{height:.2f}">'
            f'<title>{moment(local)}: {count}</title></rect>')
        if local.hour == 0 or index == 0:
            parts.append(f'<line class="tick" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP + plot_h}" '
                         f'y2="{TOP + plot_h + 5}"/>')
            label = day(local, year=False)
            # A label that would run past the chart's right edge (the day that has just
            # begun) is left out: its tick still marks midnight.
            if x + 2 + LABEL_CHAR * len(label) <= WIDTH:
                parts.append(f'<text class="axis" x="{x + 2:.1f}" y="{HEIGHT - 8}">'
                             f'{label}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every value above is a number or escaped


def _describe(series: list[tuple[datetime, int]]) -> str:
    peak_at, peak = max(series, key=lambda item: item[1])
    latest = series[-1][1]
    return (f"{len(series)} hours; highest {peak} at "
            f"{moment(peak_at)}; this hour {latest}")
