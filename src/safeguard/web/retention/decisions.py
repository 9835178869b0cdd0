"""What is due, and the two decisions a review ends in: retain (with the next review date)
or dispose (the record and its parts deleted).

Each decision is one transaction that writes the decision log (models.RetentionDecision)
and the audit log (DPA 2018 s62: the erasure, by whom, when, why) together, or neither.
Both name the record by type, id and agency only, so that neither keeps what a disposal
erased. A disposal that something stands in the way of (a warning notice naming the
child, a panel's minutes ...) is rolled back whole and refused with a message naming
what blocks it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest

from .. import audit
from ..accounts.models import User
from ..audit.events import Ref
from ..audit.models import Action
from ..core import formats
from ..core.models import AgencyOwned
from .conf import Schedule
from .kinds import Blocked, Kind
from .models import DecisionKind, RetentionDecision


@dataclass(frozen=True)
class DueRecord:
    kind: Kind
    obj: Any
    due_on: date             # the later of the schedule's date and the last retain's
    scheduled_on: date
    why: str
    retained_until: date | None


class NotDue(Exception):
    """The record is not due for review today: nothing is decided."""


def due_records(kind: Kind, agency_id: int, today: date, schedule: Schedule,
                records: models.QuerySet[Any] | None = None) -> list[DueRecord]:
    found = []
    for obj in records if records is not None else kind.due(agency_id, today, schedule):
        scheduled_on, why = kind.scheduled_on(obj, schedule)
        retained: date | None = obj.retained_until
        due_on = max(scheduled_on, retained) if retained else scheduled_on
        if due_on > today:
            # The query and the Python agree to the day (tests check both); should they
            # ever differ, the record is left off rather than decided early.
            continue
        found.append(DueRecord(kind, obj, due_on, scheduled_on, why, retained))
    return found


def worklist(agency_id: int, today: date, schedule: Schedule,
             kinds: Iterable[Kind]) -> list[DueRecord]:
    """Every record of the agency due for review, oldest review date first."""
    rows = [row for kind in kinds for row in due_records(kind, agency_id, today, schedule)]
    return sorted(rows, key=lambda row: (row.due_on, row.kind.key, row.obj.pk))


def due_counts(agency_id: int, today: date, schedule: Schedule,
               kinds: Iterable[Kind]) -> dict[str, int]:
    return {kind.key: kind.due(agency_id, today, schedule).count() for kind in kinds}


def find_due(kind: Kind, pk: int, agency_id: int, today: date, schedule: Schedule) -> DueRecord:
    rows = due_records(kind, agency_id, today, schedule,
                       kind.due(agency_id, today, schedule).filter(pk=pk))
    if rows:
        return rows[0]
    last = RetentionDecision.objects.latest_for(kind.key, pk)
    if last is not None and last.next_review_on is not None and last.next_review_on > today:
        raise NotDue(f"{kind.label} #{pk} is not due for review: it was retained until "
                     f"{formats.day(last.next_review_on)}. Nothing was decided.")
    raise NotDue(f"{kind.label} #{pk} is not due for review today under the retention "
                 "schedule. Nothing was decided.")


def _locked(kind: Kind, pk: int) -> Any:
    # Two supervisors deciding on one record at once: the second waits, then finds it
    # retained (not due) or gone (404 from the view's next look).
    return kind.model()._default_manager.select_for_update().filter(pk=pk).first()


def retain(request: HttpRequest, user: User, kind: Kind, pk: int, reason: str,
           next_review_on: date, today: date, schedule: Schedule) -> RetentionDecision:
    assert user.agency_id is not None
    with transaction.atomic():
        _locked(kind, pk)
        due = find_due(kind, pk, user.agency_id, today, schedule)
        label = kind.record_label(due.obj)
        decision = RetentionDecision.objects.create(
            record_type=kind.key, object_id=pk, agency_id=due.obj.owning_agency_id,
            label=label, decision=DecisionKind.RETAIN, reason=reason, decided_by=user,
            review_due_on=due.due_on, next_review_on=next_review_on)
        audit.record(request, Action.UPDATE, Ref(kind.model_label, str(pk), label), reason,
                     retention=DecisionKind.RETAIN.value, record_type=kind.key,
                     decision=decision.pk, review_due_on=due.due_on.isoformat(),
                     next_review_on=next_review_on.isoformat())
    return decision


def dispose(request: HttpRequest, user: User, kind: Kind, pk: int, reason: str,
            today: date, schedule: Schedule) -> RetentionDecision:
    """Delete the record and its parts; Blocked (nothing deleted) when something refers
    to it that is not one of its parts."""
    assert user.agency_id is not None
    try:
        with transaction.atomic():
            _locked(kind, pk)
            due = find_due(kind, pk, user.agency_id, today, schedule)
            label = kind.record_label(due.obj)
            agency_id = due.obj.owning_agency_id
            removed = kind.dispose(due.obj, user)
            decision = RetentionDecision.objects.create(
                record_type=kind.key, object_id=pk, agency_id=agency_id, label=label,
                decision=DecisionKind.DISPOSE, reason=reason, decided_by=user,
                review_due_on=due.due_on, disposed=dict(removed))
            audit.record(request, Action.DELETE, Ref(kind.model_label, str(pk), label), reason,
                         retention=DecisionKind.DISPOSE.value, record_type=kind.key,
                         decision=decision.pk, review_due_on=due.due_on.isoformat(),
                         disposed=dict(removed))
    except ProtectedError as exc:
        raise Blocked(blocked_by(exc.protected_objects, kind, pk, user.agency_id)) from None
    except RestrictedError as exc:
        raise Blocked(blocked_by(exc.restricted_objects, kind, pk, user.agency_id)) from None
    return decision


# What blocks a disposal, in words --------------------------------------------------------

# The records known to stand in the way, named for a supervisor (singular, plural); any
# other model is named by its verbose name.
BLOCKER_NAMES = {
    "safeguarding.noticechild": ("warning notice naming it", "warning notices naming it"),
    "safeguarding.noticebreach": ("warning notice breach naming it",
                                  "warning notice breaches naming it"),
    "safeguarding.paneldiscussion": ("panel meeting discussion of it",
                                     "panel meeting discussions of it"),
    "partners.concernchild": ("business concern report linking it",
                              "business concern reports linking it"),
    "intelligence.subject": ("intelligence subject linked to it",
                             "intelligence subjects linked to it"),
    "intelligence.link": ("identifier of another intelligence subject matched to its own",
                          "identifiers of other intelligence subjects matched to its own"),
    "intelligence.sighting": ("sighting of another subject recorded against its identifiers",
                              "sightings of other subjects recorded against its identifiers"),
}


def owner_of(obj: models.Model, gone: tuple[str, int]) -> int | None:
    """The agency that owns `obj`, or the record it belongs to (a notice's link to a child
    belongs to the notice); None when nothing says."""
    if isinstance(obj, AgencyOwned):
        return obj.owning_agency_id
    for field in obj._meta.concrete_fields:
        related = field.related_model
        if not (field.many_to_one and isinstance(related, type)
                and issubclass(related, AgencyOwned)):
            continue
        value = getattr(obj, field.attname)
        if value is None or (related._meta.label_lower, value) == gone:
            continue  # the record being disposed of is not its owner
        return related._default_manager.filter(pk=value).values_list(
            "owning_agency_id", flat=True).first()
    return None


def blocked_by(objects: Iterable[models.Model], kind: Kind, pk: int,
               agency_id: int) -> str:
    """The refusal: what refers to the record, by kind and count. Another agency's
    records are counted without their kind, which is theirs to tell."""
    gone = (kind.model_label, pk)
    ours: Counter[tuple[str, str]] = Counter()
    theirs = 0
    for obj in objects:
        owner = owner_of(obj, gone)
        if owner is not None and owner != agency_id:
            theirs += 1
            continue
        label = obj._meta.label_lower
        singular, plural = BLOCKER_NAMES.get(label, (
            str(obj._meta.verbose_name), str(obj._meta.verbose_name_plural)))
        ours[(singular, plural)] += 1
    named = [f"{number} {singular if number == 1 else plural}"
             for (singular, plural), number in sorted(ours.items())]
    if theirs:
        named.append(f"{theirs} record{'s' if theirs != 1 else ''} held by another agency "
                     "(ask them to remove the link)")
    what = "; ".join(named) or "another record"
    return (f"{kind.label} #{pk} cannot be disposed of while other records refer to it: "
            f"{what}. Remove those links or dispose of those records first. "
            "Nothing was deleted.")
