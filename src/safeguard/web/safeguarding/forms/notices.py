"""Child abduction warning notices: the legal basis is derived per child and checked."""

from __future__ import annotations

from typing import Any

from django import forms

from ..clock import local_date, today
from ..models import Child, NoticeBreach, NoticeStatus, WarningNotice
from ..rules import NoBasis, NoticeBasis, notice_basis
from .common import DateInput, DateTimeInput, set_queryset


def basis_for(child: Child, served_on: Any) -> NoticeBasis:
    """The basis for `child` on the date served (rules.notice_basis); NoBasis otherwise."""
    if served_on < child.date_of_birth:
        raise NoBasis("was not born on the date served")
    return notice_basis(child.age_on(served_on), child.is_in_care)


class ChildChoices(forms.ModelMultipleChoiceField):
    """Each child with what the basis turns on: age today, district, legal status."""

    def label_from_instance(self, obj: Any) -> str:
        return (f"{obj} — {obj.age}, {obj.district}, "
                f"{obj.get_legal_status_display().split(' (')[0].lower()}")


class NoticeForm(forms.ModelForm):
    children = ChildChoices(
        Child.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text="The legal basis is worked out for each child from the age on the date "
                  "served and the legal status.",
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
        for child in chosen:
            try:
                self.bases[child.pk] = (basis_for(child, served_on), child.age_on(served_on))
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
