"""The intelligence forms: each error names its field (the pages list them at the top)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from ..core import formats
from .models import DecisionKind, Link, Subject, SubjectStatus

REASON_MIN = 10


def _reason(label: str = "Reason") -> forms.CharField:
    return forms.CharField(label=label, min_length=REASON_MIN, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Recorded with the decision and in the audit log.")


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label="Decision", choices=[
        (DecisionKind.DEVELOP, DecisionKind.DEVELOP.label),
        (DecisionKind.REFER, DecisionKind.REFER.label),
        (DecisionKind.NO_FURTHER_ACTION, DecisionKind.NO_FURTHER_ACTION.label),
        (DecisionKind.OUTCOME_21, DecisionKind.OUTCOME_21.label),
    ], widget=forms.RadioSelect)
    other_force = forms.CharField(label="Force referred to", max_length=200, required=False,
                                  help_text="For a referral to another force.")
    reason = _reason()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == DecisionKind.REFER and not data.get("other_force", "").strip():
            self.add_error("other_force", "Name the force the subject is referred to.")
        if data.get("kind") == DecisionKind.OUTCOME_21 and not self.subject_is_child:
            self.add_error("kind", "Outcome 21 here is for a subject who is a child: mark "
                                   "the subject as a child first.")
        return data

    def __init__(self, *args: Any, subject_is_child: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject_is_child = subject_is_child


class SubjectForm(forms.ModelForm):
    class Meta:
        model = Subject
        fields = ["display_name", "previous_convictions", "is_child", "adult_of_concern", "child",
                  "notes"]
        labels = {"is_child": "The subject is a child (under 18): safeguarding route"}
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, adults: Any, children: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adult_of_concern"].queryset = adults  # type: ignore[attr-defined]
        self.fields["child"].queryset = children  # type: ignore[attr-defined]
        self.fields["adult_of_concern"].label = "Adult of concern (safeguarding register)"
        self.fields["child"].label = "Child on the register with access"


class MergeForm(forms.Form):
    other = forms.CharField(label="Merge this profile into", max_length=20,
                            help_text="The other subject's label, e.g. S-000042.")
    reason = _reason()

    def __init__(self, *args: Any, subject: Subject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject = subject
        self.target: Subject | None = None

    def clean_other(self) -> str:
        text = self.cleaned_data["other"].strip().upper()
        match = re.fullmatch(r"S-?0*(\d+)", text) or re.fullmatch(r"0*(\d+)", text)
        if not match:
            raise forms.ValidationError("Give a subject label such as S-000042.")
        target = Subject.objects.filter(pk=int(match.group(1)),
                                        owning_agency_id=self.subject.owning_agency_id).first()
        if target is None:
            raise forms.ValidationError("No subject of your agency has that label.")
        if target.pk == self.subject.pk:
            raise forms.ValidationError("That is this profile.")
        if target.status == SubjectStatus.MERGED:
            raise forms.ValidationError(f"{target.label} was merged into another profile: "
                                        "use that one.")
        self.target = target
        return text


class SplitForm(forms.Form):
    links = forms.MultipleChoiceField(label="Identifiers to move to a new profile",
                                      widget=forms.CheckboxSelectMultiple)
    reason = _reason()

    def __init__(self, *args: Any, subject: Subject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["links"].choices = [  # type: ignore[attr-defined]
            (link.pk, f"{link.kind}: {link.shown} ({formats.moment(link.first_seen_at)} to "
                      f"{formats.moment(link.last_seen_at)})")
            for link in Link.objects.filter(subject=subject).order_by("kind", "value", "pk")
        ]


class InvestigationForm(forms.Form):
    reference = forms.CharField(max_length=64, help_text="The investigation's reference.")
    title = forms.CharField(max_length=200)
    operation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, help_text="Optional.")  # type: ignore[arg-type]
    reason = _reason("Why open an investigation")

    def __init__(self, *args: Any, operations: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operation"].queryset = operations  # type: ignore[attr-defined]
        self.agency_id = agency_id

    def clean_reference(self) -> str:
        from ..investigations.models import Investigation

        reference = self.cleaned_data["reference"].strip()
        if Investigation.objects.filter(owning_agency_id=self.agency_id,
                                        reference=reference).exists():
            raise forms.ValidationError("Your agency has an investigation with this "
                                        "reference already.")
        return reference


class ReferralUploadForm(forms.Form):
    document = forms.FileField(
        label="Referral file (JSON, or NCMEC CyberTipline XML or ZIP)",
        help_text="JSON: one referral, a list, or {\"referrals\": [...]}. NCMEC: a report "
                  "XML named by its number, or a ZIP package of the report and its file "
                  "details.")
    strict = forms.BooleanField(required=False, label="Refuse the whole file if any "
                                "referral is not valid")


class SightingUploadForm(forms.Form):
    document = forms.FileField(label="Sightings file (CSV)")
    source = forms.CharField(label="Monitoring system", max_length=100)
    strict = forms.BooleanField(required=False, label="Refuse the whole file at the first "
                                "bad row")


class TokenForm(forms.Form):
    name = forms.CharField(label="Integration", max_length=100,
                           help_text="Who will use the token, e.g. \"National centre feed\".")
