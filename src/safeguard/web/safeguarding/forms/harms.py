"""Harm forms: the concern's common fields, and one detail form per kind."""

from __future__ import annotations

from django import forms

from ..models import DETAILS, Concern
from .common import dated_widgets

CONCERN_FIELDS = ["status", "identified_on", "closed_on", "summary"]


class ConcernForm(forms.ModelForm):
    class Meta:
        model = Concern
        fields = CONCERN_FIELDS
        widgets = dated_widgets(Concern, CONCERN_FIELDS)


def detail_form_class(kind: str) -> type[forms.ModelForm] | None:
    model = DETAILS.get(kind)
    if model is None:
        return None
    fields = [f.name for f in model._meta.concrete_fields if f.name != "concern"]
    return forms.modelform_factory(model, fields=fields, widgets=dated_widgets(model, fields))
