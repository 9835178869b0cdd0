"""The audit log: append-only, hash-chained.

Each AuditEvent carries a sequence number (1, 2, 3, ... without gaps), the hash of the
event before it, and its own hash: an HMAC-SHA-256, with a key held outside the database,
over a canonical serialisation of its content and that previous hash (chain.py; rows
written before the chain was keyed carry a plain SHA-256, chain_version 1). Altering a
row breaks its hash, and without the key it cannot be re-hashed; removing one leaves a
gap in the sequence and a broken link; removing rows from the end shows against
ChainHead, the single row every append locks and moves forward, and against the anchors
exported outside the database (anchors.py).

The application has no update or delete path: save() refuses an existing row, delete()
and the queryset's update()/delete() raise. The database refuses UPDATE and DELETE as
well, and lets the chain head move only forward, to the newest row (migrations 0002 and
0003), so a bug elsewhere cannot rewrite history either.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Someone tried to change or remove an audit row."""


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    SHARE = "share", "Shared (disclosed)"
    REVOKE = "revoke", "Share revoked"
    JUSTIFY = "justify", "Justification given"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Sign-in failed"
    LOCKOUT = "lockout", "Locked out"
    LOGOUT = "logout", "Signed out"
    ACCESS_DENIED = "access_denied", "Access denied"


# Record types that moved to another app: the events written before the move name them
# by their old type, which the chain forbids rewriting. Access logs and the audit list's
# redaction read both names (core.policy.readable_labels).
MOVED_TYPES = {
    "investigations.triagejob": "triage_runs.triagejob",
    "investigations.triagesummary": "triage_runs.triagesummary",
    "investigations.filerecord": "triage_runs.filerecord",
    "investigations.triagewarningrow": "triage_runs.triagewarningrow",
    "safeguarding.area": "core.area",
    "partners.ratecount": "core.ratecount",
}


def current_type(object_type: str) -> str:
    """An event's object type as the record's model is named now."""
    return MOVED_TYPES.get(object_type, object_type)


def all_types(label: str) -> list[str]:
    """A model's label and the older names its events may carry."""
    return [label, *(old for old, new in MOVED_TYPES.items() if new == label)]


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("audit events cannot be deleted")

    def _raw_delete(self, using: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(object_type__in=all_types(obj._meta.label_lower),
                           object_id=str(obj.pk))


class AuditEvent(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text too: the name typed at a failed sign-in has no user row.
    actor_username = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=100, blank=True)  # "app_label.model"
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    justification = models.TextField(blank=True)
    ip_address = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # 1: SHA-256 (before the chain was keyed); 2: HMAC-SHA-256 with settings.AUDIT_KEY.
    chain_version = models.PositiveSmallIntegerField(default=1)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "sequence"]),
            models.Index(fields=["agency", "sequence"]),
        ]

    def __str__(self) -> str:
        target = f" {self.object_type} {self.object_id}" if self.object_type else ""
        return f"#{self.sequence} {self.actor_username or '-'} {self.action}{target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        if not self.hash:
            # Only chain.append() computes the hash under the chain-head lock.
            raise AppendOnlyError("audit events are written through audit.record()")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")


class ChainHead(models.Model):
    """The last event's sequence and hash; one row (pk 1), locked by every append."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain head #{self.sequence}"
