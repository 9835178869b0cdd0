"""Widgets and small pieces every app's forms share: browser date pickers, choice fields
narrowed to what the user may choose, the agencies and colleagues offered in choices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from ..accounts.models import Agency, User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


Widgets = dict[str, type[forms.Widget] | forms.Widget]


def dated_widgets(model: type[Any], fields: list[str]) -> Widgets:
    """Browser date pickers for the model's date and date-time fields."""
    widgets: Widgets = {}
    for name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            widgets[name] = DateTimeInput()
        elif isinstance(field, models.DateField):
            widgets[name] = DateInput()
        elif isinstance(field, models.TextField):
            widgets[name] = forms.Textarea(attrs={"rows": 3})
    return widgets


def active_agencies() -> Any:
    return Agency.objects.filter(active=True).order_by("name")


def colleagues(user: User) -> Any:
    """People of the user's agency who can hold a case (for lead and owner choices)."""
    return User.objects.filter(agency=user.agency, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def set_queryset(form: forms.BaseForm, name: str, queryset: Any) -> None:
    """Narrow a choice field's queryset (typed: fields[...] is a plain Field to mypy)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def set_choices(form: forms.BaseForm, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices
