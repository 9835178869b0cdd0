"""Licensing: the licensed drivers the forum trains, a concern report's link to a licence
holder or a vehicle, and the referral that carries it to the licensing authority.

A driver is known by the badge number the licensing authority issued and that authority
(two councils may issue the same number). Like a business, a driver record belongs to the
agency whose user recorded it (core.Recorded): the council's licensing team keeps its
drivers, the police theirs, and they share explicitly. Training is the same sessions as
the businesses' (DriverAttendance beside Attendance); a refresher is due a configurable
interval after the last session (conf.refresher_months, refreshers.py).

A referral to the licensing authority is work the police owe the authority sight of
(core.Assigned): owned by the police agency that holds the concern report, assigned to
the authority, which sees the referral's page only (the licence or vehicle and what the
officer wrote for it), never the report itself (police only, access.open_concern).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from ...accounts.models import AgencyKind
from ...core import formats
from ...core.models import Assigned, Recorded
from .concerns import ConcernReport, _Link
from .training import TrainingSession

AUTHORITIES = Q(kind=AgencyKind.LICENSING_AUTHORITY)


class LicensedDriver(Recorded):
    name = models.CharField(max_length=200)
    badge_number = models.CharField(max_length=30,
                                    help_text="As on the driver's badge.")
    licensing_authority = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+",
        limit_choices_to=AUTHORITIES, help_text="The council that issued the badge.")
    firm = models.ForeignKey("partners.Business", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="drivers",
                             help_text="The operator the driver works for, if known.")
    licensed = models.BooleanField(
        default=True, help_text="Untick when the licence lapses or is revoked; the driver "
                                "stays on record.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["badge_number", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["owning_agency", "licensing_authority", "badge_number"],
            name="one_driver_per_badge_per_agency")]

    def __str__(self) -> str:
        return f"{self.name} (badge {self.badge_number})"


class DriverAttendance(models.Model):
    """A driver at a session: part of the session (its agency records it)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE,
                                related_name="driver_attendances")
    driver = models.ForeignKey(LicensedDriver, on_delete=models.PROTECT,
                               related_name="attendances")

    class Meta:
        ordering = ["driver__badge_number", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "driver"],
                                               name="one_attendance_per_driver")]

    def __str__(self) -> str:
        return f"{self.driver} at {self.session}"


class ConcernLicence(_Link):
    """A concern report's licence holder or vehicle, as the officer read it from the report.
    `driver` is set when the badge and authority match a driver the officer's agency
    holds; the badge is kept either way (the driver may not be on record yet)."""

    report = models.ForeignKey(ConcernReport, on_delete=models.CASCADE,
                               related_name="licence_links")
    licensing_authority = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+",
        limit_choices_to=AUTHORITIES)
    badge_number = models.CharField("driver's badge number", max_length=30, blank=True)
    registration = models.CharField("vehicle registration", max_length=12, blank=True)
    plate_number = models.CharField(
        "licence plate number", max_length=30, blank=True,
        help_text="The authority's plate on a licensed vehicle.")
    driver = models.ForeignKey(LicensedDriver, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="concern_links")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return " · ".join(part for part in (
            self.badge_number and f"badge {self.badge_number}",
            self.registration and f"vehicle {self.registration}",
            self.plate_number and f"plate {self.plate_number}") if part)

    @property
    def holder(self) -> bool:
        """A licence holder (a badge); otherwise a vehicle only."""
        return bool(self.badge_number)

    def clean(self) -> None:
        if not (self.badge_number or self.registration or self.plate_number):
            raise ValidationError("Give a badge number, a vehicle registration or a plate "
                                  "number.")


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Sent, not yet acknowledged"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESPONDED = "responded", "Action recorded"


class LicensingOutcome(models.TextChoices):
    UNDER_REVIEW = "under_review", "Under review"
    NO_ACTION = "no_action", "No action on the licence"
    ADVICE = "advice", "Advice or training given"
    WARNING = "warning", "Written warning"
    SUSPENDED = "suspended", "Licence suspended"
    REVOKED = "revoked", "Licence revoked"


class LicensingReferral(Assigned):
    link = models.OneToOneField(ConcernLicence, on_delete=models.PROTECT,
                                related_name="referral")
    note = models.TextField(
        "what the licensing authority needs to know",
        help_text="The authority sees this and the licence or vehicle, not the report.")
    status = models.CharField(max_length=12, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=LicensingOutcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["assigned_agency", "status"])]

    def __str__(self) -> str:
        return f"Licensing referral {self.pk} of {formats.day(self.created_at)}"
