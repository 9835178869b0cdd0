"""Referrals: an incoming concern, rated, decided within 1 working day, with an outcome;
an assessment due within 45 working days of the referral (rules, workingdays)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from ..clock import today
from .common import Recorded


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Outcome(models.TextChoices):
    NFA = "nfa", "No further action"
    ASSESSMENT = "assessment", "Assessment"
    STRATEGY = "strategy_discussion", "Strategy discussion"
    PANEL = "panel", "Referral to the exploitation panel"


class Referral(Recorded):
    child = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT,
                              related_name="referrals")
    received_at = models.DateTimeField()
    referrer = models.CharField(max_length=200, help_text="Who made the referral, and from where.")
    concern = models.TextField()
    rag = models.CharField("RAG rating", max_length=8, choices=Rag.choices)
    # Fixed when the referral is recorded, from the calendar then in force.
    decision_due = models.DateField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    decision_notes = models.TextField(blank=True)
    assessment_due = models.DateField(null=True, blank=True)
    assessment_completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"Referral about {self.child}, received {self.received_at:%d/%m/%Y}"

    @property
    def decided(self) -> bool:
        return self.decided_at is not None

    def decision_overdue(self, on: date | None = None) -> bool:
        return not self.decided and (on or today()) > self.decision_due

    def assessment_overdue(self, on: date | None = None) -> bool:
        return (
            self.assessment_due is not None
            and self.assessment_completed_on is None
            and (on or today()) > self.assessment_due
        )
