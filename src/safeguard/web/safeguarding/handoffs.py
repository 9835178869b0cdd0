"""Hand-offs between agencies: who owes which work on a record, and the tasks that carry it
(models/tasks.py).

- A referral, recorded by any agency, goes to the front door of the local authority of
  the child's district (`local_authorities` in the local settings): a "referral
  decision" task, due by the referral's decision date (one working day, Working Together
  to Safeguard Children 2023).
- A missing episode recorded by the police sets a "return home interview" task for the
  provider that authority commissions (or the authority itself), due 72 hours after the
  return (DfE statutory guidance on children who run away or go missing, 2014).
- A child registered (or changed) with a placing authority other than the area's own
  (`Child.placing_authority`: a looked-after child placed here from elsewhere) sets a
  "child placed into the area" task for the host authority's front door, due the next
  working day: the host authority must know of the children placed in its area to
  safeguard them (Care Planning, Placement and Case Review (England) Regulations 2010; the
  2014 guidance on missing children asks host and placing authorities to share what they
  know). The host records the day it acknowledged the placement; nothing else of the
  child is open to it through the task.

Each kind of task names, in one place (SPECS), the minimum of the child and the record
its assignee sees, the record's fields it records (its form), when it is due and when
it is done. Nothing else of the record is open to the assignee.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from .. import audit
from ..accounts.models import Agency, User
from ..audit.models import Action
from ..core import formats
from ..core.clock import local_date, now, today
from ..core.policy import is_police_agency
from .conf import AuthoritySpec, local_rules
from .deadlines import interview_owed
from .forms.referrals import DecisionForm
from .forms.tasks import HostAcknowledgementForm, InterviewForm
from .models import Child, InterviewStatus, MissingEpisode, Referral
from .models.tasks import OPEN, Task, TaskEvent, TaskEventKind, TaskKind, TaskStatus
from .rules import ADULT_AGE, TRANSITION_MONTHS, add_months, birthday_on_or_after

Due = date | datetime | None


@dataclass(frozen=True)
class TaskSpec:
    model: type[models.Model]
    # What the assignee sees: the minimum the work needs (need to know).
    child_fields: tuple[str, ...]
    record_fields: tuple[str, ...]
    # The record's fields the assignee records: its form (bound to the record).
    form: type[forms.ModelForm]
    # When the work is due, from the record (and the task, for work due from its making).
    due: Callable[[Any, Task], Due]
    done: Callable[[Any], bool]
    # Set what follows from the part recorded (who decided, the clocks it starts).
    settle: Callable[[Any, User], None]
    intro: str


def _settle_decision(referral: Referral, user: User) -> None:
    DecisionForm.settle(referral, user)


def _settle_nothing(record: Any, user: User) -> None:
    return None


SPECS: dict[str, TaskSpec] = {
    TaskKind.REFERRAL_DECISION: TaskSpec(
        Referral,
        ("first_name", "last_name", "known_as", "date_of_birth", "gender", "district",
         "address", "legal_status", "placement", "school"),
        ("received_at", "referrer", "concern", "rag", "decision_due"),
        DecisionForm,
        lambda referral, task: referral.decision_due,
        lambda referral: referral.decided,
        _settle_decision,
        "Working Together to Safeguard Children 2023: a local authority social worker "
        "decides within one working day of the referral what happens next (no further "
        "action, an assessment, a strategy discussion, the exploitation panel).",
    ),
    TaskKind.RETURN_INTERVIEW: TaskSpec(
        MissingEpisode,
        ("first_name", "last_name", "known_as", "date_of_birth", "gender", "address",
         "placement", "placement_detail", "school"),
        ("episode_type", "missing_from", "reported_at", "found_at", "where_found",
         "found_with", "returned_at"),
        InterviewForm,
        lambda episode, task: episode.interview_due,
        lambda episode: episode.interview_status != InterviewStatus.PENDING,
        _settle_nothing,
        "DfE statutory guidance on children who run away or go missing from home or care "
        "(2014): the return home interview is offered on the return and held within 72 "
        "hours of it, by someone not involved in caring for the child.",
    ),
    TaskKind.HOST_NOTIFICATION: TaskSpec(
        Child,
        ("first_name", "last_name", "known_as", "date_of_birth", "gender", "district",
         "address", "placement", "placement_detail", "school"),
        ("placing_authority", "legal_status"),
        HostAcknowledgementForm,
        lambda child, task: local_rules().working.add_working_days(
            local_date(task.created_at), 1),
        lambda child: child.host_acknowledged_on is not None,
        _settle_nothing,
        "A child looked after by another local authority has been placed in this area. "
        "The host authority acknowledges the placement so that its own services know of "
        "the child (Care Planning, Placement and Case Review (England) Regulations 2010).",
    ),
}


# Who receives the work ---------------------------------------------------------------


def agency_named(names: Sequence[str]) -> Agency | None:
    """The first of `names` that is an active agency on the platform (settings order)."""
    found = {a.name: a for a in Agency.objects.filter(name__in=names, active=True)}
    return next((found[name] for name in names if name in found), None)


def authority_for(child: Child) -> AuthoritySpec | None:
    code = child.district.ons_code
    return next((a for a in local_rules().local_authorities if code in a.districts), None)


def front_door_for(child: Child) -> Agency | None:
    authority = authority_for(child)
    return agency_named(authority.front_door) if authority else None


def rhi_provider_for(child: Child) -> Agency | None:
    authority = authority_for(child)
    return agency_named(authority.rhi_provider) if authority else None


# Setting tasks -------------------------------------------------------------------------


def set_task(request: HttpRequest | None, *, kind: str, record: Any, child: Child,
             agency: Agency, by: User, note: str = "", reason: str = "") -> Task:
    """A task on `record` for `agency`, owned by the record's agency, with its first
    event and its create event (in the caller's transaction)."""
    task = Task.objects.create(
        owning_agency_id=record.owning_agency_id, created_by=by, kind=kind, child=child,
        record_type=ContentType.objects.get_for_model(record), record_id=record.pk,
        assigned_agency=agency, note=note)
    TaskEvent.objects.create(task=task, kind=TaskEventKind.SET, by=by, agency=agency,
                             reason=reason)
    audit.record(request, Action.CREATE, task, kind=kind, assigned_agency=agency.name,
                 on=record._meta.label_lower, on_id=record.pk)
    return task


def route_referral(request: HttpRequest, referral: Referral, by: User) -> str:
    """Send a new referral to the front door; the message for the recorder."""
    agency = front_door_for(referral.child)
    if agency is None:
        return (f"No front door is configured for {referral.child.district}: the referral "
                "is not in any local authority's queue. Tell your administrator "
                "(local_authorities in the register's settings).")
    set_task(request, kind=TaskKind.REFERRAL_DECISION, record=referral,
             child=referral.child, agency=agency, by=by,
             reason=f"Referral about a child in {referral.child.district}")
    return f"Sent to the front door of {agency}."


def route_missing_episode(request: HttpRequest, episode: MissingEpisode, by: User) -> str:
    """A police missing episode owed an interview: the task for the commissioned provider;
    the message for the recorder ("" when none is owed)."""
    if not is_police_agency(episode.owning_agency) or not interview_owed(
            episode.episode_type, local_rules()):
        return ""
    agency = rhi_provider_for(episode.child)
    if agency is None:
        return (f"No return home interview provider is configured for "
                f"{episode.child.district}: no one has been asked to offer the interview.")
    set_task(request, kind=TaskKind.RETURN_INTERVIEW, record=episode, child=episode.child,
             agency=agency, by=by,
             reason=f"Missing episode of a child in {episode.child.district}")
    return f"Return home interview asked of {agency}."


def route_placement(request: HttpRequest, child: Child, by: User) -> str:
    """A child placed here by another authority: the host authority's task, once; the
    message for the recorder ("" when there is nothing to tell)."""
    if not child.placing_authority or child.host_acknowledged_on is not None \
            or tasks_on(child).filter(kind=TaskKind.HOST_NOTIFICATION).exists():
        return ""
    agency = front_door_for(child)
    if agency is None:
        return (f"No local authority is configured for {child.district}: no one has been "
                "told of the placement.")
    if agency == child.owning_agency:
        return ""  # the host authority recorded the child itself
    set_task(request, kind=TaskKind.HOST_NOTIFICATION, record=child, child=child,
             agency=agency, by=by,
             reason=f"A child placed in {child.district} by {child.placing_authority}")
    return f"{agency} has been told of the placement."


def tasks_on(record: models.Model) -> models.QuerySet[Task]:
    return Task.objects.filter(record_type=ContentType.objects.get_for_model(record),
                               record_id=record.pk)


def settle_done(request: HttpRequest, record: models.Model, by: User) -> int:
    """Mark the record's open tasks done where the work they carry is done (by whichever
    agency recorded it); how many."""
    settled = 0
    for task in tasks_on(record).filter(status__in=OPEN, revoked_at__isnull=True):
        if SPECS[task.kind].done(record):
            finish(request, task, by)
            settled += 1
    return settled


def finish(request: HttpRequest, task: Task, by: User) -> None:
    with transaction.atomic():
        task.status, task.completed_at = TaskStatus.DONE, now()
        task.save(update_fields=["status", "completed_at", "updated_at"])
        TaskEvent.objects.create(task=task, kind=TaskEventKind.DONE, by=by)
        audit.record(request, Action.UPDATE, task, status=task.status)


def decided_elsewhere(referral: Referral, user: User) -> Agency | None:
    """The front door that decides `referral`, when it is not the user's agency."""
    task = tasks_on(referral).filter(kind=TaskKind.REFERRAL_DECISION, status__in=OPEN,
                                     revoked_at__isnull=True).first()
    if task is None or task.assigned_agency_id == user.agency_id:
        return None
    return task.assigned_agency


# Due dates and the inbox's order ---------------------------------------------------------


def due_of(task: Task) -> Due:
    spec = SPECS.get(task.kind)
    record = task.record
    return spec.due(record, task) if spec is not None and record is not None else None


def _instant(due: Due) -> datetime | None:
    """A due date is due by the end of its (local) day."""
    if due is None or isinstance(due, datetime):
        return due
    return timezone.make_aware(datetime.combine(due, time.max))


def is_overdue(task: Task, due: Due) -> bool:
    moment = _instant(due)
    return task.is_open and moment is not None and now() > moment


def due_label(due: Due) -> str:
    if isinstance(due, datetime):
        return formats.moment(due, weekday=True)
    return f"end of {formats.day(due, weekday=True)}" if due is not None else ""


@dataclass(frozen=True)
class InboxRow:
    task: Task
    due: Due
    overdue: bool

    @property
    def due_label(self) -> str:
        return due_label(self.due)


def inbox(tasks: Iterable[Task]) -> list[InboxRow]:
    """Overdue first (longest overdue at the top), then by due date; undated last."""
    rows = [InboxRow(t, due, is_overdue(t, due)) for t in tasks for due in [due_of(t)]]
    far = timezone.make_aware(datetime.combine(date.max, time.min))
    rows.sort(key=lambda r: (not r.overdue, _instant(r.due) or far, r.task.pk))
    return rows


def transition_from(child: Child) -> date:
    """The day the transition prompt starts (17 and a half)."""
    return add_months(birthday_on_or_after(child.date_of_birth, ADULT_AGE),
                      -TRANSITION_MONTHS)


def transition_due(child: Child) -> bool:
    return child.closed_on is None and child.age < ADULT_AGE and today() >= transition_from(
        child)
