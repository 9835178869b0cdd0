"""Work lists: what is overdue, a practitioner's caseload, and children by risk grade per
district. Each list holds only what the user's agency may see (need_to_know), and every
date it compares against comes from the register's clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse

from ..core import formats
from ..core.clock import local_date, now, today
from ..core.models import Area
from ..core.policy import signed_in_user, visible_to
from .conf import local_rules
from .deadlines import fgm_duty, fgm_report_overdue, nrm_clock, order_clock
from .models import (
    Child,
    Concern,
    ConcernStatus,
    EpisodeType,
    FgmDetail,
    ForcedMarriageDetail,
    HarmKind,
    InterviewStatus,
    MissingEpisode,
    NoticeBreach,
    NoticeStatus,
    PanelAction,
    PanelMeeting,
    Placement,
    Referral,
    RiskAssessment,
    RiskGrade,
    TraffickingDetail,
    WarningNotice,
    in_work,
)
from .need_to_know import visible_child_parts, visible_children, visible_records
from .rules import (
    ADULT_AGE,
    RETURN_INTERVIEW_HOURS,
    TRANSITION_MONTHS,
    add_months,
    born_by,
    return_interview_due,
)


def with_current_grade(request: HttpRequest, children: QuerySet[Child]) -> QuerySet[Child]:
    """Annotate each child with the grade and review date of the latest risk screening
    (current_grade, review_due), and the episodes reported within the repeat-missing
    window (recent_missing): from every agency's records about the child and the records
    merged into it, not only those the user may open (flags.py: a flag must not depend on
    who looks; the records themselves stay need-to-know)."""
    rules = local_rules()
    of_child = Q(child=OuterRef("pk")) | Q(child__merged_into=OuterRef("pk"))
    latest = RiskAssessment.objects.filter(of_child).order_by("-completed_on", "-pk")
    since = now() - timedelta(days=rules.repeat_missing_days)
    recent = (
        MissingEpisode.objects
        .filter(of_child, reported_at__gt=since, reported_at__lte=now())
        .order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    )
    return children.annotate(
        current_grade=Subquery(latest.values("grade")[:1]),
        review_due=Subquery(latest.values("review_due")[:1]),
        screened_on=Subquery(latest.values("completed_on")[:1]),
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
            Overdue("decision", f"Decision on the referral of {formats.day(r.received_at)}",
                    r.child, r.decision_due, _url("referral_detail", r.pk))
            for r in visible_child_parts(request, Referral).filter(
                decided_at__isnull=True, decision_due__lt=day).select_related("child")
        ],
        "Assessments": [
            Overdue("assessment", f"Assessment after the referral of {formats.day(r.received_at)}",
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
        "Protection orders expiring or expired": list(_orders(request, day)),
        "NRM reasonable grounds decisions awaited past 5 working days": list(
            _nrm(request, day, conclusive=False)),
        "NRM conclusive grounds awaited": list(_nrm(request, day, conclusive=True)),
        "Children with risk factors, not screened": list(_unscreened(request, day)),
        "Screenings to review: new facts": list(_new_facts(request)),
        "Initial child protection conferences": list(_cp_clock(
            request, day, "icpc_due", "icpc_held_on", "Initial child protection conference")),
        "Core group meetings": list(_cp_clock(
            request, day, "core_group_due", "core_group_held_on", "First core group meeting")),
        "Review child protection conferences": list(_cp_clock(
            request, day, "rcpc_due", "rcpc_held_on", "Review child protection conference")),
        "Warning notices protecting no child": [
            Overdue("notice", f"The notice on {n.adult} protects no child now: record it "
                    "expired", None, n.protection_ends() or day, _url("notice_detail", n.pk))
            for n in visible_records(request, WarningNotice).filter(
                status=NoticeStatus.ACTIVE).exclude(
                links__protection_ends__gt=day).filter(links__isnull=False).distinct()
            .select_related("adult").prefetch_related("links")
        ],
    }


def risk_factors(child: Any, day: date) -> list[str]:
    """The brief's three risk factors the child has today (child annotated by
    with_current_grade): living in residential care, repeat missing, aged 13 to 15."""
    rules = local_rules()
    found = []
    if child.placement == Placement.RESIDENTIAL:
        found.append("living in residential care")
    if getattr(child, "recent_missing", 0) >= rules.repeat_missing_episodes:
        found.append("repeat missing")
    if born_by(day, 16) < child.date_of_birth <= born_by(day, 13):
        found.append(f"aged {child.age_on(day)}")
    return found


def _unscreened(request: HttpRequest, day: date) -> Iterable[Overdue]:
    rules = local_rules()
    since = add_months(day, -rules.unscreened_months)
    children = with_current_grade(request, in_work(visible_children(request))).filter(
        Q(screened_on__isnull=True) | Q(screened_on__lt=since))  # type: ignore[misc]
    for child in children.order_by("date_of_birth"):
        factors = risk_factors(child, day)
        if len(factors) >= rules.unscreened_risk_factors:
            screened = getattr(child, "screened_on", None)
            yield Overdue("unscreened", f"Risk factors: {', '.join(factors)}; "
                          + (f"last screened {formats.day(screened)}" if screened
                             else "never screened"), child,
                          add_months(screened, rules.unscreened_months) if screened else day,
                          _url("assessment_create", child.pk))


def _new_facts(request: HttpRequest) -> Iterable[Overdue]:
    """Children screened before something new was recorded: a missing episode, a notice
    breach or a harm concern after the last screening the user may see prompts a review
    now, not on the review date (suggestions.newer_than, on the child's page, lists
    them with the concern reports of partners too)."""
    children = with_current_grade(request, in_work(visible_children(request))).filter(
        screened_on__isnull=False)  # type: ignore[misc]
    latest_missing = visible_to(request, MissingEpisode).filter(
        child=OuterRef("pk")).order_by("-reported_at").values("reported_at")[:1]
    latest_concern = visible_to(request, Concern).filter(
        child=OuterRef("pk")).order_by("-identified_on").values("identified_on")[:1]
    latest_breach = NoticeBreach.objects.filter(
        notice__in=visible_records(request, WarningNotice).values("pk"),
        child=OuterRef("pk")).order_by("-occurred_at").values("occurred_at")[:1]
    children = children.annotate(missing_at=Subquery(latest_missing),
                                 concern_on=Subquery(latest_concern),
                                 breach_at=Subquery(latest_breach))
    for found in children:
        child: Any = found  # annotated by the query above
        screened = child.screened_on
        news = [(local_date(moment), what) for moment, what in (
            (child.missing_at, "missing episode"),
            (child.breach_at, "notice breach")) if moment is not None]
        if child.concern_on is not None:
            news.append((child.concern_on, "harm concern"))
        newer = sorted((on, what) for on, what in news if on > screened)
        if newer:
            listed = ", ".join(f"{what} of {formats.day(on)}" for on, what in newer)
            yield Overdue("new-facts", f"New since the screening of {formats.day(screened)}: "
                          f"{listed}", child, newer[0][0], _url("assessment_create", child.pk))


def _cp_clock(request: HttpRequest, day: date, due: str, held: str,
              what: str) -> Iterable[Overdue]:
    referrals = visible_child_parts(request, Referral).filter(
        **{f"{due}__lt": day, f"{held}__isnull": True}).select_related("child").order_by(due)
    for referral in referrals:
        yield Overdue("child-protection", f"{what} after the strategy discussion of "
                      f"{formats.day(referral.strategy_discussion_on)}", referral.child,
                      getattr(referral, due), _url("referral_detail", referral.pk))


def _url(name: str, pk: int) -> str:
    return reverse(f"safeguarding:{name}", args=[pk])


def _risk_reviews(request: HttpRequest, day: date) -> Iterable[Overdue]:
    children = with_current_grade(request, in_work(visible_children(request))).filter(
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
    if not local_rules().away_episodes_owe_interview:
        # deadlines.interview_owed: an away episode is owed one only where the area says.
        episodes = episodes.filter(episode_type=EpisodeType.MISSING)
    for episode in episodes:
        assert episode.returned_at is not None
        yield Overdue("interview", f"Return home interview after the return of "
                      f"{formats.moment(episode.returned_at)}", episode.child,
                      return_interview_due(episode.returned_at),
                      _url("episode_detail", episode.pk))


def _fgm_reports(request: HttpRequest, day: date) -> Iterable[Overdue]:
    """Open FGM concerns not reported to police past the next working day, where the
    mandatory duty applies (or may: the record lacks what it turns on); at-risk and
    suspected cases, and those not told to or seen by the professional, follow the usual
    procedures and are not counted here."""
    working = local_rules().working
    for concern, detail in _open_details(request, HarmKind.FGM, FgmDetail):
        duty = fgm_duty(concern, detail, working)
        if fgm_report_overdue(duty, detail, day):
            label = "FGM report to police"
            if duty.deadlines.past_limit(day):
                label += " (past the one-month limit)"
            if duty.applies is None:
                label += ": record how it became known and by whom"
            yield Overdue("fgm", label, concern.child, duty.deadlines.report_by,
                          _url("concern_detail", concern.pk))


def _open_details(request: HttpRequest, kind: str, model: Any) -> Iterable[tuple[Any, Any]]:
    """The open concerns of `kind` the user may see, each with its detail record."""
    concerns = visible_child_parts(request, Concern).filter(
        kind=kind, status=ConcernStatus.OPEN).select_related("child").order_by("identified_on")
    details = {d.pk: d for d in model.objects.filter(concern__in=concerns)}
    for concern in concerns:
        if concern.pk in details:
            yield concern, details[concern.pk]


def _orders(request: HttpRequest, day: date) -> Iterable[Overdue]:
    """Granted FGM and forced marriage protection orders from the warning days before
    their expiry, and past it while the concern is open."""
    warning = local_rules().order_expiry_warning_days
    for kind, model, name in ((HarmKind.FGM, FgmDetail, "FGM protection order"),
                              (HarmKind.FORCED_MARRIAGE, ForcedMarriageDetail,
                               "Forced marriage protection order")):
        for concern, detail in _open_details(request, kind, model):
            clock = order_clock(concern, detail, day, warning)
            if clock is not None and clock.alert:
                state = "expired" if clock.expired else f"expires in {clock.days_left} days"
                yield Overdue("order", f"{name} {state} ({formats.day(clock.expires_on)})",
                              concern.child, clock.expires_on, _url("concern_detail", concern.pk))


def _nrm(request: HttpRequest, day: date, conclusive: bool) -> Iterable[Overdue]:
    working = local_rules().working
    for concern, detail in _open_details(request, HarmKind.TRAFFICKING, TraffickingDetail):
        clock = nrm_clock(detail, day, working)
        url = _url("concern_detail", concern.pk)
        if not conclusive and clock.rg_overdue and clock.rg_due is not None:
            yield Overdue("nrm", f"Reasonable grounds decision on the NRM referral of "
                          f"{formats.day(detail.nrm_referred_on)}", concern.child, clock.rg_due,
                          url)
        if conclusive and clock.cg_overdue and clock.cg_earliest is not None:
            yield Overdue("nrm", f"Conclusive grounds awaited {clock.cg_awaited_days} days "
                          f"(reasonable grounds {formats.day(detail.reasonable_grounds_on)})",
                          concern.child, clock.cg_earliest, url)


def grades_by_district(request: HttpRequest) -> dict[str, Any]:
    """Counts of visible children per district and current grade (and not screened)."""
    children = with_current_grade(request, in_work(visible_children(request)))
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


# The caseload's order: the grade in force, high first; not screened last.
_GRADE_ORDER: dict[str, int] = {RiskGrade.HIGH: 0, RiskGrade.MEDIUM: 1, RiskGrade.LOW: 2,
                RiskGrade.NO_CURRENT_RISK: 3}


def _urgency(child: Child) -> tuple[int, int, date]:
    """High before medium before low; within a grade an overdue review first, then the
    review due soonest (name order, from the query, breaks ties)."""
    grade = _GRADE_ORDER.get(getattr(child, "current_grade", None) or "", 4)
    due = getattr(child, "review_due", None)
    overdue = due is not None and due < today()
    return grade, 0 if overdue else 1, due or date.max


def caseload(request: HttpRequest) -> dict[str, Any]:
    user = signed_in_user(request)
    children = sorted(with_current_grade(
        request, in_work(visible_children(request)).filter(lead_practitioner=user)
    ).select_related("district").order_by("last_name", "first_name"), key=_urgency)
    actions = PanelAction.objects.filter(
        owner=user, completed_on__isnull=True,
        meeting__in=visible_records(request, PanelMeeting).values("pk"),
    ).select_related("meeting").order_by("due_on")
    # The transition prompt: children the user leads on who turn 18 within the next
    # TRANSITION_MONTHS (from 17 and a half), soonest first.
    day = today()
    turning = [c for c in children
               if c.date_of_birth <= add_months(born_by(day, ADULT_AGE), TRANSITION_MONTHS)]
    turning.sort(key=lambda c: c.date_of_birth)
    return {"children": children, "actions": actions, "turning_18": turning}
