"""Harm forms: the concern's common fields, and one detail form per kind."""

from __future__ import annotations

from typing import Any

from django import forms

from ...core.forms import dated_widgets
from ...language import LanguageCheckedForm
from ..models import (
    DETAILS,
    Child,
    Concern,
    FgmCase,
    FgmDetail,
    ForcedMarriageDetail,
    Gender,
    ProtectionOrder,
)

CONCERN_FIELDS = ["status", "identified_on", "closed_on", "summary"]
ORDER_FIELDS = ["protection_order", "order_applied_on", "order_granted_on", "order_expires_on"]
FGM_FIELDS = ["case_type", "how_known", "reporter_name", "reporter_profession",
              "reported_to_police_on", "police_reference", *ORDER_FIELDS]
ORDER_HELP = {"order_expires_on": "The last day the order is in force, where the court set "
                                  "one: the register warns ahead of it."}


class ConcernForm(LanguageCheckedForm, forms.ModelForm):
    language_checked_fields = ("summary",)

    class Meta:
        model = Concern
        fields = CONCERN_FIELDS
        widgets = dated_widgets(Concern, CONCERN_FIELDS)


class DetailForm(forms.ModelForm):
    """A kind's details, knowing the child: a rule may turn on the child's record."""

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child


class OrderDetailForm(DetailForm):
    """An FGM or forced marriage protection order: dates in order (the model checks the
    applied and granted dates; the expiry is the form's)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        granted, expires = data.get("order_granted_on"), data.get("order_expires_on")
        if expires and data.get("protection_order") != ProtectionOrder.GRANTED:
            self.add_error("order_expires_on", "Only a granted order expires: mark it "
                           "granted, or clear the expiry date.")
        if expires and granted and expires < granted:
            self.add_error("order_expires_on", "It expires before it was granted: check the "
                           "dates.")
        return data


class FgmDetailForm(OrderDetailForm):
    class Meta:
        model = FgmDetail
        fields = FGM_FIELDS
        widgets = dated_widgets(FgmDetail, FGM_FIELDS)
        labels = {"how_known": "How it became known", "reporter_profession": "Their profession",
                  "protection_order": "FGM protection order",
                  "order_expires_on": "Order expires on"}
        help_texts = ORDER_HELP

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("case_type") != FgmCase.KNOWN:
            return data
        if self.child.gender == Gender.MALE:
            # The FGM Act's reporting duty is about girls: a known case on a child recorded
            # as male is most likely a slip on the child's record or on this one.
            self.add_error("case_type", (
                f"{self.child} is recorded as male: FGM is carried out on girls and women, "
                "and the reporting duty is about girls. Check the child's record (gender) "
                "or the case type before recording a known case."))
        for name, message in (
                ("how_known", "Say how it became known: the reporting duty turns on it."),
                ("reporter_name", "Name the professional who identified it: the duty to "
                                  "report is personal."),
                ("reporter_profession", "Give their profession: the duty is a regulated "
                                        "health or social care professional's or a "
                                        "teacher's.")):
            if not data.get(name):
                self.add_error(name, message)
        return data


def detail_form_class(kind: str) -> type[DetailForm] | None:
    """The details form of a kind (None for "missing", which has none); construct it with
    the child: `cls(data, instance=..., prefix="detail", child=child)`."""
    model = DETAILS.get(kind)
    if model is None:
        return None
    if model is FgmDetail:
        return FgmDetailForm
    fields = [f.name for f in model._meta.concrete_fields if f.name != "concern"]
    base = OrderDetailForm if model is ForcedMarriageDetail else DetailForm
    labels = ({"protection_order": "Forced marriage protection order",
               "order_expires_on": "Order expires on"}
              if model is ForcedMarriageDetail else None)
    form = forms.modelform_factory(
        model, form=base, fields=fields, widgets=dated_widgets(model, fields), labels=labels,
        help_texts=ORDER_HELP if model is ForcedMarriageDetail else None)
    assert issubclass(form, DetailForm)  # built on `base`; typed as a plain ModelForm
    return form
