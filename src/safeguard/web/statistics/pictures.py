"""The map and the charts of a publication, as SVG markup for a page or the report."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from ..core.formats import day
from ..core.models import Area
from .charts import Bar, bars
from .choropleth import MapValue, render
from .maps import district_map
from .periods import Period
from .publication import Publication


def period_title(pub: Publication, key: str) -> str:
    table = pub.measures[key]
    when = f"at {day(pub.period.end)}" if table.measure.snapshot else pub.period.label()
    return f"{table.measure.label}, {when}"


def map_svg(pub: Publication, key: str, uid: str = "map", notes: bool = True) -> SafeString:
    areas = list(Area.objects.filter(active=True).values_list("ons_code", "name"))
    dmap = district_map(areas)
    table = pub.measures[key]
    values = {pub.codes[row.district]: MapValue(row.this.shown, row.this.text)
              for row in table.rows if row.district in pub.codes}
    title = period_title(pub, key)
    # Our own markup: every text in it is escaped by the renderer.
    return mark_safe(render(dmap, values, title=title, uid=uid, notes=notes))


def anything_shown(pub: Publication, key: str, previous: bool = False) -> bool:
    """Whether a district's figure of `key` is published (this period's, or either period's
    with `previous`): a map or chart of nothing but suppressed figures says nothing."""
    return any(row.this.shown is not None or (previous and row.before.shown is not None)
               for row in pub.measures[key].rows)


def chart_svg(pub: Publication, key: str, uid: str = "chart") -> SafeString:
    table = pub.measures[key]
    rows = [(row.name, Bar(row.this.shown, row.this.text),
             Bar(row.before.shown, row.before.text)) for row in table.rows]
    periods = (_short(pub.period), _short(pub.previous))
    return mark_safe(bars(table.measure.label, rows, periods, uid=uid))


def _short(period: Period) -> str:
    if period.whole_months == 1:
        return f"{period.start:%b %Y}"
    start, end = f"{period.start.day} {period.start:%b}", f"{period.end.day} {period.end:%b %Y}"
    if period.start.year == period.end.year:
        return f"{start}–{end}"
    return f"{start} {period.start:%Y}–{end}"
