"""Forms of the licensing pages: drivers, their training, a concern report's licence or
vehicle, the referral to the licensing authority and the authority's response."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet

from ..accounts.models import Agency
from ..core.forms import set_queryset
from .forms import require_outcome
from .models import (
    Business,
    ConcernLicence,
    LicensedDriver,
    LicensingOutcome,
    LicensingReferral,
)
from .models.licensing import AUTHORITIES


def authorities() -> QuerySet[Agency]:
    return Agency.objects.filter(AUTHORITIES, active=True)


def _badge(value: str) -> str:
    """Badge and plate numbers compared as written on the badge, without spaces, upper case."""
    return re.sub(r"\s+", "", value).upper()


class DriverForm(forms.ModelForm):
    class Meta:
        model = LicensedDriver
        fields = ["name", "badge_number", "licensing_authority", "firm", "licensed", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, firms: QuerySet[Business], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "licensing_authority", authorities())
        set_queryset(self, "firm", firms)

    def clean_badge_number(self) -> str:
        return _badge(self.cleaned_data["badge_number"])


class DriverAttendanceForm(forms.Form):
    driver = forms.ModelChoiceField(queryset=LicensedDriver.objects.none(),
                                    label="Licensed driver")

    def __init__(self, *args: Any, drivers: QuerySet[LicensedDriver], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "driver", drivers)


class LicenceLinkForm(forms.ModelForm):
    class Meta:
        model = ConcernLicence
        fields = ["licensing_authority", "badge_number", "registration", "plate_number"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "licensing_authority", authorities())

    def clean_badge_number(self) -> str:
        return _badge(self.cleaned_data["badge_number"])

    def clean_registration(self) -> str:
        return _badge(self.cleaned_data["registration"])

    def clean_plate_number(self) -> str:
        return _badge(self.cleaned_data["plate_number"])


class ReferralForm(forms.ModelForm):
    class Meta:
        model = LicensingReferral
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}


class ResponseForm(forms.ModelForm):
    class Meta:
        model = LicensingReferral
        fields = ["outcome", "outcome_notes"]
        widgets = {"outcome_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        require_outcome(self, "Choose what the authority did", LicensingOutcome.choices)
