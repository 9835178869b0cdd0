"""The public concern form: what a trained business sends, validated strictly.

Every field has a length limit; free text may hold any printable character except `<`
and `>` (no markup has a reason to be in a concern report, and refusing it is clearer
than storing it); names and telephone numbers have their own small alphabets; control
characters (NUL, bidirectional overrides...) are refused everywhere. A honeypot field,
hidden from people by the stylesheet, catches form-filling robots.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms

from . import codes

_KEEP = {"\n", "\r", "\t"}
_NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.\-])*$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{6,30}$")
_VEHICLES = re.compile(r"^[A-Za-z0-9 ,.;:/()'\-\n\r]*$")
HONEYPOT = "website"


def _printable(value: str) -> str:
    for char in value:
        if char not in _KEEP and unicodedata.category(char).startswith("C"):
            raise forms.ValidationError("This holds a character that cannot be sent "
                                        "(a control character).")
    if "<" in value or ">" in value:
        raise forms.ValidationError("Please leave out the characters < and >.")
    return value


class ConcernForm(forms.Form):
    code = forms.CharField(
        label="Your business's access code", max_length=codes.MAX_TYPED,
        help_text="On the card you were given at the training: 25 letters and digits.",
        error_messages={"required": "Enter the access code from your card."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "characters"}),
    )
    what_happened = forms.CharField(
        label="What did you see or hear?", min_length=10, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Tell us what you saw or heard."},
    )
    when_seen = forms.CharField(label="When? (date and time, roughly)", max_length=100,
                                required=False)
    where_seen = forms.CharField(label="Where?", max_length=300, required=False)
    people = forms.CharField(
        label="Who was involved?", max_length=2000, required=False,
        help_text="Descriptions: ages, clothing, names if you know them.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    vehicles = forms.CharField(label="Vehicles (registration, make, colour)", max_length=200,
                               required=False)
    reporter_name = forms.CharField(label="Your name (optional)", max_length=100,
                                    required=False)
    reporter_phone = forms.CharField(label="A telephone number (optional)", max_length=30,
                                     required=False)
    may_contact = forms.BooleanField(label="The police may contact me about this",
                                     required=False)
    website = forms.CharField(
        label="Leave this empty", required=False, max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_code(self) -> str:
        normalised = codes.normalise(self.cleaned_data["code"])
        if normalised is None:
            raise forms.ValidationError(
                "That is not an access code: it has 25 letters and digits, like "
                "ABCDE-12345-FGHJK-67890-MNPQR.")
        return normalised

    def _text(self, name: str) -> str:
        return _printable(str(self.cleaned_data.get(name, "")).strip())

    def clean_what_happened(self) -> str:
        return self._text("what_happened")

    def clean_when_seen(self) -> str:
        return self._text("when_seen")

    def clean_where_seen(self) -> str:
        return self._text("where_seen")

    def clean_people(self) -> str:
        return self._text("people")

    def clean_vehicles(self) -> str:
        value = self._text("vehicles")
        if not _VEHICLES.match(value):
            raise forms.ValidationError("Use letters, digits, spaces and , . / - only.")
        return value

    def clean_reporter_name(self) -> str:
        value = self._text("reporter_name")
        if value and not _NAME.match(value):
            raise forms.ValidationError("Use letters, spaces, hyphens and apostrophes only.")
        return value

    def clean_reporter_phone(self) -> str:
        value = self._text("reporter_phone")
        if value and not _PHONE.match(value):
            raise forms.ValidationError("Use digits, spaces and + ( ) - only.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("may_contact") and not data.get("reporter_phone"):
            self.add_error("reporter_phone", "Give a number if the police may contact you.")
        return data

    @property
    def is_robot(self) -> bool:
        """The honeypot was filled in: a robot, answered as if all was well."""
        return bool(str(self.data.get(HONEYPOT, "")).strip())
