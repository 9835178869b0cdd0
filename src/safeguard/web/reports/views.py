"""The statistics dashboard and the committee report button.

Figures are aggregated across every agency's records, so only analysts and supervisors
(of any agency) open them (ROLES); the dashboard shows exact figures, or the figures as
they would be published (suppressed). The report is always suppressed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from .. import audit
from ..accounts.models import Role
from ..audit.models import Action
from ..policy import require_role
from ..safeguarding.clock import today
from . import committee
from .figures import BY_KEY, MEASURES, compute
from .pdf import html_to_pdf
from .periods import Period, PeriodError, last_quarter, parse
from .pictures import chart_svg, map_svg, period_title
from .publication import publish

ROLES = (Role.ANALYST, Role.SUPERVISOR)
DEFAULT_MEASURE = "children_at_risk"


def presets(day: date) -> list[tuple[str, Period]]:
    first = day.replace(day=1)
    last_month_end = first - timedelta(days=1)
    year_ago = date(first.year - 1, first.month, 1)
    return [
        ("Last quarter", last_quarter(day)),
        ("Last month", Period(last_month_end.replace(day=1), last_month_end)),
        ("Last 12 months", Period(year_ago, last_month_end)),
    ]


def _period(data: Any) -> tuple[Period, str]:
    start, end = str(data.get("from", "")).strip(), str(data.get("to", "")).strip()
    if not start and not end:
        return last_quarter(today()), ""
    try:
        return parse(start[:10], end[:10]), ""
    except PeriodError as exc:
        return last_quarter(today()), str(exc)


def dashboard(request: HttpRequest) -> HttpResponse:
    require_role(request, *ROLES)
    period, problem = _period(request.GET)
    published = request.GET.get("view") == "published"
    key = request.GET.get("measure", DEFAULT_MEASURE)
    if key not in BY_KEY or not BY_KEY[key].by_district:
        key = DEFAULT_MEASURE
    pub = publish(compute(period), compute(period.previous()), suppress=published)
    audit.record(request, Action.VIEW, page="statistics", start=str(period.start),
                 end=str(period.end), view="published" if published else "exact",
                 measure=key)
    return render(request, "reports/dashboard.html", {
        "pub": pub, "problem": problem, "published": published, "measure": key,
        "table": pub.measures[key],
        "map": map_svg(pub, key), "chart": chart_svg(pub, key),
        "map_title": period_title(pub, key),
        "choices": [(m.key, f"{m.group}: {m.label}") for m in MEASURES if m.by_district],
        "presets": presets(today()),
    }, status=400 if problem else 200)


@require_POST
def report(request: HttpRequest) -> HttpResponse:
    """The committee report for the period, as a download (PDF or HTML)."""
    require_role(request, *ROLES)
    try:
        period = parse(str(request.POST.get("from", ""))[:10], str(request.POST.get("to", ""))[:10])
    except PeriodError as exc:
        return HttpResponse(f"{exc}\n", status=400, content_type="text/plain; charset=utf-8")
    kind = "html" if request.POST.get("format") == "html" else "pdf"
    html = committee.render_html(committee.build(period))
    name = f"{committee.file_stem(period)}.{kind}"
    if kind == "pdf":
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    else:
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    audit.record(request, Action.EXPORT, page="committee report", start=str(period.start),
                 end=str(period.end), format=kind)
    return response
