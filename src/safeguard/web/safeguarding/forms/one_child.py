"""Forms for one child across agencies: identifiers, merges and access requests."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator

from ..matching import clean_identifier, nhs_number_valid

UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


class IdentifiersMixin:
    """The child form's identifiers, stored as the duplicate check compares them: letters
    and digits only, upper case; an NHS number whose check digit fails is refused (a
    typing slip would otherwise look like another child's number)."""

    cleaned_data: dict[str, Any]
    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Typed as written ("943 476 5919"): the length is checked once cleaned.
        for name in ("nhs_number", "upn"):
            field = self.fields[name]
            field.max_length = None
            field.validators = [v for v in field.validators
                                if not isinstance(v, MaxLengthValidator)]
            field.widget.attrs.pop("maxlength", None)

    def clean_nhs_number(self) -> str:
        value = clean_identifier(self.cleaned_data.get("nhs_number", ""))
        if value and not nhs_number_valid(value):
            raise forms.ValidationError(
                "This is not a valid NHS number: ten digits, the last a check digit. "
                "Check it, or leave it empty.")
        return value

    def clean_upn(self) -> str:
        value = clean_identifier(self.cleaned_data.get("upn", ""))
        if value and not UPN.match(value):
            raise forms.ValidationError(
                "A unique pupil number is a letter, 11 digits and a digit or letter "
                "(13 characters). Check it, or leave it empty.")
        return value

    def clean_la_id(self) -> str:
        return clean_identifier(self.cleaned_data.get("la_id", ""))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        min_length=10, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with it and in the audit.")


class MergeForm(ReasonForm):
    kept = forms.IntegerField(widget=forms.HiddenInput)


class AccessRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why your agency needs to see these records", min_length=10, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The holding agency reads this to decide; it is recorded with the request.")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("grant", "Grant: share our records about the child"),
                                          ("refuse", "Refuse")], widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note to the asking agency", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when refusing: say why, so the asking agency knows what to do.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "refuse" and not (data.get("note") or "").strip():
            self.add_error("note", "Say why the request is refused.")
        return data
