"""Referral forms: the incoming concern, then the decision and the assessment."""

from __future__ import annotations

from typing import Any

from django import forms

from ..models import Outcome, Referral
from .common import dated_widgets

REFERRAL_FIELDS = ["received_at", "referrer", "concern", "rag"]
DECISION_FIELDS = ["outcome", "decision_notes", "assessment_completed_on"]


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = REFERRAL_FIELDS
        widgets = dated_widgets(Referral, REFERRAL_FIELDS)


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = DECISION_FIELDS
        widgets = dated_widgets(Referral, DECISION_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        completed = data.get("assessment_completed_on")
        if completed and data.get("outcome") != Outcome.ASSESSMENT:
            self.add_error("assessment_completed_on", "Only an assessment is completed: "
                           "choose the outcome Assessment or clear the date.")
        if completed and completed < self.instance.received_at.date():
            self.add_error("assessment_completed_on", "Completed before the referral came in.")
        return data
