"""Forms of triage runs: starting one, and the files table's filters."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.triage import DEFAULT_DISTANCE, PerceptualOptions

from .models import FileType, MatchKind


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
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Any type"), *FileType.choices]  # type: ignore[attr-defined]
        self.fields["match"].choices = [("", "Any match"), *MatchKind.choices]  # type: ignore[attr-defined]

    def clean_hash(self) -> str:
        value = str(self.cleaned_data.get("hash") or "").strip().lower()
        if value and (len(value) not in (32, 40, 64)
                      or any(c not in "0123456789abcdef" for c in value)):
            raise forms.ValidationError("An MD5 (32), SHA-1 (40) or SHA-256 (64) in hex.")
        return value
