"""Forms of the partners' pages used by staff: businesses, training, the triage of a
concern report. The public concern form is public_form.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from ..core.forms import DateInput, set_queryset
from ..core.models import Area
from .models import Attendance, Business, ConcernReport, Outcome, TrainingSession
from .models.training import MAX_STAFF

BUSINESS_FIELDS = ["name", "sector", "premises", "postcode", "district", "licence_number",
                   "licensing_authority", "contact_name", "contact_phone", "trading", "notes"]
SESSION_FIELDS = ["held_on", "course", "trainer", "sector", "district", "venue", "notes"]


class BusinessForm(forms.ModelForm):
    class Meta:
        model = Business
        fields = BUSINESS_FIELDS
        widgets = {"premises": forms.Textarea(attrs={"rows": 3}),
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "district", Area.objects.filter(active=True))

    def clean_postcode(self) -> str:
        return " ".join(str(self.cleaned_data.get("postcode", "")).upper().split())


class TrainingSessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = SESSION_FIELDS
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        set_queryset(self, "district", Area.objects.filter(active=True))

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > self.today:
            raise forms.ValidationError("Record a session once it has been held.")
        return held_on


class AttendanceForm(forms.ModelForm):
    staff_count = forms.IntegerField(
        label="Staff trained", min_value=1, max_value=MAX_STAFF, required=False,
        help_text="Leave empty to count the names below.")

    class Meta:
        model = Attendance
        fields = ["business", "staff_count", "staff_names"]
        widgets = {"staff_names": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, businesses: QuerySet[Business], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "business", businesses)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = [line for line in str(data.get("staff_names", "")).splitlines() if line.strip()]
        count = data.get("staff_count")
        if count is None:
            if not names:
                self.add_error("staff_count", "Give the number of staff trained, or their names.")
            else:
                data["staff_count"] = len(names)
                self.instance.staff_count = len(names)
        return data


class PlaceForm(forms.Form):
    description = forms.CharField(max_length=300, label="Place",
                                  help_text="A street, a building, a car park...")
    district = forms.ModelChoiceField(queryset=Area.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "district", Area.objects.filter(active=True))


def require_outcome(form: forms.Form | forms.ModelForm, prompt: str,
                    choices: list[tuple[Any, str]]) -> None:
    """The form's "outcome" made required, its empty choice saying what to choose (a
    model's blank choice reads "---------")."""
    field = form.fields["outcome"]
    assert isinstance(field, forms.ChoiceField)
    field.required = True
    field.choices = [("", prompt), *choices]


class CloseForm(forms.ModelForm):
    class Meta:
        model = ConcernReport
        fields = ["outcome", "outcome_notes"]
        widgets = {"outcome_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        require_outcome(self, "Choose the outcome", Outcome.choices)


class SearchForm(forms.Form):
    q = forms.CharField(max_length=100, required=False, label="Name or reference")
