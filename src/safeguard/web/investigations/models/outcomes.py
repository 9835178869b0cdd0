"""Arrests and charges of a suspect, for the figures per operation (statistics/operations.py).

One record per arrest or charge decision, in one of the suspect's investigations (its
operation, if any, is the investigation's). Part of the suspect's record, as an adult of
concern's arrests are part of the adult's: read and written by whoever may read and write
the suspect (core.policy), each change audited against the suspect. A charge without an
arrest (a postal requisition) has no arrest date; an arrest not (yet) charged no charge
date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ...core import formats


class SuspectOutcomeKind(models.TextChoices):
    PENDING = "pending", "Pending"
    CHARGED = "charged", "Charged"
    BAIL = "bail", "Released on bail"
    RUI = "rui", "Released under investigation"
    NFA = "nfa", "No further action"
    CAUTION = "caution", "Cautioned"


class SuspectOutcome(models.Model):
    suspect = models.ForeignKey("investigations.Suspect", on_delete=models.CASCADE,
                                related_name="outcomes")
    investigation = models.ForeignKey("investigations.Investigation",
                                      on_delete=models.PROTECT, related_name="outcomes")
    arrested_on = models.DateField(null=True, blank=True)
    charged_on = models.DateField(null=True, blank=True)
    offence = models.CharField(max_length=300)
    outcome = models.CharField(max_length=16, choices=SuspectOutcomeKind.choices,
                               default=SuspectOutcomeKind.PENDING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(arrested_on__isnull=False) | models.Q(charged_on__isnull=False),
                name="suspect_outcome_arrest_or_charge"),
        ]

    def __str__(self) -> str:
        when = self.arrested_on or self.charged_on
        return f"{formats.day(when) if when else '—'}: {self.offence}"
