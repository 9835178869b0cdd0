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

from ...core import formats
from ...core.clock import today
from ...core.models import Recorded
from ..screening import Thresholds, ToolSpec, parse_bands, parse_rules
from .common import RiskGrade


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
    # Format 2 (screening.py): thresholds by age band and age rules, as the file has them.
    format_version = models.PositiveSmallIntegerField(default=1)
    bands = models.JSONField(default=list, blank=True)
    rules = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="one_tool_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def spec(self, indicators: list[Indicator] | None = None) -> ToolSpec:
        items = indicators if indicators is not None else list(self.indicators.all())
        return ToolSpec(
            weights={item.code: item.weight for item in items},
            default=Thresholds(self.low_from, self.medium_from, self.high_from),
            bands=parse_bands(self.bands),
            rules=parse_rules(self.rules, (item.code for item in items)),
        )


class Indicator(models.Model):
    tool = models.ForeignKey(ScreeningTool, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(max_length=60)
    text = models.CharField(max_length=300)
    weight = models.PositiveIntegerField()
    order = models.PositiveIntegerField(default=0)
    # The recorded facts that suggest it (suggestions.FACTS), for the practitioner to confirm.
    suggested_by = models.JSONField(default=list, blank=True)

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
    # What the age rules of a format-2 tool made of this screening (screening.Screening):
    # the age on the day, each rule that applied (as screening.Rule.as_record) and the
    # action the rules require. Kept on the assessment so that it reads the same later.
    age_at_screening = models.PositiveSmallIntegerField(null=True, blank=True)
    rules_applied = models.JSONField(default=list, blank=True)
    required_action = models.TextField(blank=True)
    # The indicators suggested from recorded facts (suggestions.py), each with its source
    # and whether the practitioner ticked it: [{"code", "fact", "why", "confirmed"}].
    suggestions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [models.Index(fields=["child", "-completed_on"])]

    def __str__(self) -> str:
        return f"Risk screening of {self.child} on {formats.day(self.completed_on)}"

    @property
    def overridden(self) -> bool:
        return bool(self.override_grade)

    def review_overdue(self, on: date | None = None) -> bool:
        return (on or today()) > self.review_due
