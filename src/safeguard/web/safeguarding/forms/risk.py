"""The risk screening form: one checkbox per indicator of the tool version, an optional
override of the grade with a mandatory reason."""

from __future__ import annotations

from typing import Any

from django import forms

from ..models import RiskGrade, ScreeningTool
from .common import DateInput, set_choices


class AssessmentForm(forms.Form):
    completed_on = forms.DateField(label="Date completed", widget=DateInput())
    indicators = forms.MultipleChoiceField(
        label="Indicators present now", required=False, widget=forms.CheckboxSelectMultiple
    )
    override_grade = forms.ChoiceField(
        label="Override the grade (professional judgement)", required=False,
        help_text="Leave empty to keep the grade the score gives.",
    )
    override_reason = forms.CharField(
        label="Reason for the override", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required with an override; recorded with the assessment and in the audit.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, tool: ScreeningTool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tool = tool
        self.indicator_rows = list(tool.indicators.all())
        set_choices(self, "indicators", [
            (item.code, f"{item.text} (weight {item.weight})") for item in self.indicator_rows
        ])
        set_choices(self, "override_grade", [("", "No override"), *RiskGrade.choices])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        override = data.get("override_grade")
        reason = (data.get("override_reason") or "").strip()
        if override and len(reason) < 10:
            self.add_error(
                "override_reason",
                "Give the reason for overriding the grade (at least 10 characters).",
            )
        if not override and reason:
            self.add_error("override_grade", "Choose the grade the reason argues for, or "
                           "clear the reason.")
        chosen = set(data.get("indicators") or [])
        data["score"] = sum(item.weight for item in self.indicator_rows if item.code in chosen)
        data["calculated_grade"] = self.tool.grade_for(data["score"])
        if override and override == data["calculated_grade"]:
            self.add_error("override_grade", "The override is the grade the score gives: "
                           "leave it empty.")
        return data
