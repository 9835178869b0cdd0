"""The children around a subject, the risk assessment of each referral and its clock.

- `Assessment`: one per referral, versioned like the register's screening tools: each
  answer with its source (the report, or the analyst who recorded it), the
  time-to-action band it sets (immediate, days, weeks) and the clock: received,
  assessed (an analyst confirmed it), actioned (the first decision after it).
- `ChildAtRisk`: a child a referral names or an analyst records: a victim or an intended
  recipient (a child to identify), a child at the subject's address (referred to
  children's social care within `social_care_referral_hours`), or the subject himself
  when he is a child (the safeguarding route). The referral to social care creates or
  links the child on the register and is a safeguarding.Referral, which goes to the
  council's front door.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Band(models.TextChoices):
    IMMEDIATE = "immediate", "Immediate"
    DAYS = "days", "Within days"
    WEEKS = "weeks", "Within weeks"


BAND_RANK = {Band.IMMEDIATE: 2, Band.DAYS: 1, Band.WEEKS: 0, "": 0}


class Assessment(models.Model):
    referral = models.OneToOneField("intelligence.Referral", on_delete=models.CASCADE,
                                    related_name="assessment")
    subject = models.ForeignKey("intelligence.Subject", on_delete=models.PROTECT,
                                related_name="assessments")
    version = models.CharField(max_length=40)
    # [{"key", "question", "answer", "source"}]: every answer with where it came from.
    answers = models.JSONField(default=list)
    reasons = models.JSONField(default=list)  # why the band, in words
    band = models.CharField(max_length=12, choices=Band.choices)
    received_at = models.DateTimeField()
    action_due_at = models.DateTimeField()
    assessed_at = models.DateTimeField(null=True, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    actioned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["subject", "received_at"], name="assessment_subject")]

    def __str__(self) -> str:
        return f"{self.get_band_display()} ({self.referral.report_id})"


class ChildRole(models.TextChoices):
    HOUSEHOLD = "household", "A child at the subject's address"
    VICTIM = "victim", "A victim the referral names"
    RECIPIENT = "recipient", "An intended recipient the referral names"
    SUBJECT = "subject", "The subject, who is a child"


class ChildStatus(models.TextChoices):
    TO_IDENTIFY = "to_identify", "To identify"
    TO_REFER = "to_refer", "To refer to children's social care"
    REFERRED = "referred", "Referred to children's social care"


# Roles whose children are referred to social care (the others are identified first).
REFERRED_ROLES = (ChildRole.HOUSEHOLD, ChildRole.SUBJECT)


class ChildAtRisk(models.Model):
    subject = models.ForeignKey("intelligence.Subject", on_delete=models.PROTECT,
                                related_name="children_at_risk")
    referral = models.ForeignKey("intelligence.Referral", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="children")
    role = models.CharField(max_length=12, choices=ChildRole.choices)
    status = models.CharField(max_length=12, choices=ChildStatus.choices)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # Online: how the service knows the child (for identification).
    screen_name = models.CharField(max_length=200, blank=True)
    service_id = models.CharField(max_length=200, blank=True)
    place = models.CharField(max_length=300, blank=True,
                             help_text="Address or estimated location, as reported.")
    source = models.CharField(max_length=300, help_text="Where this came from.")
    district = models.ForeignKey("core.Area", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    recorded_at = models.DateTimeField()
    social_care_due_at = models.DateTimeField(null=True, blank=True)
    referred_at = models.DateTimeField(null=True, blank=True)
    register_child = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+")
    social_care_referral = models.ForeignKey("safeguarding.Referral",
                                             on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["role", "pk"]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip() or self.screen_name or "a child"
        return f"{name} ({self.get_role_display()})"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
