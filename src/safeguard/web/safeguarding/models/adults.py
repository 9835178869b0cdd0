"""Adults of concern: linked to children (LinkedPerson) and notices; their arrests.

Police intelligence (intelligence notes, PNC-style reference, operation) is shown only to
police agencies, even when the record is shared: need_to_know.POLICE_ONLY names the
fields, and every page reaches a record through need_to_know.for_viewer().
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ...core import formats
from ...core.models import Recorded
from .common import Gender


class AdultOfConcern(Recorded):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    aliases = models.CharField(max_length=300, blank=True,
                               help_text="Other names and nicknames, comma-separated.")
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.NOT_KNOWN)
    district = models.ForeignKey("core.Area", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    address = models.TextField(blank=True)
    description = models.TextField(blank=True, help_text="Appearance, vehicles, places used.")
    # Police intelligence: police agencies only (need_to_know.POLICE_ONLY).
    intelligence_notes = models.TextField(blank=True)
    pnc_reference = models.CharField("PNC reference", max_length=40, blank=True)
    # The operation on this system (a link a police user can follow), or the name of one
    # that is not (another force's) as text.
    police_operation = models.ForeignKey(
        "investigations.Operation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="adults_of_concern", verbose_name="police operation",
        help_text="An operation of your force (or shared with it) on this system.")
    police_operation_reference = models.CharField(
        "other operation", max_length=100, blank=True,
        help_text="Name or reference of an operation not held here (another force's).",
    )

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = "adult of concern"
        verbose_name_plural = "adults of concern"

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ArrestOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    CHARGED = "charged", "Charged"
    BAIL = "bail", "Released on bail"
    RUI = "rui", "Released under investigation"
    NFA = "nfa", "No further action"
    CAUTION = "caution", "Cautioned"


class Arrest(models.Model):
    """Part of the adult's record (its agency records them)."""

    adult = models.ForeignKey(AdultOfConcern, on_delete=models.CASCADE, related_name="arrests")
    arrested_on = models.DateField()
    offence = models.CharField(max_length=300)
    outcome = models.CharField(max_length=16, choices=ArrestOutcome.choices,
                               default=ArrestOutcome.PENDING)
    # Police intelligence: police agencies only.
    custody_reference = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-arrested_on", "-pk"]

    def __str__(self) -> str:
        return f"{formats.day(self.arrested_on)}: {self.offence}"
