"""The MACE panel's pack: what changed since the panel last met, for one meeting.

    pack = build(meeting, user)      # only what `user` may open; police parts for police

The window runs from the day after the previous meeting of the same series (the same
owning agency and district) to the meeting's own day, both included; a first meeting
looks back FIRST_MEETING_DAYS. Every section lists only records the viewer may open
(core.policy: owned or shared), the way the register's lists do, so two members of the
panel may hold different packs; concern reports from businesses are police-only (as
their queue is) and appear only in a police member's copy. The network and the
disruption tracker are built in panel_pack_network.py and panel_pack_disruption.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ..accounts.models import User
from ..core.policy import is_police, visible_to_user
from ..partners.models import ConcernReport
from ..partners.models.concerns import Outcome
from ..safeguarding.conf import local_rules
from ..safeguarding.models import (
    AdultOfConcern,
    Child,
    MissingEpisode,
    NoticeBreach,
    PanelAction,
    PanelDiscussion,
    PanelMeeting,
    RiskAssessment,
    WarningNotice,
)
from ..safeguarding.models.common import RiskGrade
from ..safeguarding.rules import is_repeat_missing
from . import panel_pack_disruption, panel_pack_network
from .panel_pack_network import place_key

FIRST_MEETING_DAYS = 28


@dataclass(frozen=True)
class Window:
    start: date  # included
    end: date  # included: the meeting's day
    previous: PanelMeeting | None

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class RaisedToHigh:
    child: Child
    completed_on: date
    before: str  # the grade in force before, or "" for a first screening


@dataclass(frozen=True)
class RepeatMissing:
    child: Child
    episodes: list[MissingEpisode]


@dataclass(frozen=True)
class PlaceReports:
    place: str
    district: str
    reports: int
    children: int
    last: date


@dataclass(frozen=True)
class OpenAction:
    action: PanelAction
    about: str  # the child, adult or place it is about, as the viewer may see it
    overdue: bool


@dataclass(frozen=True)
class DueReview:
    subject: str
    decision: str
    decided_on: date
    review_on: date
    late: bool  # due before this window: a review the panel missed


@dataclass
class Pack:
    meeting: PanelMeeting
    window: Window
    police: bool
    raised: list[RaisedToHigh] = field(default_factory=list)
    repeat_missing: list[RepeatMissing] = field(default_factory=list)
    notices_served: list[WarningNotice] = field(default_factory=list)
    breaches: list[NoticeBreach] = field(default_factory=list)
    reviews: list[DueReview] = field(default_factory=list)
    open_actions: list[OpenAction] = field(default_factory=list)
    places: list[PlaceReports] = field(default_factory=list)  # police only
    repeat_rule: str = ""
    # Who the reader may open: a notice shared with them may name a child or an adult that
    # is not, and the pages then say so instead of the name.
    children_visible: set[int] = field(default_factory=set)
    adults_visible: set[int] = field(default_factory=set)
    network: panel_pack_network.Network | None = None
    disruption: list[panel_pack_disruption.Row] = field(default_factory=list)


def _series(meeting: PanelMeeting) -> QuerySet[PanelMeeting]:
    """The meetings of the same owning agency for the same district (or for none)."""
    same = PanelMeeting.objects.filter(owning_agency_id=meeting.owning_agency_id)
    if meeting.area_id is None:
        return same.filter(area__isnull=True)
    return same.filter(area_id=meeting.area_id)


def window_for(meeting: PanelMeeting) -> Window:
    previous = (_series(meeting).filter(held_on__lt=meeting.held_on)
                .order_by("-held_on", "-pk").first())
    start = (previous.held_on + timedelta(days=1) if previous is not None
             else meeting.held_on - timedelta(days=FIRST_MEETING_DAYS))
    return Window(start, meeting.held_on, previous)


def series(meeting: PanelMeeting) -> QuerySet[PanelMeeting]:
    """This meeting and the series' earlier ones."""
    return _series(meeting).filter(held_on__lte=meeting.held_on)


def build(meeting: PanelMeeting, user: User) -> Pack:
    window = window_for(meeting)
    police = is_police(user)
    children = visible_to_user(user, Child)
    pack = Pack(meeting, window, police)
    pack.adults_visible = set(visible_to_user(user, AdultOfConcern).values_list("pk", flat=True))
    pack.raised = _raised(user, children, window)
    pack.repeat_missing = _repeat_missing(user, children, window)
    rule = local_rules()
    pack.repeat_rule = (f"{rule.repeat_missing_episodes} or more episodes in "
                        f"{rule.repeat_missing_days} days")
    notices = visible_to_user(user, WarningNotice)
    pack.notices_served = list(
        notices.filter(served_at__date__gte=window.start, served_at__date__lte=window.end)
        .select_related("adult").prefetch_related("links__child").order_by("served_at"))
    pack.breaches = list(
        NoticeBreach.objects.filter(notice__in=notices.values("pk"),
                                    occurred_at__date__gte=window.start,
                                    occurred_at__date__lte=window.end)
        .select_related("notice__adult", "child").order_by("occurred_at"))
    earlier = series(meeting).filter(
        held_on__lt=meeting.held_on,
        pk__in=visible_to_user(user, PanelMeeting).values("pk"))
    pack.children_visible = set(children.values_list("pk", flat=True))
    pack.reviews = _reviews(earlier, window, pack.children_visible, pack.adults_visible)
    pack.open_actions = _open_actions(earlier, meeting.held_on, pack.children_visible,
                                      pack.adults_visible)
    if police:
        pack.places = _places(user, window)
    pack.network = panel_pack_network.build(meeting, user, pack)
    pack.disruption = panel_pack_disruption.build(user, pack.network.adults,
                                                  pack.adults_visible, series(meeting))
    return pack


def _about(child_id: int | None, adult_id: int | None, place: str, child: object,
           adult: object, children: set[int], adults: set[int]) -> str:
    parts = []
    if child_id is not None:
        parts.append(str(child) if child_id in children
                     else "A child not shared with your agency")
    if adult_id is not None:
        parts.append(str(adult) if adult_id in adults
                     else "An adult not shared with your agency")
    if place.strip():
        parts.append(place.strip())
    return "; ".join(parts)


def _open_actions(earlier: QuerySet[PanelMeeting], day: date, children: set[int],
                  adults: set[int]) -> list[OpenAction]:
    """Actions of the series' earlier meetings not done yet: carried forward until done."""
    actions = (PanelAction.objects.filter(meeting__in=earlier, completed_on__isnull=True)
               .select_related("meeting", "owner", "owner_agency", "child", "adult")
               .order_by("due_on", "pk"))
    return [OpenAction(a, _about(a.child_id, a.adult_id, a.place, a.child, a.adult,
                                 children, adults), a.due_on < day) for a in actions]


def _reviews(earlier: QuerySet[PanelMeeting], window: Window, children: set[int],
             adults: set[int]) -> list[DueReview]:
    """Each child or adult whose latest decision at an earlier meeting falls due for
    review by this meeting's day; only subjects the viewer may open."""
    latest: dict[tuple[str, int], PanelDiscussion] = {}
    for row in (PanelDiscussion.objects.filter(meeting__in=earlier)
                .select_related("meeting", "child", "adult")
                .order_by("meeting__held_on", "pk")):
        key = ("child", row.child_id) if row.child_id else ("adult", row.adult_id or 0)
        latest[key] = row
    due = []
    for (kind, pk), row in latest.items():
        visible = pk in (children if kind == "child" else adults)
        if not visible or row.review_on is None or row.review_on > window.end:
            continue
        subject = str(row.child if kind == "child" else row.adult)
        due.append(DueReview(subject, row.decision, row.meeting.held_on, row.review_on,
                             row.review_on < window.start))
    return sorted(due, key=lambda r: (r.review_on, r.subject))


def _raised(user: User, children: QuerySet[Child], window: Window) -> list[RaisedToHigh]:
    """Children whose screening completed in the window graded them high, when the grade
    in force before it (their previous screening, whoever's) was not high."""
    rows = []
    screenings = (visible_to_user(user, RiskAssessment)
                  .filter(child__in=children.values("pk"), grade=RiskGrade.HIGH,
                          completed_on__gte=window.start, completed_on__lte=window.end)
                  .select_related("child").order_by("child_id", "completed_on", "pk"))
    seen: set[int] = set()
    for screening in screenings:
        if screening.child_id in seen:
            continue  # the first high grade in the window is the change
        before = (visible_to_user(user, RiskAssessment)
                  .filter(child_id=screening.child_id, completed_on__lt=screening.completed_on)
                  .order_by("-completed_on", "-pk").values_list("grade", flat=True).first())
        if before == RiskGrade.HIGH:
            continue
        seen.add(screening.child_id)
        rows.append(RaisedToHigh(screening.child, screening.completed_on,
                                 RiskGrade(before).label if before else ""))
    return sorted(rows, key=lambda r: (r.completed_on, r.child.pk))


def _repeat_missing(user: User, children: QuerySet[Child],
                    window: Window) -> list[RepeatMissing]:
    """Children "repeat missing" on the meeting's day by the local rule (rules.py:
    is_repeat_missing, local.toml: 3 episodes in 90 days by default) with at least one
    of those episodes reported since the last meeting."""
    rule = local_rules()
    at = timezone.make_aware(datetime.combine(window.end, time.max))
    since = at - timedelta(days=rule.repeat_missing_days)
    by_child: dict[int, list[MissingEpisode]] = defaultdict(list)
    episodes = (visible_to_user(user, MissingEpisode)
                .filter(child__in=children.values("pk"), reported_at__gt=since,
                        reported_at__lte=at)
                .select_related("child").order_by("reported_at", "pk"))
    for episode in episodes:
        by_child[episode.child_id].append(episode)
    return [RepeatMissing(rows[0].child, rows) for rows in by_child.values()
            if is_repeat_missing([e.reported_at for e in rows], at,
                                 rule.repeat_missing_episodes, rule.repeat_missing_days)
            and any(timezone.localdate(e.reported_at) in window for e in rows)]


def _places(user: User, window: Window) -> list[PlaceReports]:
    """Concern reports received in the window, less those closed as not genuine, by the
    place they name (a place recorded on the report, else the reporting business)."""
    reports = (visible_to_user(user, ConcernReport)
               .filter(received_at__date__gte=window.start, received_at__date__lte=window.end)
               .exclude(outcome=Outcome.NOT_GENUINE)
               .select_related("business__district")
               .prefetch_related("places__district", "places__business", "child_links"))
    found: dict[str, dict[str, Any]] = {}
    for report in reports:
        named = [(p.business.name if p.business else p.description,
                  p.district or (p.business.district if p.business else None))
                 for p in report.places.all()]
        if not named and report.business is not None:
            named = [(report.business.name, report.business.district)]
        if not named:
            named = [("No place recorded", None)]
        day = report.received_at.date()
        for name, district in named:
            row = found.setdefault(place_key(name), {
                "place": name, "district": str(district or "Not recorded"),
                "reports": set(), "children": set(), "last": day})
            row["reports"].add(report.pk)
            row["children"].update(link.child_id for link in report.child_links.all())
            row["last"] = max(row["last"], day)
    rows = [PlaceReports(r["place"], r["district"], len(r["reports"]), len(r["children"]),
                         r["last"]) for r in found.values()]
    return sorted(rows, key=lambda r: (-r.reports, r.place.casefold()))
