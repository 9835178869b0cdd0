"""Referrals: an incoming concern, rated, decided within 1 working day, with an outcome;
an assessment due within 45 working days of the referral (rules, workingdays).

A referral decided "strategy discussion" follows the child protection path of Working
Together to Safeguard Children 2023 (rules.child_protection_clocks): the strategy
discussion, the section 47 enquiry it starts, the initial child protection conference
within 15 working days of the discussion, the first core group within 10 working days of
the conference, the first review conference within 3 months. The 45-working-day
assessment clock runs beside it (an s47 enquiry is carried out under an assessment)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from ...core import formats
from ...core.clock import today
from ...core.models import Recorded


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Outcome(models.TextChoices):
    NFA = "nfa", "No further action"
    ASSESSMENT = "assessment", "Assessment"
    STRATEGY = "strategy_discussion", "Strategy discussion"
    PANEL = "panel", "Referral to the exploitation panel"


class S47Outcome(models.TextChoices):
    CONFERENCE = "conference", "Concerns substantiated: initial child protection conference"
    NO_CONFERENCE = "no_conference", "No conference (concerns not substantiated, or no " \
        "continuing risk of significant harm)"


class ConferenceOutcome(models.TextChoices):
    PLAN = "plan", "Child protection plan"
    NO_PLAN = "no_plan", "No child protection plan"


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
    # The child protection path (a strategy discussion outcome). The due dates are set from
    # the dates held, on the calendar in force when they were recorded.
    strategy_discussion_on = models.DateField(null=True, blank=True)
    s47_started_on = models.DateField("section 47 enquiry started", null=True, blank=True)
    s47_outcome = models.CharField("section 47 outcome", max_length=16,
                                   choices=S47Outcome.choices, blank=True)
    icpc_due = models.DateField("initial conference due", null=True, blank=True)
    icpc_held_on = models.DateField("initial conference held", null=True, blank=True)
    icpc_outcome = models.CharField("initial conference outcome", max_length=16,
                                    choices=ConferenceOutcome.choices, blank=True)
    core_group_due = models.DateField("first core group due", null=True, blank=True)
    core_group_held_on = models.DateField("first core group held", null=True, blank=True)
    rcpc_due = models.DateField("review conference due", null=True, blank=True)
    rcpc_held_on = models.DateField("review conference held", null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"Referral about {self.child}, received {formats.day(self.received_at)}"

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
