"""Forms of the investigations app. Choices (officers, operations, suspects) are limited
to the owning agency's own records and people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.db import models

from safeguard.triage import DEFAULT_DISTANCE, PerceptualOptions

from ..accounts.models import Agency, User
from .models import (
    Exhibit,
    Investigation,
    Operation,
    Suspect,
    check_evidence_path,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


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
        widgets = {"opened_on": DATE, "closed_on": DATE, "summary": forms.Textarea(
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
            "date_of_birth": DATE,
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
        widgets = {"seized_at": DATETIME}
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


class RunTriageForm(forms.Form):
    hashsets = forms.MultipleChoiceField(
        label="Hash sets", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Known-good sets set files aside; known-bad sets give the categories.",
    )
    perceptual = forms.BooleanField(
        label="Perceptual hashing (PDQ, vPDQ): finds altered copies and groups near-duplicates",
        required=False, initial=True,
    )
    pdq_distance = forms.IntegerField(
        label="Largest PDQ distance that counts as the same picture", min_value=0,
        max_value=128, initial=DEFAULT_DISTANCE,
    )
    dihedral = forms.BooleanField(label="Also match rotated and mirrored copies",
                                  required=False, initial=True)

    def __init__(self, *args: Any, hashsets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hashsets"].choices = hashsets  # type: ignore[attr-defined]

    def job_options(self) -> dict[str, Any]:
        data = self.cleaned_data
        chosen = PerceptualOptions(distance=data["pdq_distance"], dihedral=bool(data["dihedral"]))
        return {"perceptual": bool(data["perceptual"]), **chosen.to_json()}


class FileFilterForm(forms.Form):
    """The files table's filters (GET)."""

    type = forms.ChoiceField(required=False, choices=[("", "Any type")])
    match = forms.ChoiceField(required=False, choices=[("", "Any match")])
    category = forms.CharField(required=False, max_length=64)
    deleted = forms.ChoiceField(required=False, choices=[("", "Deleted or not"),
                                                         ("yes", "Deleted only"),
                                                         ("no", "Not deleted")])
    path = forms.CharField(required=False, max_length=300, label="Path contains")
    hash = forms.CharField(required=False, max_length=64, label="Hash equals")
    group = forms.CharField(required=False, max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import FileType, MatchKind

        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Any type"), *FileType.choices]  # type: ignore[attr-defined]
        self.fields["match"].choices = [("", "Any match"), *MatchKind.choices]  # type: ignore[attr-defined]

    def clean_hash(self) -> str:
        value = str(self.cleaned_data.get("hash") or "").strip().lower()
        if value and (len(value) not in (32, 40, 64)
                      or any(c not in "0123456789abcdef" for c in value)):
            raise forms.ValidationError("An MD5 (32), SHA-1 (40) or SHA-256 (64) in hex.")
        return value
