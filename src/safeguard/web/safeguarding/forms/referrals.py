"""Referral forms: the incoming concern, then the decision and the assessment."""

from __future__ import annotations

from typing import Any

from django import forms

from ...accounts.models import User
from ...core.clock import local_date, now, today
from ...core.forms import dated_widgets
from ...language import LanguageCheckedForm
from ..conf import local_rules
from ..models import ConferenceOutcome, Outcome, Referral, S47Outcome
from ..rules import assessment_due

REFERRAL_FIELDS = ["received_at", "referrer", "concern", "rag"]
DECISION_FIELDS = ["outcome", "decision_notes", "assessment_completed_on"]
# Outcomes with the 45-working-day assessment clock: an assessment, and a strategy
# discussion (a section 47 enquiry is carried out under an assessment; Working Together
# 2023 keeps the 45 working days).
ASSESSED = (Outcome.ASSESSMENT, Outcome.STRATEGY)
# The child protection path, in the order it happens (rules.child_protection_clocks).
PATH_FIELDS = ["strategy_discussion_on", "s47_started_on", "s47_outcome", "icpc_held_on",
               "icpc_outcome", "core_group_held_on", "rcpc_held_on"]


class ReferralForm(LanguageCheckedForm, forms.ModelForm):
    language_checked_fields = ("concern",)

    class Meta:
        model = Referral
        fields = REFERRAL_FIELDS
        widgets = dated_widgets(Referral, REFERRAL_FIELDS)


class DecisionForm(LanguageCheckedForm, forms.ModelForm):
    language_checked_fields = ("decision_notes",)

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
        if completed and data.get("outcome") not in ASSESSED:
            self.add_error("assessment_completed_on", "Only an assessment is completed: "
                           "choose the outcome Assessment or Strategy discussion, or clear "
                           "the date.")
        if completed and completed < self.instance.received_at.date():
            self.add_error("assessment_completed_on", "Completed before the referral came in.")
        return data

    @staticmethod
    def settle(decision: Referral, user: User) -> None:
        """Stamp who decided and when (the first time) and set the assessment clock from
        the outcome: by the recording agency's page and the front door's task alike."""
        if decision.decided_at is None:
            decision.decided_at = now()
            decision.decided_by = user
        if decision.outcome in ASSESSED and decision.assessment_due is None:
            decision.assessment_due = assessment_due(local_date(decision.received_at),
                                                     local_rules().working)
        elif decision.outcome not in ASSESSED:
            decision.assessment_due = None


class ChildProtectionForm(forms.ModelForm):
    """The steps of the child protection path after a strategy discussion outcome; each
    date needs the step before it, and none is in the future."""

    class Meta:
        model = Referral
        fields = PATH_FIELDS
        widgets = dated_widgets(Referral, PATH_FIELDS)

    # (field, the field it follows, what to say when that is missing)
    ORDER = (
        ("s47_started_on", "strategy_discussion_on", "the strategy discussion that started it"),
        ("icpc_held_on", "s47_started_on", "the section 47 enquiry it follows"),
        ("core_group_held_on", "icpc_held_on", "the initial conference"),
        ("rcpc_held_on", "icpc_held_on", "the initial conference"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in PATH_FIELDS:
            value = data.get(name)
            if name.endswith("_on") and value is not None and value > today():
                self.add_error(name, "The date is in the future: record a step once held.")
        received = self.instance.received_at.date()
        if (strategy := data.get("strategy_discussion_on")) and strategy < received:
            self.add_error("strategy_discussion_on", "Held before the referral came in.")
        for name, before, what in self.ORDER:
            later, earlier = data.get(name), data.get(before)
            if later is None:
                continue
            if earlier is None:
                self.add_error(name, f"Give the date of {what} first.")
            elif later < earlier:
                self.add_error(name, f"Dated before {what}.")
        if data.get("s47_outcome") and not data.get("s47_started_on"):
            self.add_error("s47_outcome", "An outcome follows the enquiry: give its start.")
        if data.get("s47_outcome") == S47Outcome.NO_CONFERENCE and data.get("icpc_held_on"):
            self.add_error("icpc_held_on", "The enquiry ruled a conference out: change the "
                           "outcome or clear the date.")
        if data.get("icpc_held_on") and not data.get("icpc_outcome"):
            self.add_error("icpc_outcome", "Give the conference's decision.")
        if data.get("icpc_outcome") and not data.get("icpc_held_on"):
            self.add_error("icpc_held_on", "Give the date the conference was held.")
        plan = data.get("icpc_outcome") == ConferenceOutcome.PLAN
        for name in ("core_group_held_on", "rcpc_held_on"):
            if data.get(name) and not plan:
                self.add_error(name, "A core group and a review conference follow a child "
                               "protection plan.")
        return data
