"""The demo's hand-offs (handoffs.py): tasks in several agencies' inboxes.

- the county's and the city's front doors: the referrals not yet decided, the councils'
  own and a few a school recorded (one of them overdue), some allocated to a social
  worker;
- the commissioned provider (the voluntary-sector trust): a return home interview for
  each police missing episode of the last three weeks, awaiting acceptance, accepted or
  done as the episode's interview stands.

Run after the register's referrals and episodes, from the same seeded generator, so the
same seed gives the same tasks.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .handoffs import front_door_for, rhi_provider_for
from .models import InterviewStatus, MissingEpisode, Rag, Referral
from .models.tasks import Task, TaskEvent, TaskEventKind, TaskKind, TaskStatus
from .rules import referral_decision_due

SCHOOL_REFERRALS = 4


def make_tasks(builder: Any) -> None:
    """`builder`: the register's demo builder (its rng, users, agencies and clock)."""
    school_referrals(builder)
    tasks: list[Task] = []
    referral_type = ContentType.objects.get_for_model(Referral)
    for referral in Referral.objects.filter(child__in=builder.children,
                                            decided_at__isnull=True).select_related(
                                                "child__district"):
        door = front_door_for(referral.child)
        if door is None:
            continue
        allocated = builder.rng.random() < 0.4
        tasks.append(Task(
            owning_agency_id=referral.owning_agency_id, created_by=referral.created_by,
            kind=TaskKind.REFERRAL_DECISION, child=referral.child, record_type=referral_type,
            record_id=referral.pk, assigned_agency=door,
            assigned_to=_practitioner(builder, door) if allocated else None,
            status=TaskStatus.ACCEPTED if allocated else TaskStatus.OFFERED))
    episode_type = ContentType.objects.get_for_model(MissingEpisode)
    since = builder.now - timedelta(days=21)
    pending = 0
    for episode in MissingEpisode.objects.filter(
            child__in=builder.children, owning_agency=builder.police,
            reported_at__gte=since, episode_type="missing").select_related("child__district"):
        provider = rhi_provider_for(episode.child)
        if provider is None:
            continue
        done = episode.interview_status != InterviewStatus.PENDING
        # Awaiting the provider: alternately offered and accepted, the first offered.
        status = TaskStatus.DONE if done else (TaskStatus.OFFERED if pending % 2 == 0
                                               else TaskStatus.ACCEPTED)
        pending += 0 if done else 1
        tasks.append(Task(
            owning_agency_id=episode.owning_agency_id, created_by=episode.created_by,
            kind=TaskKind.RETURN_INTERVIEW, child=episode.child, record_type=episode_type,
            record_id=episode.pk, assigned_agency=provider, status=status,
            completed_at=episode.interview_at if done else None))
    Task.objects.bulk_create(tasks)
    events = []
    for task in Task.objects.filter(child__in=builder.children):
        events.append(TaskEvent(task=task, kind=TaskEventKind.SET, by=task.created_by,
                                agency=task.assigned_agency))
        if task.status in (TaskStatus.ACCEPTED, TaskStatus.DONE):
            events.append(TaskEvent(task=task, kind=TaskEventKind.ACCEPTED,
                                    reason="Synthetic demo: accepted."))
        if task.status == TaskStatus.DONE:
            events.append(TaskEvent(task=task, kind=TaskEventKind.DONE))
    TaskEvent.objects.bulk_create(events)


def _practitioner(builder: Any, agency: Any) -> Any:
    return next((u for u in builder.users.values()
                 if u.agency_id == agency.pk and u.username.endswith(".practitioner")), None)


def school_referrals(builder: Any) -> None:
    """A few referrals the schools' safeguarding team recorded, awaiting the front door's
    decision; the first is a day past its decision date."""
    school = builder.education
    recorder = builder.users["education.practitioner"]
    referrals = []
    for n, child in enumerate(builder.rng.sample(builder.children, SCHOOL_REFERRALS)):
        received = builder.moment(builder.today - timedelta(days=4 if n == 0 else 0), 8, 10)
        referrals.append(Referral(
            owning_agency=school, child=child, received_at=received,
            referrer="School designated safeguarding lead",
            concern="Synthetic demo referral: seen getting into cars with unknown adults "
                    "after school.",
            rag=builder.rng.choice(Rag.values), created_by=recorder,
            decision_due=referral_decision_due(timezone.localdate(received),
                                               builder.rules.working)))
    # Not shared: the front door sees each through its task, the minimum it needs.
    Referral.objects.bulk_create(referrals)
