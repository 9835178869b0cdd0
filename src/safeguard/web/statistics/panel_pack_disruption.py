"""The disruption tracker: for each adult of concern in the panel's network, and each
place or business the panel has acted on, what has been done and with what outcome.

One row a subject, one column a step of the ladder the panel works — a child abduction
warning notice, its breaches, arrest and charge, an application for a sexual risk order or
a sexual harm prevention order, a referral to the licensing authority, a closure order —
each cell the steps taken with their dates and outcomes. Notices, breaches and arrests
come from their own records; the other steps from the panels' disruption steps
(safeguarding.models.panels.DisruptionStep), read from the meetings the viewer may open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from ..accounts.models import User
from ..core import formats
from ..core.policy import visible_to_user
from ..safeguarding.models import AdultOfConcern, Arrest, NoticeBreach, PanelMeeting, WarningNotice
from ..safeguarding.models.panels import DisruptionKind, DisruptionStep
from .panel_pack_network import place_key

COLUMNS = ("Warning notice", "Breaches", "Arrest and charge", "Order applied for",
           "Licensing referral", "Closure order")
ORDER_COLUMN = {DisruptionKind.SRO: "Order applied for", DisruptionKind.SHPO: "Order applied for",
                DisruptionKind.LICENSING: "Licensing referral",
                DisruptionKind.CLOSURE: "Closure order", DisruptionKind.OTHER: "Order applied for"}


@dataclass(frozen=True)
class Step:
    what: str
    on: date
    outcome: str


@dataclass
class Row:
    subject: str
    kind: str  # "Adult of concern" or "Place or business"
    cells: dict[str, list[Step]] = field(default_factory=lambda: {c: [] for c in COLUMNS})

    @property
    def steps(self) -> int:
        return sum(len(v) for v in self.cells.values())

    def columns(self) -> list[list[Step]]:
        return [sorted(self.cells[c], key=lambda s: s.on) for c in COLUMNS]


def build(user: User, adult_ids: list[int], visible_adults: set[int],
          meetings: QuerySet[PanelMeeting]) -> list[Row]:
    """`meetings`: the panel's series; only those the user may open are read."""
    steps = (DisruptionStep.objects
             .filter(meeting__in=meetings.filter(
                 pk__in=visible_to_user(user, PanelMeeting).values("pk")))
             .order_by("applied_on", "pk"))
    wanted = set(adult_ids) | {s.adult_id for s in steps if s.adult_id is not None}
    adults = {a.pk: a for a in AdultOfConcern.objects.filter(pk__in=wanted)
              if a.pk in visible_adults}
    rows: dict[str, Row] = {
        f"adult:{pk}": Row(f"{a.first_name} {a.last_name}", "Adult of concern")
        for pk, a in adults.items()}

    notices = visible_to_user(user, WarningNotice).filter(adult_id__in=adults)
    for notice in notices:
        rows[f"adult:{notice.adult_id}"].cells["Warning notice"].append(
            Step("Served", notice.served_at.date(), notice.get_status_display()))
    for breach in NoticeBreach.objects.filter(notice__in=notices).select_related("notice"):
        rows[f"adult:{breach.notice.adult_id}"].cells["Breaches"].append(
            Step("Breach", breach.occurred_at.date(), breach.action_taken or "No action recorded"))
    for arrest in Arrest.objects.filter(adult_id__in=adults):
        rows[f"adult:{arrest.adult_id}"].cells["Arrest and charge"].append(
            Step(arrest.offence, arrest.arrested_on, arrest.get_outcome_display()))

    for step in steps:
        if step.adult_id is not None:
            if step.adult_id not in adults:
                continue  # an adult not shared with the viewer's agency
            row = rows[f"adult:{step.adult_id}"]
        else:
            row = rows.setdefault(f"place:{place_key(step.place)}",
                                  Row(step.place.strip(), "Place or business"))
        outcome = step.get_outcome_display()
        if step.outcome_on is not None:
            outcome = f"{outcome}, {formats.day(step.outcome_on)}"
        row.cells[ORDER_COLUMN[DisruptionKind(step.kind)]].append(
            Step(step.get_kind_display(), step.applied_on, outcome))
    return sorted(rows.values(), key=lambda r: (r.kind, -r.steps, r.subject.casefold()))
