"""Multi-agency exploitation panels (MACE): meetings, attendees by agency, the children and
adults discussed with the decisions, and actions with owners and due dates."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from ...core import formats
from ...core.clock import today
from ...core.models import Recorded


class PanelMeeting(Recorded):
    title = models.CharField(max_length=200, default="Multi-agency exploitation panel")
    held_on = models.DateField()
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    chair = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title}, {formats.day(self.held_on)}"


class PanelAttendee(models.Model):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="attendees")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+")
    agency_name = models.CharField(max_length=200, blank=True,
                                   help_text="For an agency not on the platform.")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency or self.agency_name})"

    def clean(self) -> None:
        if self.agency_id is None and not self.agency_name.strip():
            raise ValidationError({"agency": "Choose an agency, or name one not on the platform."})


class PanelDiscussion(models.Model):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE,
                                related_name="discussions")
    child = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    adult = models.ForeignKey("safeguarding.AdultOfConcern", on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    summary = models.TextField()
    decision = models.TextField()
    # The panel reviews every child it decides about (MACE practice: a decision stands
    # until reviewed); blank only on discussions recorded before review dates were kept.
    review_on = models.DateField("review at the panel of", null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Discussion {self.pk}"

    def clean(self) -> None:
        if self.child_id is None and self.adult_id is None:
            raise ValidationError({"child": "Choose the child or the adult discussed."})
        if self.child_id is not None and self.review_on is None:
            raise ValidationError({"review_on": "Give the date the panel reviews its "
                                                "decision about the child."})


class PanelAction(models.Model):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="panel_actions")
    owner_name = models.CharField(max_length=200, blank=True,
                                  help_text="For an owner without a sign-in.")
    owner_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    # What the action is about: a child, an adult of concern, or a place or business as
    # named (a hotel, a takeaway, a taxi firm); carried forward in the packs until done.
    child = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    adult = models.ForeignKey("safeguarding.AdultOfConcern", on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    place = models.CharField("place or business", max_length=300, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    def clean(self) -> None:
        if self.owner_id is None and not self.owner_name.strip():
            raise ValidationError({"owner": "Choose the owner, or name them."})

    @property
    def owner_label(self) -> str:
        if self.owner is not None:
            return self.owner.get_full_name() or self.owner.username
        return self.owner_name

    def overdue(self, on: date | None = None) -> bool:
        return self.completed_on is None and (on or today()) > self.due_on


class DisruptionKind(models.TextChoices):
    SRO = "sro", "Sexual risk order application"
    SHPO = "shpo", "Sexual harm prevention order application"
    LICENSING = "licensing", "Referral to the licensing authority"
    CLOSURE = "closure", "Closure order application"
    OTHER = "other", "Other disruption"


class DisruptionOutcome(models.TextChoices):
    PENDING = "pending", "Awaited"
    GRANTED = "granted", "Granted or acted on"
    REFUSED = "refused", "Refused or no action"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DisruptionStep(models.Model):
    """A step the panel took to disrupt an adult or a place beyond warning notices and
    arrests (which have their own records): an order applied for (Sexual Offences Act 2003
    ss122A and 103A, as amended by the Sentencing Act 2020), a licensing referral, a
    closure order (Anti-social Behaviour, Crime and Policing Act 2014 s80), with its outcome."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE,
                                related_name="disruption_steps")
    adult = models.ForeignKey("safeguarding.AdultOfConcern", on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    place = models.CharField("place or business", max_length=300, blank=True)
    kind = models.CharField(max_length=16, choices=DisruptionKind.choices)
    applied_on = models.DateField("applied for or referred on")
    outcome = models.CharField(max_length=16, choices=DisruptionOutcome.choices,
                               default=DisruptionOutcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["applied_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {formats.day(self.applied_on)}"

    def clean(self) -> None:
        if self.adult_id is None and not self.place.strip():
            raise ValidationError({"adult": "Choose the adult, or name the place or business."})
        if self.outcome == DisruptionOutcome.PENDING and self.outcome_on is not None:
            raise ValidationError({"outcome_on": "An awaited outcome has no date yet."})
        if self.outcome != DisruptionOutcome.PENDING and self.outcome_on is None:
            raise ValidationError({"outcome_on": "Give the date of the outcome."})
        if self.outcome_on is not None and self.outcome_on < self.applied_on:
            raise ValidationError({"outcome_on": "The outcome cannot come before the "
                                                 "application."})
