"""The committee report: one HTML file and one PDF for a period, for publication.

    paths = write_report(Period(date(2026, 1, 1), date(2026, 3, 31)), Path("out"))

Everything in it is a count by district, suppressed (suppression.py): no name, no
reference, no free text from any record, no figure below 5. The HTML file carries its
own stylesheet and drawings, so that it can be mailed and opened anywhere; the PDF is
printed from the same HTML by WeasyPrint (pdf.py).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from ..accounts.models import User
from . import breakdowns, figures, suppression, timeliness, trends
from .figures import compute
from .licensing import context as licensing_context
from .maps import district_map
from .outcomes import build as outcome_lines
from .pdf import html_to_pdf
from .periods import Period
from .pictures import anything_shown, chart_svg, map_svg
from .police_figures import context as police_context
from .publication import Publication, publish
from .rates import build as rate_table

CSS = Path(__file__).resolve().parent / "static" / "statistics" / "css" / "committee.css"
# The HTML report's Content-Security-Policy when the platform serves it: its one inline
# stylesheet (the file carries its own, to be mailed), by hash; no script, nothing fetched.
_STYLE_HASH = base64.b64encode(
    hashlib.sha256(CSS.read_text(encoding="utf-8").encode()).digest()).decode()
REPORT_POLICY = (f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src 'self'; "
                 "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
MAP_MEASURES = ("children_at_risk", "missing_episodes", "concerns_reported")
CHART_MEASURES = ("referrals", "missing_episodes", "concerns_reported")


@dataclass(frozen=True)
class Written:
    html: Path
    pdf: Path


def build(period: Period) -> Publication:
    return publish(compute(period), compute(period.previous()), suppress=True)


def render_html(pub: Publication, produced: datetime | None = None,
                viewer: User | None = None) -> str:
    """`viewer`: who the copy is made for; the police figures follow the policy
    (police_figures.py), and a copy without one (the command line) has none."""
    from ..core.models import Area

    areas = list(Area.objects.filter(active=True).values_list("ons_code", "name"))
    dmap = district_map(areas)
    context: dict[str, Any] = {
        "pub": pub,
        "produced": timezone.localtime(produced or timezone.now()),
        "css": CSS.read_text(encoding="utf-8"),
        # A map or chart whose every district figure is suppressed is not drawn (a page of
        # hatching): the report says in one sentence what was left out and why.
        "maps": [(pub.measures[key], map_svg(pub, key, uid=f"map-{key}", notes=False))
                 for key in MAP_MEASURES if anything_shown(pub, key)],
        "maps_left_out": [pub.measures[key].measure for key in MAP_MEASURES
                          if not anything_shown(pub, key)],
        "charts": [(pub.measures[key], chart_svg(pub, key, uid=f"chart-{key}"))
                   for key in CHART_MEASURES if anything_shown(pub, key, previous=True)],
        "charts_left_out": [pub.measures[key].measure for key in CHART_MEASURES
                            if not anything_shown(pub, key, previous=True)],
        "district_tables": [table for _, group in pub.groups() for table in group
                            if table.measure.by_district],
        **_trends(pub.period),
        # Stricter protection, fixed periods only (breakdowns.py).
        "breakdowns_fixed": breakdowns.fixed(pub.period),
        "breakdowns": breakdowns.build(pub.period) if breakdowns.fixed(pub.period) else [],
        "breakdowns_not_held": breakdowns.NOT_HELD, "strict": suppression.STRICT,
        "timeliness": timeliness.build(pub.period),
        "definitions": figures.MEASURES,
        "threshold": suppression.THRESHOLD,
        "map_attribution": dmap.attribution,
        "map_schematic": dmap.schematic,
    }
    # Rates per 10,000 children and the outcome measures (rates.py, outcomes.py).
    context.update(rates=rate_table(pub), outcomes=outcome_lines(pub, context["timeliness"]))
    context.update(police_context(pub.period, viewer))
    context.update(licensing_context(pub.period))  # CSE and licensing (licensing.py)
    return render_to_string("statistics/committee_report.html", context)


def _trends(period: Period) -> dict[str, Any]:
    """Eight quarters to the period's end (trends.py); a measure none of whose quarters is
    published is left out, and the report names it."""
    quarters = trends.quarters_to(period.end)
    series = trends.build(quarters)
    return {
        "trend_first": trends.quarter_label(quarters[0]),
        "trend_last": trends.quarter_label(quarters[-1]),
        # Drawn here with every text escaped (trends.chart), as the maps and charts are.
        "trends": [mark_safe(trends.chart(key, points, uid=f"trend-{key}"))
                   for key, points in series.items() if trends.shown(points)],
        "trends_left_out": [figures.BY_KEY[key] for key, points in series.items()
                            if not trends.shown(points)],
    }


def file_stem(period: Period) -> str:
    return f"committee-report-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}"


def write_report(period: Period, out: Path) -> Written:
    html = render_html(build(period))
    out.mkdir(parents=True, exist_ok=True)
    stem = file_stem(period)
    html_path, pdf_path = out / f"{stem}.html", out / f"{stem}.pdf"
    html_path.write_text(html, encoding="utf-8")
    pdf_path.write_bytes(html_to_pdf(html))
    return Written(html_path, pdf_path)
