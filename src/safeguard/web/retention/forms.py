"""The review decision form: one per row of the work list, retain or dispose.

Every value is checked here as if forged (the page's hidden fields are the client's to
change): the record type must be on the schedule, the id a database id, the reason long
enough to say why, a retain's next review in the future and not beyond the schedule's
longest gap, a disposal confirmed. Whether the id is the user's agency's record and due
today is for the view and decisions.find_due.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ..core import formats
from ..core.params import record_id
from .conf import Schedule
from .kinds import KINDS, anniversary
from .models import DecisionKind


class DecisionForm(forms.Form):
    record_type = forms.CharField(max_length=40, label="Record type")
    object_id = forms.CharField(max_length=40, label="Record")
    decision = forms.ChoiceField(choices=DecisionKind.choices, label="Decision", error_messages={
        "invalid_choice": "Choose retain or dispose."})
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000,
                             help_text="Why the record is still needed, or why it is not.")
    next_review_on = forms.DateField(required=False, label="Next review",
                                     widget=forms.DateInput(attrs={"type": "date"}))
    confirm = forms.BooleanField(required=False, label="Confirm")

    def __init__(self, *args: Any, schedule: Schedule, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schedule = schedule
        self.today = today

    def clean_record_type(self) -> str:
        value = str(self.cleaned_data["record_type"])
        if value not in KINDS or not KINDS[value].installed():
            raise ValidationError(f"Unknown record type {value[:40]!r}: nothing was decided.")
        return value

    def clean_object_id(self) -> int:
        value = record_id(str(self.cleaned_data["object_id"]))
        if value is None:
            raise ValidationError("Not a record id: nothing was decided.")
        return value

    def clean_reason(self) -> str:
        reason = " ".join(str(self.cleaned_data["reason"]).split())
        least = self.schedule.reason_min_length
        if len(reason) < least:
            raise ValidationError(f"Give the reason in at least {least} characters: the log "
                                  "must say why the record is kept or erased.")
        return reason

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        decision = data.get("decision")
        if decision == DecisionKind.RETAIN:
            self._check_next_review(data.get("next_review_on"))
        elif decision == DecisionKind.DISPOSE:
            data["next_review_on"] = None
            if not data.get("confirm"):
                self.add_error("confirm", "Tick the box to confirm the disposal: the record "
                               "and its parts are deleted and cannot be brought back.")
        return data

    def _check_next_review(self, when: date | None) -> None:
        latest = anniversary(self.today, self.schedule.longest_retain_years)
        if when is None:
            self.add_error("next_review_on", "Give the date of the next review.")
        elif when <= self.today:
            self.add_error("next_review_on", "The next review must be after today.")
        elif when > latest:
            self.add_error("next_review_on", f"The next review must be by {formats.day(latest)} "
                           f"(at most {self.schedule.longest_retain_years} years ahead).")

    def problems(self) -> list[str]:
        """Every error, each with its field's name, for the banner above the list."""
        found: list[str] = []
        for name, errors in self.errors.items():
            label = "" if name == "__all__" else f"{self.fields[name].label}: "
            found.extend(f"{label}{error}" for error in errors)
        return found
