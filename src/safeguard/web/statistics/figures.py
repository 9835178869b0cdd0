"""The statistics: one query module, every figure for a period by district.

    figures = compute(Period(date(2026, 1, 1), date(2026, 3, 31)))
    figures.counts["referrals"].by_district[area.pk]      # 7
    figures.counts["referrals"].total                     # 41

Figures are aggregated across every agency's records (no visibility filter): they are
counts, shown to analysts and supervisors (views.py) and published only after small
numbers are suppressed (suppression.py). The definitions are MEASURES below, written as
a person reads them; docs/statistics.md repeats them.

District: a child's record gives the district of everything about the child; an adult's
gives an arrest's; a notice takes the district of its first child; a business gives its
training and concern reports'; a session the district it was held in. A record without
one counts under "not recorded" (key None). Investigations and review figures are
force-wide (exhibits carry no district).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from ..core.clock import local_date
from ..core.models import Area
from ..partners.models import Attendance, ConcernReport, Outcome, TrainingSession
from ..safeguarding.conf import local_rules
from ..safeguarding.models import (
    Arrest,
    Child,
    EpisodeType,
    InterviewStatus,
    MissingEpisode,
    NoticeBreach,
    NoticeChild,
    NoticeStatus,
    Referral,
    RiskAssessment,
    RiskGrade,
    WarningNotice,
    in_work,
)
from ..safeguarding.rules import return_interview_due
from . import sources
from .periods import Period

District = int | None  # an Area's pk, or None: not recorded


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    group: str
    definition: str
    by_district: bool = True
    snapshot: bool = False  # counted at the period's end, not over it


GROUP_RISK = "Children at risk"
GROUP_REFERRALS = "Referrals"
GROUP_MISSING = "Missing children"
GROUP_NOTICES = "Warning notices and arrests"
GROUP_INVESTIGATIONS = "Investigations"
GROUP_PARTNERS = "Partners"

GRADES = (RiskGrade.HIGH, RiskGrade.MEDIUM, RiskGrade.LOW)

MEASURES: tuple[Measure, ...] = (
    Measure("children_at_risk", "Children at risk", GROUP_RISK,
            "Children whose risk grade in force at the end of the period is low, medium or "
            "high: the grade of their latest screening completed on or before the last day.",
            snapshot=True),
    Measure("children_high", "graded high", GROUP_RISK,
            "Of those, graded high.", snapshot=True),
    Measure("children_medium", "graded medium", GROUP_RISK,
            "Of those, graded medium.", snapshot=True),
    Measure("children_low", "graded low", GROUP_RISK, "Of those, graded low.", snapshot=True),
    Measure("referrals", "Referrals received", GROUP_REFERRALS,
            "Referrals received in the period."),
    Measure("referrals_decided_in_time", "decided within 1 working day", GROUP_REFERRALS,
            "Of those, decided by the end of the next working day (the decision date "
            "fixed when each was received)."),
    Measure("missing_episodes", "Missing episodes", GROUP_MISSING,
            "Episodes reported in the period (missing, or away from placement without "
            "authorisation)."),
    Measure("missing_children", "Children missing", GROUP_MISSING,
            "Children with at least one episode reported in the period."),
    Measure("interviews_due", "Return interviews due", GROUP_MISSING,
            "Episodes whose child returned in the period and is owed a return home "
            "interview within 72 hours (away-from-placement episodes only where the local "
            "setting says they are owed one)."),
    Measure("interviews_in_time", "held within 72 hours", GROUP_MISSING,
            "Of those, interviews held by the moment the 72 hours ran out (interviews "
            "recorded before times were kept count from the start of their day)."),
    Measure("notices_served", "Warning notices served", GROUP_NOTICES,
            "Child abduction warning notices served in the period."),
    Measure("notices_active", "Warning notices active", GROUP_NOTICES,
            "Notices served by the end of the period, not expired or withdrawn by then, "
            "and still protecting a child (under the age limit of its basis, and in care "
            "for a Children Act s49 notice).", snapshot=True),
    Measure("notice_breaches", "Breaches of notices", GROUP_NOTICES,
            "Breaches that occurred in the period."),
    Measure("arrests", "Arrests of adults of concern", GROUP_NOTICES,
            "Arrests of adults of concern made in the period."),
    Measure("exhibits_triaged", "Exhibits triaged", GROUP_INVESTIGATIONS,
            "Exhibits whose triage finished in the period (each exhibit once).",
            by_district=False),
    Measure("images_graded", "Images graded", GROUP_INVESTIGATIONS,
            "New images given their final category in the review in the period.",
            by_district=False),
    Measure("training_sessions", "Training sessions", GROUP_PARTNERS,
            "Awareness training sessions held in the period, by where they were held."),
    Measure("businesses_trained", "Businesses trained", GROUP_PARTNERS,
            "Businesses with staff at a session held in the period."),
    Measure("staff_trained", "Staff trained", GROUP_PARTNERS,
            "Staff of businesses trained at sessions held in the period."),
    Measure("concerns_reported", "Concerns reported", GROUP_PARTNERS,
            "Concern reports received from businesses in the period, less those closed as "
            "not genuine."),
)
BY_KEY = {measure.key: measure for measure in MEASURES}


@dataclass
class Count:
    """One measure over one period: per district and in total."""

    by_district: dict[District, int] = field(default_factory=dict)
    total: int = 0
    available: bool = True
    note: str = ""

    @classmethod
    def of(cls, districts: Iterable[District]) -> Count:
        counter = Counter(districts)
        return cls(dict(counter), sum(counter.values()))

    @classmethod
    def force_wide(cls, total: int | None, note: str) -> Count:
        if total is None:
            return cls(available=False, note=note)
        return cls({}, total)

    def get(self, district: District) -> int:
        return self.by_district.get(district, 0)


@dataclass
class Figures:
    period: Period
    counts: dict[str, Count]

    def __getitem__(self, key: str) -> Count:
        return self.counts[key]


def compute(period: Period) -> Figures:
    counts: dict[str, Count] = {}
    counts.update(_children_at_risk(period.end))
    counts.update(_referrals(period))
    counts.update(_missing(period))
    counts.update(_notices(period))
    counts["arrests"] = Count.of(Arrest.objects.filter(
        arrested_on__gte=period.start, arrested_on__lte=period.end,
    ).values_list("adult__district", flat=True))
    counts["exhibits_triaged"] = Count.force_wide(
        sources.exhibits_triaged(period), sources.unavailable_reason(sources.TRIAGE_RUNS))
    counts["images_graded"] = Count.force_wide(
        sources.images_graded(period), sources.unavailable_reason(sources.REVIEW))
    counts.update(_partners(period))
    return Figures(period, {m.key: counts[m.key] for m in MEASURES})


def rows_for(*figures: Figures, keys: Iterable[str] | None = None) -> list[tuple[District, str]]:
    """The districts to show for the measures `keys` (all by default): every active area,
    an inactive one with a figure, and "Not recorded" when some record had no district."""
    wanted = set(keys) if keys is not None else None
    used: set[District] = set()
    for fig in figures:
        for key, count in fig.counts.items():
            if wanted is None or key in wanted:
                used.update(d for d, n in count.by_district.items() if n)
    rows: list[tuple[District, str]] = [
        (area.pk, area.name) for area in Area.objects.order_by("name")
        if area.active or area.pk in used
    ]
    if None in used:
        rows.append((None, NOT_RECORDED))
    return rows


NOT_RECORDED = "Not recorded"


# The measures ---------------------------------------------------------------------


def _children_at_risk(end: date) -> dict[str, Count]:
    latest = RiskAssessment.objects.filter(child=OuterRef("pk"), completed_on__lte=end).order_by(
        "-completed_on", "-pk").values("grade")[:1]
    # Under 18 at the period's end and not closed by then: an aged-out or closed child
    # is no longer "at risk" on the register (safeguarding.models.in_work).
    graded = in_work(Child.objects.all(), end).annotate(grade_at_end=Subquery(latest)).filter(
        grade_at_end__in=[g.value for g in GRADES]).values_list("district_id", "grade_at_end")
    rows = list(graded)
    counts = {f"children_{g.value}": Count.of(d for d, grade in rows if grade == g.value)
              for g in GRADES}
    counts["children_at_risk"] = Count.of(d for d, _ in rows)
    return counts


def _referrals(period: Period) -> dict[str, Count]:
    rows = list(Referral.objects.filter(
        received_at__gte=period.first_moment, received_at__lt=period.after,
    ).values_list("child__district_id", "decided_at", "decision_due"))
    return {
        "referrals": Count.of(d for d, _, _ in rows),
        "referrals_decided_in_time": Count.of(
            d for d, decided, due in rows if decided is not None and local_date(decided) <= due),
    }


def owed_interviews(period: Period) -> QuerySet[MissingEpisode]:
    """The episodes whose child returned in `period` and is owed a return home interview
    (an episode of being away owes one only under the local rule)."""
    owed = MissingEpisode.objects.filter(
        returned_at__gte=period.first_moment, returned_at__lt=period.after)
    if not local_rules().away_episodes_owe_interview:
        owed = owed.exclude(episode_type=EpisodeType.AWAY)
    return owed


def _missing(period: Period) -> dict[str, Count]:
    reported = list(MissingEpisode.objects.filter(
        reported_at__gte=period.first_moment, reported_at__lt=period.after,
    ).values_list("child__district_id", "child_id"))
    returned = list(owed_interviews(period).values_list(
        "child__district_id", "returned_at", "interview_status", "interview_at"))
    return {
        "missing_episodes": Count.of(d for d, _ in reported),
        "missing_children": Count.of(d for d, _ in set(reported)),
        "interviews_due": Count.of(d for d, _, _, _ in returned),
        "interviews_in_time": Count.of(
            d for d, back, status, held in returned
            if status == InterviewStatus.DONE and held is not None and back is not None
            and held <= return_interview_due(back)),
    }


def _notice_district() -> Subquery:
    return Subquery(NoticeChild.objects.filter(notice=OuterRef("pk")).order_by("pk").values(
        "child__district_id")[:1])


def _notices(period: Period) -> dict[str, Count]:
    notices = WarningNotice.objects.annotate(district_id=_notice_district())
    served = notices.filter(served_at__gte=period.first_moment, served_at__lt=period.after)
    ended = Q(status__in=[NoticeStatus.EXPIRED, NoticeStatus.WITHDRAWN]) & (
        Q(status_changed_on__lte=period.end) | Q(status_changed_on__isnull=True))
    # A notice whose every child has aged out (or left care, for s49) protects nobody:
    # it is not active, whatever its recorded status (rules.notice_lapses).
    protects = Exists(NoticeChild.objects.filter(notice=OuterRef("pk"),
                                                 protection_ends__gt=period.end))
    active = notices.filter(served_at__lt=period.after).exclude(ended).filter(protects)
    breaches = NoticeBreach.objects.filter(
        occurred_at__gte=period.first_moment, occurred_at__lt=period.after,
    ).annotate(notice_district=Subquery(NoticeChild.objects.filter(
        notice=OuterRef("notice")).order_by("pk").values("child__district_id")[:1]))
    return {
        "notices_served": Count.of(served.values_list("district_id", flat=True)),
        "notices_active": Count.of(active.values_list("district_id", flat=True)),
        "notice_breaches": Count.of(
            child_district if child_district is not None else notice_district
            for child_district, notice_district in breaches.values_list(
                "child__district_id", "notice_district")),
    }


def _partners(period: Period) -> dict[str, Count]:
    in_period = {"session__held_on__gte": period.start, "session__held_on__lte": period.end}
    attendance = list(Attendance.objects.filter(**in_period).values_list(
        "business__district_id", "business_id", "staff_count"))
    staff: Counter[District] = Counter()
    for district, _, count in attendance:
        staff[district] += count
    return {
        "training_sessions": Count.of(TrainingSession.objects.filter(
            held_on__gte=period.start, held_on__lte=period.end,
        ).values_list("district_id", flat=True)),
        "businesses_trained": Count.of(d for d, _ in {(d, b) for d, b, _ in attendance}),
        "staff_trained": Count(dict(staff), sum(staff.values())),
        "concerns_reported": Count.of(ConcernReport.objects.filter(
            received_at__gte=period.first_moment, received_at__lt=period.after,
        ).exclude(outcome=Outcome.NOT_GENUINE).values_list("business__district_id", flat=True)),
    }
