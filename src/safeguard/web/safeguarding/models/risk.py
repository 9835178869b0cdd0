"""Risk screening: tools as versioned data, and the assessments practitioners complete.

A ScreeningTool version is loaded from a shipped file (screening_tools/*.toml) and never
changes once loaded: a changed tool is a new version (reference.load_screening_tools
refuses an altered published version). An assessment keeps the version it used, the
indicators found, the score and calculated grade, and any professional override with
its reason.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from ..clock import today
from ..rules import grade_for_score
from .common import Recorded, RiskGrade


class ScreeningTool(models.Model):
    slug = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Each threshold is the lowest score of its grade; below low_from: no current risk.
    low_from = models.PositiveIntegerField()
    medium_from = models.PositiveIntegerField()
    high_from = models.PositiveIntegerField()
    illustrative = models.BooleanField(
        default=True, help_text="Weights are illustrative local configuration."
    )
    digest = models.CharField(max_length=64, help_text="SHA-256 of the file it came from.")
    active = models.BooleanField(default=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="one_tool_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def grade_for(self, score: int) -> str:
        return grade_for_score(score, self.low_from, self.medium_from, self.high_from).value


class Indicator(models.Model):
    tool = models.ForeignKey(ScreeningTool, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(max_length=60)
    text = models.CharField(max_length=300)
    weight = models.PositiveIntegerField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["tool", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "code"], name="one_indicator_code_per_tool"),
        ]

    def __str__(self) -> str:
        return self.text


class RiskAssessment(Recorded):
    child = models.ForeignKey("safeguarding.Child", on_delete=models.PROTECT,
                              related_name="risk_assessments")
    tool = models.ForeignKey(ScreeningTool, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField()
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, related_name="+")
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="+")
    score = models.PositiveIntegerField()
    calculated_grade = models.CharField(max_length=20, choices=RiskGrade.choices)
    override_grade = models.CharField(max_length=20, choices=RiskGrade.choices, blank=True)
    override_reason = models.TextField(blank=True)
    grade = models.CharField(
        max_length=20, choices=RiskGrade.choices,
        help_text="The grade in force: the override where there is one, else the calculated.",
    )
    review_due = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [models.Index(fields=["child", "-completed_on"])]

    def __str__(self) -> str:
        return f"Risk screening of {self.child} on {self.completed_on:%d/%m/%Y}"

    @property
    def overridden(self) -> bool:
        return bool(self.override_grade)

    def review_overdue(self, on: date | None = None) -> bool:
        return (on or today()) > self.review_due
