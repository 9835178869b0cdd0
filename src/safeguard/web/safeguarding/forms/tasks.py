"""Task forms: the assignee's answer and its part, the holder's hand-over or revocation,
and a child's closure and reopening."""

from __future__ import annotations

from typing import Any

from django import forms

from ...accounts.models import Agency, User
from ...core.clock import today
from ...core.forms import DateInput, active_agencies, colleagues, set_queryset
from ..models import Child
from .missing import ReturnForm

REASON_HELP = "Recorded with the task and in the audit."
INTERVIEW_FIELDS = ["interview_status", "interview_offered_at", "interview_at", "interview_by",
                    "interview_independent", "interview_notes"]


def _reason(label: str, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text=REASON_HELP)


class InterviewForm(ReturnForm):
    """The return home interview, as its provider records it on the police episode: the
    interview's fields only. The return is the police's to record; the checks read it
    from the episode."""

    class Meta(ReturnForm.Meta):
        fields = INTERVIEW_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("child", kwargs["instance"].child)
        super().__init__(*args, **kwargs)
        del self.fields["police_risk_grade"]  # the police's grade, not the provider's
        self.fields["interview_independent"].widget = forms.Select(choices=[
            ("", "Not recorded"), ("true", "Yes: not involved in caring for the child"),
            ("false", "No")])

    def clean(self) -> dict[str, Any]:
        episode = self.instance
        if episode.returned_at is None:
            raise forms.ValidationError(
                f"{episode.owning_agency} has not recorded the child's return yet: the "
                "interview is offered after the return. Accept the task now and record the "
                "interview once the return is recorded.")
        # The episode's own facts, which the checks compare with (not fields here).
        for name in ("found_at", "returned_at", "prevention_interview_at"):
            self.cleaned_data[name] = getattr(episode, name)
        return super().clean()


class HostAcknowledgementForm(forms.ModelForm):
    """The host authority's part when a child is placed into its area by another: the day
    it acknowledged the placing authority's notification. Nothing else of the child."""

    class Meta:
        model = Child
        fields = ["host_acknowledged_on"]
        widgets = {"host_acknowledged_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_acknowledged_on"].required = True
        self.fields["host_acknowledged_on"].initial = today()

    def clean_host_acknowledged_on(self) -> Any:
        day = self.cleaned_data["host_acknowledged_on"]
        if day is not None and day > today():
            raise forms.ValidationError("The day cannot be in the future.")
        return day


class RespondForm(forms.Form):
    answer = forms.ChoiceField(label="Your answer", widget=forms.RadioSelect, choices=[
        ("accept", "Accept: my agency will do this"),
        ("decline", "Decline: it is not ours to do (give the reason)")])
    reason = _reason("Reason or note", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give the reason for declining: the agency that set "
                           "the task reads it to hand the work on.")
        return data


class AllocateForm(forms.Form):
    person = forms.ModelChoiceField(User.objects.none(), label="Allocate to",
                                    help_text="Someone in your agency.")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "person", colleagues(user))


class AssignForm(forms.Form):
    """The holder hands the task to another agency, or revokes it."""

    action = forms.ChoiceField(label="What to do", widget=forms.RadioSelect, choices=[
        ("reassign", "Re-assign to another agency"), ("revoke", "Revoke the task")])
    agency = forms.ModelChoiceField(Agency.objects.none(), required=False,
                                    label="Agency to re-assign to")
    reason = _reason("Reason")

    def __init__(self, *args: Any, current: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "agency", active_agencies().exclude(pk=current.pk))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "reassign" and data.get("agency") is None:
            self.add_error("agency", "Choose the agency to re-assign the task to.")
        return data


class ClosureForm(forms.Form):
    """Close a child's involvement, or reopen it: both with a reason."""

    on = forms.DateField(label="Date", widget=DateInput(), initial=today)
    reason = _reason("Reason")

    def clean_on(self) -> Any:
        day = self.cleaned_data["on"]
        if day > today():
            raise forms.ValidationError("The date is in the future.")
        return day
