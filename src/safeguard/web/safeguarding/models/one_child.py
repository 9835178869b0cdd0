"""One child across agencies: merges of two records of the same child, and requests for
access to the records another agency holds about a child."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ChildMerge(models.Model):
    """Two records found to be the same child: `merged` is read as part of `kept` from
    `merged_at` until undone. Nothing is moved or deleted (each record keeps its agency,
    shares and history), so undoing it restores exactly what was."""

    kept = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT,
                             related_name="merges_kept")
    merged = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT,
                               related_name="merges_merged")
    reason = models.TextField()
    evidence = models.CharField(max_length=300, blank=True,
                                help_text="What the duplicate check found, when merged.")
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"Merge of record {self.merged_id} into {self.kept_id}"


class AccessStatus(models.TextChoices):
    PENDING = "pending", "Awaiting the holder's decision"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


class AccessRequest(models.Model):
    """An agency asks the agency holding records about a child for access to them. The
    holder grants (its records about the child are shared with the asking agency, each
    share a recorded disclosure) or refuses, with a note; both are audited."""

    child = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT,
                              related_name="access_requests")
    holder = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    requesting_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT,
                                          related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    reason = models.TextField()
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=AccessStatus.choices,
                              default=AccessStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    records_shared = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Access request {self.pk} to {self.holder}"
