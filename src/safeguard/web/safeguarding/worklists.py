"""Work lists: what is overdue, a practitioner's caseload, and children by risk grade per
district. Each list holds only what the user's agency may see (need_to_know), and every
date it compares against comes from the register's clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse

from ..policy import signed_in_user, visible_to
from .clock import now, today
from .conf import local_rules
from .models import (
    Area,
    Child,
    Concern,
    ConcernStatus,
    FgmDetail,
    HarmKind,
    InterviewStatus,
    MissingEpisode,
    NoticeStatus,
    PanelAction,
    PanelMeeting,
    Referral,
    RiskAssessment,
    RiskGrade,
    WarningNotice,
)
from .need_to_know import visible_child_parts, visible_children, visible_records
from .rules import RETURN_INTERVIEW_HOURS, return_interview_due


def with_current_grade(request: HttpRequest, children: QuerySet[Child]) -> QuerySet[Child]:
    """Annotate each child with the grade and review date of the latest risk screening the
    user may see (current_grade, review_due), and the episodes reported within the
    repeat-missing window (recent_missing)."""
    rules = local_rules()
    latest = visible_to(request, RiskAssessment).filter(child=OuterRef("pk")).order_by(
        "-completed_on", "-pk")
    since = now() - timedelta(days=rules.repeat_missing_days)
    recent = (
        visible_to(request, MissingEpisode)
        .filter(child=OuterRef("pk"), reported_at__gt=since, reported_at__lte=now())
        .order_by().values("child").annotate(n=Count("pk")).values("n")
    )
    return children.annotate(
        current_grade=Subquery(latest.values("grade")[:1]),
        review_due=Subquery(latest.values("review_due")[:1]),
        recent_missing=Coalesce(Subquery(recent, output_field=IntegerField()), Value(0)),
    )


@dataclass(frozen=True)
class Overdue:
    kind: str
    what: str
    child: Any
    due: date | datetime
    url: str
    owner: str = ""


def overdue_items(request: HttpRequest) -> dict[str, list[Overdue]]:
    """Everything overdue that the user's agency may see, by kind."""
    day, moment = today(), now()
    return {
        "Risk screening reviews": list(_risk_reviews(request, day)),
        "Return home interviews": list(_interviews(request, moment)),
        "Referral decisions": [
            Overdue("decision", f"Decision on the referral of {r.received_at:%d/%m/%Y}",
                    r.child, r.decision_due, _url("referral_detail", r.pk))
            for r in visible_child_parts(request, Referral).filter(
                decided_at__isnull=True, decision_due__lt=day).select_related("child")
        ],
        "Assessments": [
            Overdue("assessment", f"Assessment after the referral of {r.received_at:%d/%m/%Y}",
                    r.child, r.assessment_due, _url("referral_detail", r.pk))
            for r in visible_child_parts(request, Referral).filter(
                assessment_due__lt=day, assessment_completed_on__isnull=True
            ).select_related("child")
            if r.assessment_due is not None
        ],
        "Panel actions": [
            Overdue("action", a.description[:120], None, a.due_on,
                    _url("panel_detail", a.meeting_id), a.owner_label)
            for a in PanelAction.objects.filter(
                meeting__in=visible_records(request, PanelMeeting).values("pk"),
                completed_on__isnull=True, due_on__lt=day,
            ).select_related("owner")
        ],
        "Warning notice reviews": [
            Overdue("notice", f"Review of the notice on {n.adult}", None, n.review_due,
                    _url("notice_detail", n.pk))
            for n in visible_records(request, WarningNotice).filter(
                status=NoticeStatus.ACTIVE, review_due__lt=day).select_related("adult")
        ],
        "FGM reports to police": list(_fgm_reports(request, day)),
    }


def _url(name: str, pk: int) -> str:
    return reverse(f"safeguarding:{name}", args=[pk])


def _risk_reviews(request: HttpRequest, day: date) -> Iterable[Overdue]:
    children = with_current_grade(request, visible_children(request)).filter(
        review_due__lt=day).order_by("review_due")  # type: ignore[misc]
    for child in children:
        grade = getattr(child, "current_grade", "")
        yield Overdue("review", f"Risk screening review ({grade.replace('_', ' ')})", child,
                      getattr(child, "review_due", day), _url("child_detail", child.pk))


def _interviews(request: HttpRequest, moment: datetime) -> Iterable[Overdue]:
    hours = timedelta(hours=RETURN_INTERVIEW_HOURS)
    episodes = visible_child_parts(request, MissingEpisode).filter(
        returned_at__isnull=False, returned_at__lt=moment - hours,
        interview_status=InterviewStatus.PENDING,
    ).select_related("child").order_by("returned_at")
    for episode in episodes:
        assert episode.returned_at is not None
        yield Overdue("interview", f"Return home interview after the return of "
                      f"{episode.returned_at:%d/%m/%Y %H:%M}", episode.child,
                      return_interview_due(episode.returned_at),
                      _url("episode_detail", episode.pk))


def _fgm_reports(request: HttpRequest, day: date) -> Iterable[Overdue]:
    concerns = visible_child_parts(request, Concern).filter(
        kind=HarmKind.FGM, status=ConcernStatus.OPEN).select_related("child")
    details = {d.pk: d for d in FgmDetail.objects.filter(
        concern__in=concerns, reported_to_police_on__isnull=True)}
    for concern in concerns:
        detail = details.get(concern.pk)
        if detail is not None and detail.report_overdue(concern.identified_on, day):
            deadlines = detail.deadlines(concern.identified_on)
            label = "FGM report to police"
            if deadlines.past_limit(day):
                label += " (past the one-month limit)"
            yield Overdue("fgm", label, concern.child, deadlines.report_by,
                          _url("concern_detail", concern.pk))


def grades_by_district(request: HttpRequest) -> dict[str, Any]:
    """Counts of visible children per district and current grade (and not screened)."""
    children = with_current_grade(request, visible_children(request))
    columns = [*RiskGrade.choices, ("none", "Not screened")]
    areas = list(Area.objects.all())
    counts: dict[int, dict[str, int]] = {a.pk: {str(key): 0 for key, _ in columns}
                                         for a in areas}
    rows_: Any = children.values_list("district_id", "current_grade")  # type: ignore[misc]
    for district_id, grade in rows_:
        counts[district_id][grade or "none"] += 1
    rows: list[dict[str, Any]] = [
        {"area": area, "cells": [(key, counts[area.pk][key]) for key, _ in columns],
         "total": _total(counts[area.pk])}
        for area in areas
        if area.active or _total(counts[area.pk])
    ]
    totals = [sum(row["cells"][i][1] for row in rows) for i in range(len(columns))]
    return {"columns": columns, "rows": rows, "totals": totals, "total": sum(totals)}


def _total(cells: dict[str, int]) -> int:
    return sum(cells.values(), 0)


def caseload(request: HttpRequest) -> dict[str, Any]:
    user = signed_in_user(request)
    children = with_current_grade(
        request, visible_children(request).filter(lead_practitioner=user)
    ).select_related("district").order_by("last_name", "first_name")
    actions = PanelAction.objects.filter(
        owner=user, completed_on__isnull=True,
        meeting__in=visible_records(request, PanelMeeting).values("pk"),
    ).select_related("meeting").order_by("due_on")
    return {"children": children, "actions": actions}
