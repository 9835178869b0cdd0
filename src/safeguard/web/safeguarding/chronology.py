"""The multi-agency chronology of one child: the significant events of every agency in
date order. Serious case reviews keep finding that no one held the whole story; this is
it, for a strategy discussion or a panel.

What the viewer may open is listed in full (with a link); the rest is one line per
record at its first date, "A missing episode, held by Staffordshire Police": the kind,
the day and the holder, never the content, as flags.held_elsewhere says it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.urls import reverse

from ..accounts.models import User
from ..core import formats
from ..core.clock import local_date
from .flags import KINDS, can_open, readable_children, records_of
from .models import (
    Child,
    Concern,
    MissingEpisode,
    NoticeBreach,
    PanelDiscussion,
    Referral,
    RiskAssessment,
    WarningNotice,
)


@dataclass(frozen=True)
class Entry:
    when: date | datetime
    what: str
    agency: str
    url: str = ""
    held: bool = False  # another agency's record the viewer cannot open

    @property
    def day(self) -> date:
        return local_date(self.when) if isinstance(self.when, datetime) else self.when

    @property
    def shown(self) -> str:
        return (formats.moment(self.when) if isinstance(self.when, datetime)
                else formats.day(self.when))

    def key(self) -> tuple[date, time]:
        moment = self.when if isinstance(self.when, datetime) else None
        return (self.day, moment.timetz().replace(tzinfo=None) if moment else time.min)


def _url(name: str, pk: int) -> str:
    return reverse(f"safeguarding:{name}", args=[pk])


def _child(c: Child) -> list[Entry]:
    agency = c.owning_agency.name
    entries = [Entry(c.created_at, "Recorded on the register", agency,
                     _url("child_detail", c.pk))]
    entries += [Entry(change.since, f"Legal status: {change.get_status_display()}", agency,
                      _url("child_detail", c.pk)) for change in c.legal_history.all()]
    return entries


def _screening(a: RiskAssessment) -> list[Entry]:
    return [Entry(a.completed_on, f"Risk screening: {a.get_grade_display()} ({a.tool.name})",
                  a.owning_agency.name, _url("assessment_detail", a.pk))]


def _episode(e: MissingEpisode) -> list[Entry]:
    agency, url = e.owning_agency.name, _url("episode_detail", e.pk)
    found = [Entry(e.reported_at, f"{e.get_episode_type_display()}: reported, from "
                   f"{e.get_missing_from_display().lower()}", agency, url)]
    if e.found_at:
        found.append(Entry(e.found_at, "Found" + (f" at {e.where_found}" if e.where_found
                                                  else ""), agency, url))
    if e.returned_at:
        found.append(Entry(e.returned_at, "Returned", agency, url))
    if e.interview_at:
        found.append(Entry(e.interview_at, "Return home interview: "
                           f"{e.get_interview_status_display().lower()}", agency, url))
    return found


def _concern(c: Concern) -> list[Entry]:
    return [Entry(c.identified_on, f"Concern: {c.get_kind_display()} "
                  f"({c.get_status_display().lower()})", c.owning_agency.name,
                  _url("concern_detail", c.pk))]


def _referral(r: Referral) -> list[Entry]:
    agency, url = r.owning_agency.name, _url("referral_detail", r.pk)
    found = [Entry(r.received_at, f"Referral received from {r.referrer} "
                   f"({r.get_rag_display()})", agency, url)]
    if r.decided_at:
        found.append(Entry(r.decided_at, f"Referral decided: {r.get_outcome_display()}",
                           agency, url))
    for day, what in ((r.strategy_discussion_on, "Strategy discussion"),
                      (r.icpc_held_on, "Initial child protection conference"),
                      (r.rcpc_held_on, "Review child protection conference")):
        if day:
            found.append(Entry(day, what, agency, url))
    return found


def _notice(n: WarningNotice, pks: list[int]) -> list[Entry]:
    agency, url = n.owning_agency.name, _url("notice_detail", n.pk)
    found = [Entry(n.served_at, "Child abduction warning notice served", agency, url)]
    found += [Entry(b.occurred_at, "Warning notice breached", agency, url)
              for b in NoticeBreach.objects.filter(notice=n, child_id__in=pks)]
    return found


FIRST_DATE = {
    "child": lambda o: o.created_at, "screening": lambda o: o.completed_on,
    "episode": lambda o: o.reported_at, "concern": lambda o: o.identified_on,
    "referral": lambda o: o.received_at, "notice": lambda o: o.served_at,
}


def chronology(user: User, pks: list[int]) -> list[Entry]:
    """The child's events, oldest first."""
    readable = readable_children(user, pks)
    entries: list[Entry] = []
    for kind, obj in records_of(pks):
        record: Any = obj
        if not can_open(user, obj, readable):
            one = KINDS[kind][0]
            what = one if kind == "child" else f"a {one}"
            entries.append(Entry(FIRST_DATE[kind](record),
                                 f"{what[0].upper()}{what[1:]}, held by "
                                 f"{record.owning_agency.name}",
                                 record.owning_agency.name, held=True))
        elif kind == "child":
            entries += _child(record)
        elif kind == "screening":
            entries += _screening(record)
        elif kind == "episode":
            entries += _episode(record)
        elif kind == "concern":
            entries += _concern(record)
        elif kind == "referral":
            entries += _referral(record)
        else:
            entries += _notice(record, pks)
    # Panel discussions of the child, in panels the viewer may open.
    for discussion in PanelDiscussion.objects.filter(child_id__in=pks).select_related(
            "meeting", "meeting__owning_agency"):
        meeting = discussion.meeting
        if can_open(user, meeting, readable):
            entries.append(Entry(meeting.held_on, f"Discussed at {meeting.title}: "
                                 f"{discussion.decision[:200]}", meeting.owning_agency.name,
                                 _url("panel_detail", meeting.pk)))
    entries.sort(key=Entry.key)
    return entries
