"""The risk screening form: one checkbox per indicator of the tool version (with the
indicators recorded facts suggest, unticked, for the practitioner to confirm), the grade
from the score and the tool's age rules for the child's age on the day, and an optional
override with a mandatory reason that may not go below an age rule's minimum."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html

from ...core.clock import today
from ...core.forms import DateInput, set_choices
from ...language import LanguageCheckedForm
from ..models import Child, Indicator, RiskGrade, ScreeningTool
from ..screening import below
from ..suggestions import Fact


def _label_of(grade: str) -> str:
    return str(dict(RiskGrade.choices)[grade])


class AssessmentForm(LanguageCheckedForm, forms.Form):
    language_checked_fields = ("notes", "override_reason")

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

    def __init__(self, *args: Any, tool: ScreeningTool, child: Child,
                 suggested: dict[str, list[Fact]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tool, self.child = tool, child
        self.suggested = suggested or {}
        self.indicator_rows = list(tool.indicators.all())
        self.spec = tool.spec(self.indicator_rows)
        set_choices(self, "indicators", [
            (item.code, self._label(item)) for item in self.indicator_rows
        ])
        set_choices(self, "override_grade", [("", "No override"), *RiskGrade.choices])
        if self.spec.rules:
            self.fields["indicators"].help_text = "Age rules of this tool: " + "; ".join(
                f"{rule.text} → at least {_label_of(rule.minimum_grade)}"
                for rule in self.spec.rules) + "."

    def _label(self, item: Indicator) -> str:
        text = f"{item.text} (weight {item.weight})"
        facts = self.suggested.get(item.code)
        if not facts:
            return text
        # Shown beside the unticked box: the practitioner confirms or leaves it.
        return format_html('{} <span class="badge suggested">Suggested: {}</span>', text,
                           "; ".join(fact.why for fact in facts))

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
        completed = data.get("completed_on")
        if completed is None:
            return data
        if completed < self.child.date_of_birth:
            self.add_error("completed_on", f"{self.child} was not born on that date.")
            return data
        if completed > today():
            self.add_error("completed_on", "The screening is recorded once done: the date is "
                           "in the future.")
        screening = self.spec.screen(self.child.age_on(completed), data.get("indicators") or [])
        data["screening"] = screening
        data["score"] = screening.score
        data["calculated_grade"] = screening.grade.value
        if override and override == data["calculated_grade"]:
            self.add_error("override_grade", "The override is the grade the score gives: "
                           "leave it empty.")
        minimum = screening.minimum
        if override and minimum is not None and below(override, minimum):
            # The age rules are the floor guidance sets; judgement may raise a grade only.
            rule = next(r for r in screening.rules if r.minimum_grade == minimum)
            self.add_error("override_grade", (
                f"{self.child} was {screening.age} on the day: the rule \"{rule.text}\" sets "
                f"at least {_label_of(minimum)} ({rule.source}). An override may "
                "raise the grade, not lower it below the rule."))
        return data

    def suggestion_records(self) -> list[dict[str, object]]:
        chosen = set(self.cleaned_data.get("indicators") or [])
        return [fact.as_record(code, code in chosen)
                for code, facts in self.suggested.items() for fact in facts]
