"""Awareness training sessions and who attended them (a count of staff per business, and
their names where the trainer took them)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ...core import formats
from ...core.models import Recorded
from .businesses import Sector

MAX_STAFF = 500


class TrainingSession(Recorded):
    held_on = models.DateField()
    course = models.CharField(max_length=200, default="Operation Makesafe awareness")
    trainer = models.CharField(max_length=200, help_text="Name and organisation.")
    sector = models.CharField(
        max_length=24, choices=Sector.choices, blank=True,
        help_text="The sector the session was for; leave empty for a mixed session.",
    )
    district = models.ForeignKey("core.Area", on_delete=models.PROTECT,
                                 related_name="+", help_text="Where it was held.")
    venue = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return f"{self.course}, {formats.day(self.held_on)}"

    @property
    def staff_trained(self) -> int:
        return sum(a.staff_count for a in self.attendances.all())


class Attendance(models.Model):
    """A business at a session: part of the session (its agency records it)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE,
                                related_name="attendances")
    business = models.ForeignKey("partners.Business", on_delete=models.PROTECT,
                                 related_name="attendances")
    staff_count = models.PositiveSmallIntegerField(
        "staff trained", validators=[MinValueValidator(1), MaxValueValidator(MAX_STAFF)])
    staff_names = models.TextField(blank=True, help_text="One name a line (optional).")

    class Meta:
        ordering = ["business__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "business"],
                                    name="one_attendance_per_business"),
        ]

    def __str__(self) -> str:
        return f"{self.business}: {self.staff_count}"

    @property
    def names(self) -> list[str]:
        return [line.strip() for line in self.staff_names.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.staff_count is not None and len(self.names) > self.staff_count:
            raise ValidationError({"staff_count": "Fewer staff than names given."})
