"""Panel forms: the meeting, attendees, discussions, actions and disruption steps."""

from __future__ import annotations

from typing import Any

from django import forms

from ...accounts.models import User
from ...core.forms import DateInput, active_agencies, dated_widgets, set_queryset
from ...core.models import Area
from ...language import LanguageCheckedForm
from ..models import PanelAction, PanelAttendee, PanelDiscussion, PanelMeeting
from ..models.panels import DisruptionStep

MEETING_FIELDS = ["title", "held_on", "area", "chair", "notes"]


class MeetingForm(LanguageCheckedForm, forms.ModelForm):
    language_checked_fields = ("notes",)

    class Meta:
        model = PanelMeeting
        fields = MEETING_FIELDS
        widgets = dated_widgets(PanelMeeting, MEETING_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "area", Area.objects.filter(active=True))


class AttendeeForm(forms.ModelForm):
    class Meta:
        model = PanelAttendee
        fields = ["agency", "agency_name", "name", "role"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "agency", active_agencies())
        self.fields["agency"].required = False


class DiscussionForm(LanguageCheckedForm, forms.ModelForm):
    language_checked_fields = ("summary", "decision")

    class Meta:
        model = PanelDiscussion
        fields = ["child", "adult", "summary", "decision", "review_on"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}),
                   "decision": forms.Textarea(attrs={"rows": 3}), "review_on": DateInput()}

    def __init__(self, *args: Any, children: Any, adults: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "child", children)
        set_queryset(self, "adult", adults)
        self.fields["child"].required = self.fields["adult"].required = False


class ActionForm(forms.ModelForm):
    class Meta:
        model = PanelAction
        fields = ["description", "owner", "owner_name", "owner_agency", "due_on", "child",
                  "adult", "place"]
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, meeting: PanelMeeting, children: Any, adults: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What the action is about: only children and adults the user may open.
        set_queryset(self, "child", children)
        set_queryset(self, "adult", adults)
        self.fields["child"].required = self.fields["adult"].required = False
        # Owners from the panel's own agency and the agencies attending it only: a list of
        # every platform user would name every agency's staff, police included, to any
        # register writer anywhere (security review). Others are named in owner_name.
        agencies = {meeting.owning_agency_id, *meeting.attendees.exclude(
            agency=None).values_list("agency_id", flat=True)}
        set_queryset(self, "owner", User.objects.filter(
            is_active=True, agency__active=True, agency_id__in=agencies,
        ).select_related("agency").order_by("agency__name", "first_name", "username"))
        self.fields["owner"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: f"{user.get_full_name() or user.username} ({user.agency})"
        )
        self.fields["owner"].required = False
        set_queryset(self, "owner_agency", active_agencies())
        self.fields["owner_agency"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner = data.get("owner")
        if owner is not None and not data.get("owner_agency"):
            data["owner_agency"] = owner.agency
        return data


DISRUPTION_FIELDS = ["adult", "place", "kind", "applied_on", "outcome", "outcome_on", "notes"]


class DisruptionForm(LanguageCheckedForm, forms.ModelForm):
    language_checked_fields = ("notes",)

    class Meta:
        model = DisruptionStep
        fields = DISRUPTION_FIELDS
        widgets = dated_widgets(DisruptionStep, DISRUPTION_FIELDS)

    def __init__(self, *args: Any, adults: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "adult", adults)
        self.fields["adult"].required = False
