"""Agencies and the people who work for them.

A user belongs to exactly one agency and holds one role there. Records are owned by an
agency (core.AgencyOwned); what a user may see follows from their agency, what they may
do from their role (safeguard.web.policy).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
    # Taxi and private hire licensing: in two-tier areas the district and borough councils
    # (not the county), in a unitary area the unitary council (Stoke-on-Trent licenses
    # its own). A partner like any other non-police kind.
    LICENSING_AUTHORITY = (
        "licensing_authority", "Licensing authority (district, borough or unitary council)")


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    # Agencies are deactivated, never deleted: audit rows and records point at them.
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    SUPERVISOR = "supervisor", "Supervisor"
    INVESTIGATOR = "investigator", "Investigator"
    FORENSIC_EXAMINER = "forensic_examiner", "Forensic examiner"
    IMAGE_REVIEWER = "image_reviewer", "Image reviewer"
    ANALYST = "analyst", "Analyst"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A person with a sign-in. Django's is_staff/is_superuser are not used for access."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, related_name="members"
    )
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.PRACTITIONER)
    # An administrator who also manages agencies and the users of every agency (the
    # platform's own administrators); other administrators manage their agency's users.
    manages_all_agencies = models.BooleanField(default=False)
    # Set when an administrator chose the password: the user replaces it at first sign-in.
    must_change_password = models.BooleanField(default=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    @property
    def is_administrator(self) -> bool:
        return self.has_role(Role.ADMINISTRATOR)

    @property
    def is_platform_administrator(self) -> bool:
        return self.is_administrator and self.manages_all_agencies


class EnrolmentLink(models.Model):
    """A single-use link an administrator gives a person to enrol their authenticator.

    Enrolment is not offered after a password alone: that would tell anyone who tried a
    password that it was right, and let whoever learnt a temporary password enrol a
    device of their own. The link's token is shown once, to the administrator; only its
    SHA-256 is kept. The link carries its own fresh secret (`device`), made when the link
    is first opened.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_links")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    device = models.OneToOneField("otp_totp.TOTPDevice", on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"enrolment link for {self.user.username}"
