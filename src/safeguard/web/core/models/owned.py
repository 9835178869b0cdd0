"""Records owned by an agency, and their explicit sharing with partner agencies.

Police data (law-enforcement processing, DPA 2018 Part 3) and partner data are kept apart
by agency: a record is seen by its owning agency, and by a partner only while a Share
for that partner is in force. A share gives read-only access and is never deleted:
revoking it stamps it, so the record of what was disclosed to whom stays.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class AgencyOwned(models.Model):
    """Base for every record that belongs to an agency. Primary keys must be integers
    (the default BigAutoField): Share.object_id refers to them."""

    owning_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class Recorded(AgencyOwned):
    """An agency-owned record with who made it and when: the register's records, partners'
    businesses and training sessions."""

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Assigned(Recorded):
    """Work one agency owes on another's record (a task): the owning agency sets it and
    keeps the record; the assigned agency (and, when named, one of its people) reads the
    assignment and does its part, and loses it when re-assigned away or revoked
    (policy.access_level, policy.get_assigned_for). The record itself is not shared by
    it: the assignment's page shows the minimum the work needs."""

    assigned_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class ShareQuerySet(models.QuerySet["Share"]):
    def active(self) -> ShareQuerySet:
        return self.filter(revoked_at__isnull=True)

    def for_object(self, obj: models.Model) -> ShareQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=obj.pk,
        )


class Share(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="shares_received"
    )
    reason = models.TextField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-shared_at"]
        indexes = [models.Index(fields=["content_type", "object_id", "agency"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "agency"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_share_per_agency",
            )
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"{self.content_type.model} {self.object_id} shared with {self.agency} ({state})"
