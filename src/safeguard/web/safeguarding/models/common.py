"""Choices several register records share. (What every register record carries, its
owning agency and who made it when, is core.models.Recorded.)"""

from __future__ import annotations

from django.db import models

from ..rules import Grade


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
