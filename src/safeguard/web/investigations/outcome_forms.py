"""The form that records a suspect's arrest or charge (models/outcomes.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from ..core.clock import today
from ..core.forms import DateInput
from .models import Suspect, SuspectOutcome, SuspectOutcomeKind


class SuspectOutcomeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SuspectOutcome
        fields = ["investigation", "arrested_on", "charged_on", "offence", "outcome"]
        widgets = {"arrested_on": DateInput(), "charged_on": DateInput()}
        labels = {"arrested_on": "Arrested on", "charged_on": "Charged on"}
        help_texts = {
            "investigation": "The investigation the arrest or charge was made in: its "
            "operation's figures count it.",
            "arrested_on": "Leave empty for a charge without an arrest (postal requisition).",
            "charged_on": "The day the charge was authorised; empty if not charged.",
            "offence": "As recorded on custody, e.g. \"Distributing indecent images of "
            "children\".",
        }

    def __init__(self, *args: Any, suspect: Suspect, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the suspect's own investigations of the suspect's agency: an outcome counts
        # in its operation's figures, which belong to that agency.
        self.fields["investigation"].queryset = suspect.investigations.filter(  # type: ignore[attr-defined]
            owning_agency=suspect.owning_agency_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        arrested, charged = data.get("arrested_on"), data.get("charged_on")
        outcome = data.get("outcome")
        if arrested is None and charged is None and not self.has_error("arrested_on"):
            self.add_error("arrested_on", "Give the day of the arrest, or of the charge.")
        for name in ("arrested_on", "charged_on"):
            day = data.get(name)
            if day is not None and day > today():
                self.add_error(name, "This day has not come yet.")
        if arrested and charged and charged < arrested:
            self.add_error("charged_on", "A charge after an arrest cannot come before it.")
        if charged and outcome != SuspectOutcomeKind.CHARGED:
            self.add_error("outcome", "A charge date goes with the outcome \"Charged\".")
        if outcome == SuspectOutcomeKind.CHARGED and not charged:
            self.add_error("charged_on", "Give the day of the charge.")
        return data
