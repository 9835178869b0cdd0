"""Forms of the investigations app. Choices (officers, operations, suspects) are limited
to the owning agency's own records and people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.db import models

from ..accounts.models import Agency, User
from ..core.forms import DateInput, DateTimeInput
from .models import (
    Exhibit,
    Investigation,
    Operation,
    Suspect,
    check_evidence_path,
)


def _officers(agency: Agency) -> models.QuerySet[User]:
    return User.objects.filter(agency=agency, is_active=True).order_by("last_name", "username")


class AgencyForm(forms.ModelForm):  # type: ignore[type-arg]
    """A ModelForm for a record of `agency`, with a reference unique within it."""

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency

    def clean_reference(self) -> str:
        reference = str(self.cleaned_data["reference"]).strip()
        taken = self._meta.model.objects.filter(owning_agency=self.agency, reference=reference)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Another record of your agency has this reference.")
        return reference


class OperationForm(AgencyForm):
    class Meta:
        model = Operation
        fields = ["name", "reference", "status", "lead_officer"]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, agency=agency, **kwargs)
        self.fields["lead_officer"].queryset = _officers(agency)  # type: ignore[attr-defined]


class InvestigationForm(AgencyForm):
    class Meta:
        model = Investigation
        fields = ["reference", "title", "operation", "status", "opened_on", "closed_on",
                  "officer_in_charge", "summary"]
        widgets = {"opened_on": DateInput(), "closed_on": DateInput(), "summary": forms.Textarea(
            attrs={"rows": 3})}

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, agency=agency, **kwargs)
        self.fields["operation"].queryset = Operation.objects.filter(  # type: ignore[attr-defined]
            owning_agency=agency)
        self.fields["officer_in_charge"].queryset = _officers(agency)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opened, closed = data.get("opened_on"), data.get("closed_on")
        if opened and closed and closed < opened:
            self.add_error("closed_on", "An investigation cannot close before it opened.")
        return data


class SuspectForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Suspect
        fields = ["name", "date_of_birth", "aliases", "investigations", "notes"]
        widgets = {
            "date_of_birth": DateInput(),
            "aliases": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "investigations": forms.CheckboxSelectMultiple,
        }
        help_texts = {"aliases": "One a line."}

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["investigations"].queryset = Investigation.objects.filter(  # type: ignore[attr-defined]
            owning_agency=agency)


class ExhibitForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Exhibit
        fields = ["reference", "exhibit_type", "description", "make", "model", "serial_number",
                  "seized_from_suspect", "seized_from_place", "seized_at", "seized_by",
                  "evidence_path"]
        widgets = {"seized_at": DateTimeInput()}
        labels = {"seized_from_suspect": "Seized from (person)",
                  "seized_from_place": "Seized from (place)",
                  "evidence_path": "Evidence path on the server"}
        help_texts = {
            "evidence_path": "The image or folder as copied to the evidence store, e.g. "
            "/srv/evidence/OP-1/EX-0001.E01. Evidence is never uploaded through the web.",
        }

    def __init__(self, *args: Any, investigation: Investigation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.investigation = investigation
        agency = investigation.owning_agency
        self.fields["seized_from_suspect"].queryset = Suspect.objects.filter(  # type: ignore[attr-defined]
            owning_agency=agency)
        self.fields["seized_by"].queryset = _officers(agency)  # type: ignore[attr-defined]
        self.fields["seized_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]
        if not self.instance.pk:
            self.fields["reference"].initial = Exhibit.next_reference(investigation)

    def clean_reference(self) -> str:
        reference = str(self.cleaned_data["reference"]).strip()
        taken = self.investigation.exhibits.filter(reference=reference)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("This investigation has an exhibit with this reference.")
        return reference

    def clean_evidence_path(self) -> str:
        value = str(self.cleaned_data["evidence_path"]).strip()
        check_evidence_path(value)
        return str(Path(value))
