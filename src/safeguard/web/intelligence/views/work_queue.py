"""The ranked work queue and the live picture."""

from __future__ import annotations

import re
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ... import audit
from ...accounts.models import User
from ...audit.models import Action
from ...core.clock import now
from ...core.formats import moment
from ...core.models import Area
from ...core.params import page_number, record_id
from ...middleware import keep_idle_clock
from ..access import CASE_ROLES, require_intelligence
from ..conf import intel_rules
from ..linking.identifiers import IdentifierError, Kind, normalise
from ..live.picture import live_picture, svg_chart
from ..models import OPEN_STATUSES, Band, Link, Subject, SubjectStatus
from ..scoring.score import NOTE, Explanation, access_expression, explain, rescore_due

PAGE_SIZE = 50
STATUS_FILTERS = [("open", "Open (new and developing)"),
                  ("reopened", "Open: seen again after a decision"), *[
    (s.value, s.label) for s in SubjectStatus if s != SubjectStatus.MERGED], ("all", "All")]


def search(agency_id: int, text: str) -> QuerySet[Subject]:
    """Subjects by label (S-000042) or by an identifier, written any way it normalises."""
    label = re.fullmatch(r"S-?0*(\d+)", text.strip().upper())
    if label:
        return Subject.objects.filter(owning_agency_id=agency_id, pk=int(label.group(1)))
    values = {text.strip()}
    for kind in (Kind.EMAIL, Kind.PHONE, Kind.IP):
        try:
            values.add(normalise(kind, text))
        except IdentifierError:
            continue
    links = Link.objects.filter(subject__owning_agency_id=agency_id).filter(
        Q(value__in=values) | Q(value__iendswith=":" + text.strip().lower()))
    return Subject.objects.filter(pk__in=links.values("subject_id"))


def work_queue(request: HttpRequest) -> HttpResponse:
    user = require_intelligence(request)
    moment = now()
    subjects = Subject.objects.filter(owning_agency_id=user.agency_id)
    status = request.GET.get("status", "open")
    if status == "open":
        subjects = subjects.filter(status__in=OPEN_STATUSES)
    elif status == "reopened":
        subjects = subjects.filter(status__in=OPEN_STATUSES, reopened_at__isnull=False)
    elif status in SubjectStatus.values:
        subjects = subjects.filter(status=status)
    else:
        status = "all"
        subjects = subjects.exclude(status=SubjectStatus.MERGED)
    district = request.GET.get("district", "")
    if (district_id := record_id(district)) is not None:
        subjects = subjects.filter(district_id=district_id)
    elif district == "none":
        subjects = subjects.filter(district=None)
    text = request.GET.get("q", "").strip()[:300]
    if text:
        subjects = subjects.filter(pk__in=search(user.agency_id or 0, text).values("pk"))
    rescore_due(user.agency_id or 0, moment)
    # The stored score (index subject_queue); the access value for the explanations.
    ranked = subjects.annotate(access_value=access_expression()).select_related(
        "district").order_by("-score", "-last_seen_at", "pk")
    page = Paginator(ranked, PAGE_SIZE).get_page(page_number(request.GET.get("page", "")))
    first = page.start_index()
    subject_url = reverse("intelligence:subject_detail", args=[0]).replace("/0/", "/{}/")
    rows = [_row(first + i, subject, explain(subject, moment), subject_url)
            for i, subject in enumerate(page.object_list)]
    # What counts most is named where it changes from the row above (ditto marks below).
    for above, row in zip([None, *rows], rows, strict=False):
        row["as_above"] = above is not None and bool(row["leading"]) and (
            row["leading"] == above["leading"])
    audit.record(request, Action.VIEW, page="intelligence queue", status=status,
                 district=district, q=text, page_number=page.number)
    return render(request, "intelligence/work_queue.html", {
        "rows": rows, "page": page,
        "status": status, "statuses": STATUS_FILTERS,
        "district": district, "districts": Area.objects.filter(active=True), "q": text,
        "note": NOTE, "may_open_case": user.role in CASE_ROLES,
    })


BAND_LABELS = dict(Band.choices)


def _row(rank: int, subject: Subject, explanation: Explanation, url: str) -> dict[str, Any]:
    """What a queue row shows, formatted here: the template only prints (50 rows of
    template tags cost more than the query)."""
    seen = subject.last_seen_at
    return {
        "rank": rank, "subject": subject, "url": url.format(subject.pk),
        "score": f"{subject.score:.1f}",
        "band": BAND_LABELS.get(subject.band, "not assessed"),
        "leading": tuple(sorted(p.label for p in explanation.leading)),
        "factors": "; ".join(f"{p.label} {p.points:.1f}" for p in explanation.leading) or "—",
        "district": subject.district.name if subject.district else "—",
        "last_seen": moment(seen) or "—",
        "status": subject.get_status_display() + (
            f" (seen again after: {subject.get_reopened_from_display()})"
            if subject.reopened_at and subject.is_open else ""),
    }



def live(request: HttpRequest) -> HttpResponse:
    user = require_intelligence(request)
    district = request.GET.get("district", "")
    audit.record(request, Action.VIEW, page="live picture", district=district)
    return render(request, "intelligence/live.html", _live_context(user, district))


def live_update(request: HttpRequest) -> HttpResponse:
    """The live page's refresh (live.js, every LIVE_REFRESH_SECONDS while it is shown): the
    same figures as a fragment of the page. As for a triage's progress, the refresh is
    neither recorded (the page was) nor activity for the idle timeout."""
    user = require_intelligence(request)
    keep_idle_clock(request)
    return render(request, "intelligence/_live_picture.html",
                  _live_context(user, request.GET.get("district", "")))


LIVE_REFRESH_SECONDS = 60


def _live_context(user: User, district: str) -> dict[str, Any]:
    rules = intel_rules()
    key = record_id(district) if district != "none" else 0
    picture = live_picture(user.agency_id or 0, now(), rules.live_chart_hours, key)
    name = "every district"
    if key:
        name = str(Area.objects.filter(pk=key).first() or "a district")
    elif key == 0:
        name = "no district resolved"
    title = (f"Distinct subjects seen sharing known material each hour, last "
             f"{rules.live_chart_hours} hours, {name}")
    # The chart's figures, formatted here (168 rows of template filters cost more than
    # the queries).
    figures = [(moment(hour, weekday=True), count) for hour, count in picture.chart]
    return {
        "picture": picture, "chart": svg_chart(picture.chart, title), "chart_title": title,
        "district": district, "figures": figures, "refresh_seconds": LIVE_REFRESH_SECONDS,
        "districts": [(str(row.district_id), row.name) for row in picture.districts
                      if row.district_id is not None],
    }
