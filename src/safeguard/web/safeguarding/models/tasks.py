"""Tasks: work one agency owes on a record another agency holds (Primero's assign and
refer, with accept, decline and revoke).

The agency that holds the record sets the task (or the platform sets it for it: a
referral goes to the local authority's front door, a police missing episode to the
commissioned return home interview provider; `handoffs.py`). The assigned agency, and
the person it names, sees the task and the minimum of the record the work needs
(`handoffs.SPECS`), accepts or declines it with a reason and records its part in the
record's own fields, and nothing else of the record. Re-assignment and revocation stay
with the holder. Every step is a `TaskEvent` on the task and an audit event.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from ...core.models import Assigned


class TaskKind(models.TextChoices):
    REFERRAL_DECISION = "referral_decision", "Referral decision (front door)"
    RETURN_INTERVIEW = "return_interview", "Return home interview"
    HOST_NOTIFICATION = "host_notification", "Child placed into the area by another authority"
    # Kinds the model takes already; each gets its handler in handoffs.SPECS (what the
    # assignee sees and records) when its page is built.
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    FGM_REPORT = "fgm_report", "FGM report to police"
    NRM_REFERRAL = "nrm_referral", "National Referral Mechanism referral"
    PANEL_ACTION = "panel_action", "Panel action"
    CONCERN_FOLLOW_UP = "concern_follow_up", "Concern follow-up"


class TaskStatus(models.TextChoices):
    OFFERED = "offered", "Awaiting acceptance"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    DONE = "done", "Done"
    REVOKED = "revoked", "Revoked"


# The assignee may still act on these.
OPEN = (TaskStatus.OFFERED, TaskStatus.ACCEPTED)


class Task(Assigned):
    kind = models.CharField(max_length=24, choices=TaskKind.choices)
    child = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT,
                              related_name="tasks")
    # The record the work is about (a referral, a missing episode ...).
    record_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    record_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("record_type", "record_id")
    status = models.CharField(max_length=12, choices=TaskStatus.choices,
                              default=TaskStatus.OFFERED)
    note = models.TextField(blank=True, help_text="What the assignee needs to know.")
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["assigned_agency", "status"]),
                   models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.child}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class TaskEventKind(models.TextChoices):
    SET = "set", "Set"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    ALLOCATED = "allocated", "Allocated to a person"
    REASSIGNED = "reassigned", "Re-assigned"
    RECORDED = "recorded", "Part recorded"
    DONE = "done", "Done"
    REVOKED = "revoked", "Revoked"


class TaskEvent(models.Model):
    """One step in a task's life, with who took it and why: part of the task (seen by the
    holder and the assignee with it)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=TaskEventKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                           blank=True, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+",
                               help_text="The agency the task went to, for a hand-over.")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.task})"
