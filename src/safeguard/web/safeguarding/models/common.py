"""What every register record carries: its owning agency, who made it and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ...core.models import AgencyOwned
from ..rules import Grade


class Recorded(AgencyOwned):
    """An agency-owned register record (core.AgencyOwned: shared explicitly, read-only)."""

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RiskGrade(models.TextChoices):
    # The values are rules.Grade's: the rule functions and the database agree.
    NO_CURRENT_RISK = Grade.NO_CURRENT_RISK.value, "No current risk"
    LOW = Grade.LOW.value, "Low"
    MEDIUM = Grade.MEDIUM.value, "Medium"
    HIGH = Grade.HIGH.value, "High"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other (self-described)"
    NOT_KNOWN = "not_known", "Not known"
