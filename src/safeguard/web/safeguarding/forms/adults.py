"""Adults of concern and their arrests. Police-only fields are dropped for partner
agencies by need_to_know.editable_fields (the one place that rule lives)."""

from __future__ import annotations

from typing import Any

from django import forms

from ...accounts.models import User
from ...core.forms import DateInput, dated_widgets, set_queryset
from ...core.models import Area
from ...core.policy import visible_to_user
from ...investigations.models import Operation
from ..models import AdultOfConcern, Arrest
from ..need_to_know import editable_fields

ADULT_FIELDS = ["first_name", "last_name", "aliases", "date_of_birth", "gender", "district",
                "address", "description", "intelligence_notes", "pnc_reference",
                "police_operation", "police_operation_reference"]
ARREST_FIELDS = ["arrested_on", "offence", "outcome", "custody_reference"]


class BaseAdultForm(forms.ModelForm):
    user: User  # set by adult_form_class

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "district" in self.fields:
            set_queryset(self, "district", Area.objects.filter(active=True))
        if "police_operation" in self.fields:
            # Only operations the user's force owns or was shared: a forged choice of
            # another force's operation is refused as not one of the choices.
            visible = visible_to_user(self.user, Operation)
            current = self.instance.police_operation_id if self.instance.pk else None
            if current is not None and not visible.filter(pk=current).exists():
                # Linked to an operation this user cannot see (its share ended): the
                # field is left out, so that saving the form keeps the link.
                del self.fields["police_operation"]
            else:
                set_queryset(self, "police_operation", visible)


def adult_form_class(user: User) -> type[forms.ModelForm]:
    fields = editable_fields(user, AdultOfConcern, ADULT_FIELDS)
    form = type("AdultForm", (BaseAdultForm,), {"user": user})
    return forms.modelform_factory(AdultOfConcern, form=form, fields=fields,
                                   widgets=dated_widgets(AdultOfConcern, fields))


def arrest_form_class(user: User) -> type[forms.ModelForm]:
    fields = editable_fields(user, Arrest, ARREST_FIELDS)
    return forms.modelform_factory(Arrest, fields=fields, widgets={"arrested_on": DateInput()})
