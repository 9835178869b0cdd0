"""Concern reports from trained businesses, and the access codes that let them report.

A business reports through a short public form with its access code (no account). The
code is shown once when issued; only its SHA-256 is kept (codes.py). A report lands in
the police triage queue, owned by the receiving police agency, where an officer links it
to children, adults of concern and places and closes it with an outcome.

A report sent with a code that is revoked or unknown is kept too, marked so: a concern
about a child is never thrown away because a card was out of date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ...core import formats
from ...core.models import AgencyOwned


class AccessCode(models.Model):
    business = models.ForeignKey("partners.Business", on_delete=models.PROTECT,
                                 related_name="access_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    # The first five characters, so that an officer can match a card to its record.
    hint = models.CharField(max_length=5)
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["business"], condition=Q(revoked_at__isnull=True),
                                    name="one_live_code_per_business"),
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "live"
        return f"Access code {self.hint}… of {self.business} ({state})"

    @property
    def live(self) -> bool:
        return self.revoked_at is None


class CodeStatus(models.TextChoices):
    VALID = "valid", "Valid code"
    REVOKED = "revoked", "Revoked code"
    UNKNOWN = "unknown", "Code not recognised"
    # Beyond the hourly cap on unrecognised codes (a flood from many addresses): kept, but
    # out of the open queue until someone looks (partners/views/public.py).
    HELD = "held", "Code not recognised, held (many at once)"


class ConcernStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    NFA = "nfa", "No further action"
    INTELLIGENCE = "intelligence", "Recorded as intelligence"
    SOCIAL_CARE = "social_care", "Referred to children's social care"
    INVESTIGATION = "investigation", "Added to an investigation"
    ADVICE = "advice", "Advice given to the business"
    DUPLICATE = "duplicate", "Duplicate of another report"
    NOT_GENUINE = "not_genuine", "Not genuine (spam or malicious)"


class ConcernReport(AgencyOwned):
    """Owned by the police agency that receives it (views.public.receiving_agency)."""

    received_at = models.DateTimeField()
    business = models.ForeignKey("partners.Business", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="concern_reports")
    code_status = models.CharField(max_length=16, choices=CodeStatus.choices)
    what_happened = models.TextField()
    when_seen = models.CharField(max_length=100, blank=True)
    where_seen = models.CharField(max_length=300, blank=True)
    people = models.TextField(blank=True)
    vehicles = models.CharField(max_length=200, blank=True)
    reporter_name = models.CharField(max_length=100, blank=True)
    reporter_phone = models.CharField(max_length=30, blank=True)
    may_contact = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=ConcernStatus.choices,
                              default=ConcernStatus.NEW)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["owning_agency", "status", "received_at"])]

    def __str__(self) -> str:
        return f"Concern report {self.pk} of {formats.moment(self.received_at)}"


class _Link(models.Model):
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 null=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class ConcernChild(_Link):
    report = models.ForeignKey(ConcernReport, on_delete=models.CASCADE,
                               related_name="child_links")
    child = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["report", "child"],
                                               name="one_link_per_concern_child")]


class ConcernAdult(_Link):
    report = models.ForeignKey(ConcernReport, on_delete=models.CASCADE,
                               related_name="adult_links")
    adult = models.ForeignKey("safeguarding.AdultOfConcern", on_delete=models.PROTECT,
                              related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["report", "adult"],
                                               name="one_link_per_concern_adult")]


class ConcernPlace(_Link):
    report = models.ForeignKey(ConcernReport, on_delete=models.CASCADE,
                               related_name="places")
    description = models.CharField(max_length=300)
    district = models.ForeignKey("core.Area", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    business = models.ForeignKey("partners.Business", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description
