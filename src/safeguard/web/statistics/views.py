"""The statistics dashboard and the committee report button.

Figures are aggregated across every agency's records, so only analysts and supervisors
(of any agency) open them (ROLES). The dashboard shows the figures as they would be
published (suppressed) to everyone; exact figures only to police analysts and
supervisors, and only for periods of at least MIN_EXACT_DAYS: many of the measures come
from police records, and exact counts for one day, differenced day by day with local
knowledge, could point at a person (security review). The report is always suppressed,
and its PDF (seconds of CPU each) is limited per person.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from .. import audit
from ..accounts.models import Role, User
from ..audit.models import Action
from ..core.clock import today
from ..core.policy import is_police, require_section
from . import committee
from .figures import BY_KEY, MEASURES, compute
from .licensing import context as licensing_context
from .outcomes import build as outcome_lines
from .pdf import html_to_pdf
from .periods import Period, PeriodError, last_quarter, parse
from .pictures import chart_svg, map_svg, period_title
from .police_figures import context as police_context
from .publication import publish
from .rates import build as rate_table
from .suppression import THRESHOLD
from .timeliness import build as online_steps

ROLES = (Role.ANALYST, Role.SUPERVISOR)
DEFAULT_MEASURE = "children_at_risk"
MIN_EXACT_DAYS = 28
REPORTS_PER_HOUR = 12


def may_see_exact(user: User) -> bool:
    return is_police(user)


def presets(day: date) -> list[tuple[str, Period]]:
    first = day.replace(day=1)
    last_month_end = first - timedelta(days=1)
    year_ago = date(first.year - 1, first.month, 1)
    return [
        ("Last quarter", last_quarter(day)),
        ("Last month", Period(last_month_end.replace(day=1), last_month_end)),
        ("Last 12 months", Period(year_ago, last_month_end)),
    ]


def measure_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The measures a map can show, under their groups (an <optgroup> each): "Children at
    risk" once, then its measures, rather than the group's name before every one."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for measure in MEASURES:
        if measure.by_district:
            groups.setdefault(measure.group, []).append((measure.key, measure.label))
    return list(groups.items())


def _period(data: Any) -> tuple[Period, str]:
    start, end = str(data.get("from", "")).strip(), str(data.get("to", "")).strip()
    if not start and not end:
        return last_quarter(today()), ""
    try:
        return parse(start[:10], end[:10]), ""
    except PeriodError as exc:
        return last_quarter(today()), str(exc)


def dashboard(request: HttpRequest) -> HttpResponse:
    user = require_section(request, "statistics")
    period, problem = _period(request.GET)
    exact_allowed = may_see_exact(user) and period.days >= MIN_EXACT_DAYS
    published = request.GET.get("view") == "published" or not exact_allowed
    key = request.GET.get("measure", DEFAULT_MEASURE)
    if key not in BY_KEY or not BY_KEY[key].by_district:
        key = DEFAULT_MEASURE
    pub = publish(compute(period), compute(period.previous()), suppress=published)
    audit.record(request, Action.VIEW, page="statistics", start=str(period.start),
                 end=str(period.end), view="published" if published else "exact",
                 measure=key)
    return render(request, "statistics/dashboard.html", {
        "pub": pub, "problem": problem, "published": published, "measure": key,
        "table": pub.measures[key],
        "map": map_svg(pub, key), "chart": chart_svg(pub, key),
        "map_title": period_title(pub, key),
        "choices": measure_choices(),
        "presets": presets(today()),
        "exact_allowed": exact_allowed, "police": may_see_exact(user),
        "min_exact_days": MIN_EXACT_DAYS,
        # People sharing and operations' arrests and charges: police records, shown by
        # the same rule as the exact figures (police_figures.py).
        **police_context(period, user, suppress=published),
        # Rates per 10,000 children and the outcome measures, as the report has them.
        "rates": rate_table(pub), "outcomes": outcome_lines(pub, online_steps(period)),
        # CSE and licensing (licensing.py), by the same rule; the templates shared with the
        # report say "below {{ threshold }}".
        **licensing_context(period, suppress=published), "threshold": THRESHOLD,
    }, status=400 if problem else 200)


def over_limit(kind: str, user: User, per_hour: int, what: str) -> HttpResponse | None:
    """429 with Retry-After once `user` has made `per_hour` of `kind` this hour (PDFs cost
    seconds of CPU each), else None (and the one asked for is counted)."""
    from ..core.ratelimit import hit

    made = hit(kind, str(user.pk), per_hour, 3600)
    if not made.exceeded:
        return None
    response = HttpResponse(f"At most {per_hour} {what} an hour: try again in "
                            f"{made.retry_after // 60 + 1} minutes.\n", status=429,
                            content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(made.retry_after)
    return response


@require_POST
def report(request: HttpRequest) -> HttpResponse:
    """The committee report for the period: the PDF as a download, the HTML opened."""
    user = require_section(request, "statistics")
    try:
        period = parse(str(request.POST.get("from", ""))[:10], str(request.POST.get("to", ""))[:10])
    except PeriodError as exc:
        return HttpResponse(f"{exc}\n", status=400, content_type="text/plain; charset=utf-8")
    if (refused := over_limit("committee-report", user, REPORTS_PER_HOUR, "reports")):
        return refused
    kind = "html" if request.POST.get("format") == "html" else "pdf"
    html = committee.render_html(committee.build(period), viewer=user)
    name = f"{committee.file_stem(period)}.{kind}"
    if kind == "pdf":
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        # Opened in the browser (saved under its name if the user saves it). Its stylesheet
        # is inline, so that the file can be mailed: the page's policy allows that one
        # stylesheet by its hash and nothing else.
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{name}"'
        response["Content-Security-Policy"] = committee.REPORT_POLICY
    audit.record(request, Action.EXPORT, page="committee report", start=str(period.start),
                 end=str(period.end), format=kind)
    return response
