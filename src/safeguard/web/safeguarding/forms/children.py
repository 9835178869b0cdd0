"""Forms for children, the people linked to them and the agencies involved."""

from __future__ import annotations

from typing import Any

from django import forms

from ...accounts.models import User
from ...core.clock import today
from ...core.forms import (
    DateInput,
    active_agencies,
    colleagues,
    dated_widgets,
    set_choices,
    set_queryset,
)
from ...core.models import Area
from ...language import LanguageCheckedForm
from ..models import (
    AdultOfConcern,
    AgencyInvolvement,
    Child,
    Ethnicity,
    LegalStatusChange,
    LinkedPerson,
)
from ..rules import ADULT_AGE, age_on
from .one_child import IdentifiersMixin

CHILD_FIELDS = [
    "first_name", "last_name", "known_as", "date_of_birth", "gender", "ethnicity", "district",
    "address", "legal_status", "placement", "placement_detail", "placing_authority", "school",
    "lead_practitioner",
    "reference", "nhs_number", "la_id", "upn", "notes",
]


def grouped_ethnicities() -> list[tuple[str, Any]]:
    """ONS 2021 groups as option groups: "White", "Asian, Asian British..." etc."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for value, label in Ethnicity.choices:
        group, _, name = str(label).partition(": ")
        if not name:
            groups.setdefault("", []).append((value, group))
        else:
            groups.setdefault(group, []).append((value, name))
    ungrouped = groups.pop("", [])
    return [*((group, items) for group, items in groups.items()), *ungrouped]


class ChildForm(LanguageCheckedForm, IdentifiersMixin, forms.ModelForm):
    language_checked_fields = ("notes",)

    legal_status_since = forms.DateField(
        label="Legal status since", required=False, widget=DateInput(),
        help_text="The date the legal status began (an order's date); today if empty. "
                  "Kept in the history: a warning notice's basis depends on the status on "
                  "the date served.")

    class Meta:
        model = Child
        fields = CHILD_FIELDS
        widgets = {**dated_widgets(Child, CHILD_FIELDS), "address": forms.Textarea(
            attrs={"rows": 2})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "district", Area.objects.filter(active=True))
        set_choices(self, "ethnicity", grouped_ethnicities())
        self.fields["ethnicity"].label = "Ethnicity (ONS 2021 groups)"
        set_queryset(self, "lead_practitioner", colleagues(user))
        self.fields["lead_practitioner"].label = "Lead practitioner (your agency)"
        # Keep the "since" date beside the status it dates.
        order = list(self.fields)
        order.remove("legal_status_since")
        order.insert(order.index("legal_status") + 1, "legal_status_since")
        self.order_fields(order)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, born = data.get("legal_status_since"), data.get("date_of_birth")
        if since is not None and since > today():
            self.add_error("legal_status_since", "The date is in the future.")
        elif since is not None and born is not None and since < born:
            self.add_error("legal_status_since", "The date is before the child was born.")
        if born is not None and (self.instance.pk is None or "date_of_birth" in self.changed_data):
            self._refuse_adult(born)
        elif (since is not None and self.instance.pk and "legal_status" not in self.changed_data
              and "legal_status_since" in self.changed_data):
            self.add_error("legal_status_since", "Give a date only with a change of legal "
                           "status (an earlier status: Record a legal status).")
        return data


    def _refuse_adult(self, born: Any) -> None:
        """A person of 18 or over is not registered (nor made so by a changed date)."""
        if born <= today() and age_on(born, today()) >= ADULT_AGE:
            self.add_error("date_of_birth", (
                f"This date of birth makes the person {age_on(born, today())} today: the "
                f"register is for children under {ADULT_AGE} (Children Act 1989 s105). "
                "Check the date, or refer an adult at risk to adult social care."))


class LegalStatusForm(forms.ModelForm):
    """A legal status from a date: a change today, or an earlier one entered late."""

    class Meta:
        model = LegalStatusChange
        fields = ["status", "since", "note"]
        widgets = {"since": DateInput()}

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child

    def clean_since(self) -> Any:
        since = self.cleaned_data["since"]
        if since > today():
            raise forms.ValidationError("The date is in the future.")
        if since < self.child.date_of_birth:
            raise forms.ValidationError(f"{self.child} was not born on that date.")
        return since


class LinkedPersonForm(forms.ModelForm):
    class Meta:
        model = LinkedPerson
        fields = ["relationship", "name", "adult", "notes"]

    def __init__(self, *args: Any, adults: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "adult", adults)
        self.fields["adult"].label = "Adult of concern on the register"
        self.fields["adult"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        adult: AdultOfConcern | None = data.get("adult")
        if adult is not None and not data.get("name"):
            data["name"] = str(adult)
        return data


class InvolvementForm(forms.ModelForm):
    class Meta:
        model = AgencyInvolvement
        fields = ["agency", "agency_name", "worker", "role", "since"]
        widgets = {"since": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "agency", active_agencies())
        self.fields["agency"].required = False
        self.fields["agency"].label = "Agency on the platform"


class ChildFilterForm(forms.Form):
    q = forms.CharField(label="Name or reference", required=False)
    district = forms.ModelChoiceField(Area.objects.all(), required=False, empty_label="All")
    grade = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from ..models import RiskGrade

        super().__init__(*args, **kwargs)
        set_choices(self, "grade", [("", "All"), *RiskGrade.choices, ("none", "Not screened")])
