"""Child abduction warning notices: the legal basis is derived per child and checked."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from ...core import formats
from ...core.clock import local_date, today
from ...core.forms import DateInput, DateTimeInput, set_queryset
from ..models import (
    CONNECTED_PERSONS,
    IN_CARE_S49,
    AdultOfConcern,
    Child,
    LinkedPerson,
    NoticeBreach,
    NoticeStatus,
    WarningNotice,
)
from ..rules import NoBasis, NoticeBasis, notice_basis


def connected_as(child: Child, adult: AdultOfConcern | None) -> str:
    """How the adult is linked to the child as a person of CAA 1984 s2(2) (a parent,
    guardian, special guardian, with parental responsibility), from the child's linked
    people; empty when not."""
    if adult is None:
        return ""
    link = LinkedPerson.objects.filter(child=child, adult=adult,
                                       relationship__in=CONNECTED_PERSONS).first()
    return link.get_relationship_display().lower() if link is not None else ""


def basis_for(child: Child, served_on: date, adult: AdultOfConcern | None = None) -> NoticeBasis:
    """The basis for `child` on the date served (rules.notice_basis): the age then, the
    legal status then (from the history), and whether the adult is a connected person;
    NoBasis otherwise, saying what to do."""
    if served_on < child.date_of_birth:
        raise NoBasis("was not born on the date served")
    age, connected = child.age_on(served_on), connected_as(child, adult)
    if age >= 18 or (age < 16 and not connected):
        return notice_basis(age, False, connected)  # the status makes no difference
    status = child.legal_status_on(served_on)
    if status is None:
        raise NoBasis(
            f"is {age} on {formats.day(served_on)} and the basis turns on whether the child was "
            "in care that day, which the record does not reach back to: record the legal "
            "status from that date on the child's record (Record a legal status) first")
    return notice_basis(age, status in IN_CARE_S49, connected)


class ChildChoices(forms.ModelMultipleChoiceField):
    """Each child with what the basis turns on: age today, district, legal status."""

    def label_from_instance(self, obj: Any) -> str:
        return (f"{obj} — {obj.age}, {obj.district}, "
                f"{obj.get_legal_status_display().split(' (')[0].lower()}")


class NoticeForm(forms.ModelForm):
    children = ChildChoices(
        Child.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text="The legal basis is worked out for each child from the age and the legal "
                  "status on the date served, and whether the adult is a parent, guardian "
                  "or has parental responsibility (linked people on the child's record).",
    )

    class Meta:
        model = WarningNotice
        fields = ["adult", "served_at", "served_by_name"]
        widgets = {"served_at": DateTimeInput()}

    def __init__(self, *args: Any, adults: Any, children: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "adult", adults)
        set_queryset(self, "children", children)
        self.bases: dict[int, tuple[NoticeBasis, int]] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        served_at = data.get("served_at")
        chosen: list[Child] = list(data.get("children") or [])
        if served_at is None or not chosen:
            return data
        served_on = local_date(served_at)
        if served_on > today():
            self.add_error("served_at", "A notice is recorded once served: the date is in "
                           "the future.")
        refusals = []
        adult = data.get("adult")
        for child in chosen:
            try:
                self.bases[child.pk] = (basis_for(child, served_on, adult),
                                        child.age_on(served_on))
            except NoBasis as refused:
                refusals.append(f"{child} {refused}.")
        for refusal in refusals:
            self.add_error("children", refusal)
        return data


class NoticeStatusForm(forms.Form):
    ACTIONS = [
        ("review", "Record a review (the notice stays in force)"),
        (NoticeStatus.WITHDRAWN, "Withdraw the notice"),
        (NoticeStatus.EXPIRED, "Mark the notice expired"),
    ]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Recorded with the notice and in the audit.")


class BreachForm(forms.ModelForm):
    class Meta:
        model = NoticeBreach
        fields = ["occurred_at", "child", "details", "action_taken"]
        widgets = {"occurred_at": DateTimeInput(),
                   "details": forms.Textarea(attrs={"rows": 3}),
                   "action_taken": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, notice: WarningNotice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notice = notice
        set_queryset(self, "child", notice.children.all())
        self.fields["child"].required = False

    def clean_occurred_at(self) -> Any:
        occurred = self.cleaned_data["occurred_at"]
        if occurred < self.notice.served_at:
            raise forms.ValidationError("A breach comes after the notice was served.")
        return occurred


__all__ = ["BreachForm", "DateInput", "NoticeForm", "NoticeStatusForm", "basis_for"]
