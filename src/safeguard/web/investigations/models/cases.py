"""Operations, investigations and suspects: the police side of a case.

Every record here belongs to an agency (core.AgencyOwned) and is shared only explicitly
(core.Share). References are unique within their owning agency.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ...core.models import AgencyOwned


class OperationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class Operation(AgencyOwned):
    """A named operation grouping several investigations (e.g. "Operation Lantern")."""

    name = models.CharField(max_length=200)
    reference = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=OperationStatus.choices, default=OperationStatus.ACTIVE
    )
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owning_agency", "reference"], name="operation_reference_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"


class InvestigationStatus(models.TextChoices):
    OPEN = "open", "Open"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"


class Investigation(AgencyOwned):
    reference = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, null=True, blank=True,
        related_name="investigations",
    )
    status = models.CharField(
        max_length=16, choices=InvestigationStatus.choices, default=InvestigationStatus.OPEN
    )
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    officer_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owning_agency", "reference"],
                name="investigation_reference_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Suspect(AgencyOwned):
    """A person of interest. Personal data: opening one asks for a reason (DPA s62)."""

    name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    # One alias a line, as typed.
    aliases = models.TextField(blank=True)
    investigations = models.ManyToManyField(
        Investigation, blank=True, related_name="suspects"
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]
