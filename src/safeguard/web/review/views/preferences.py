"""A reviewer's welfare preferences: the break reminder and the colour of revealed items."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ... import audit
from ...audit.models import Action
from ...core.policy import require_role
from ..access import REVIEW_ROLES
from ..models import ReviewerPreferences
from .common import preferences_of


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = ReviewerPreferences
        fields = ["break_minutes", "reveal_in_colour"]
        labels = {"break_minutes": "Break reminder (minutes)",
                  "reveal_in_colour": "Revealed items in colour"}

    def clean_break_minutes(self) -> int:
        value = int(self.cleaned_data["break_minutes"])
        if not 5 <= value <= 240:
            raise forms.ValidationError("Between 5 and 240 minutes.")
        return value


def preferences(request: HttpRequest) -> HttpResponse:
    user = require_role(request, *REVIEW_ROLES)
    current = preferences_of(user)
    form = PreferencesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.record(request, Action.UPDATE, user, page="review preferences",
                         fields=form.changed_data, break_minutes=current.break_minutes,
                         reveal_in_colour=current.reveal_in_colour)
        messages.success(request, "Your review preferences are saved.")
        return redirect("review:preferences")
    return render(request, "review/preferences.html", {"form": form})
