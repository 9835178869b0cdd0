"""The decision log: every retain or dispose decision of a review, kept after the record.

A row names the record by type and id and by a label that names no person ("Register
child record #42 (Staffordshire Police)"), so that it can outlive the record it speaks
of without keeping what was erased. The object id is a plain number, not a foreign key:
the record is gone after a disposal, and the log must not go with it.

Append-only in spirit (the audit log is the tamper-evident copy): no page edits or
deletes a row, and save() and delete() refuse it, so that a bug cannot rewrite a
decision either.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class DecisionKind(models.TextChoices):
    RETAIN = "retain", "Retain"
    DISPOSE = "dispose", "Dispose"


class RetentionDecisionQuerySet(models.QuerySet["RetentionDecision"]):
    def latest_for(self, record_type: str, object_id: int) -> RetentionDecision | None:
        return self.filter(record_type=record_type, object_id=object_id).order_by(
            "-decided_at", "-pk").first()


class RetentionDecision(models.Model):
    # The key of the record type in the schedule (kinds.KINDS: "child" ...).
    record_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    # The record's owning agency: the log outlives the record, and is read by agency.
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=300, help_text="Names no person.")
    decision = models.CharField(max_length=8, choices=DecisionKind.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    # The review date that made the record due, as the schedule (or the last retain
    # decision) gave it on the day: what the decision answered.
    review_due_on = models.DateField()
    # Retain: when to look again. Dispose: none.
    next_review_on = models.DateField(null=True, blank=True)
    # Dispose: how many rows of each kind went with the record, e.g. {"missing episode": 2}.
    disposed = models.JSONField(default=dict, blank=True)

    objects = RetentionDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [
            models.Index(fields=["record_type", "object_id", "decided_at"],
                         name="retention_latest"),
            models.Index(fields=["agency", "decided_at"], name="retention_agency"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(decision=DecisionKind.RETAIN, next_review_on__isnull=False)
                           | Q(decision=DecisionKind.DISPOSE, next_review_on__isnull=True)),
                name="retention_next_review_for_retain_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{DecisionKind(self.decision).label}: {self.label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("a retention decision is never changed: record a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("a retention decision is never deleted")


class SightingsDisposal(models.Model):
    """One agency's sightings removed by the schedule in one run (retention/sightings.py):
    every sighting it held observed before `before`. Like the decision log, kept after the
    rows and never changed; the audit log holds the same in its chain."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    before = models.DateTimeField(help_text="Every sighting observed before this went.")
    keep_years = models.PositiveSmallIntegerField()
    rows = models.PositiveBigIntegerField()
    # "partitions": whole months dropped (PostgreSQL); "rows": deleted (SQLite, and rows
    # that had no month's partition).
    method = models.CharField(max_length=16)
    partitions = models.JSONField(default=list, blank=True)
    disposed_at = models.DateTimeField(default=timezone.now)
    disposed_by = models.CharField(max_length=150, help_text="The job or command that ran it.")

    class Meta:
        ordering = ["-disposed_at", "-pk"]
        indexes = [models.Index(fields=["agency", "disposed_at"],
                                name="retention_sightings_agency")]

    def __str__(self) -> str:
        return f"{self.rows} sightings before {self.before:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("a sightings disposal is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("a sightings disposal is never deleted")
