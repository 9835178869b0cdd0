"""Sharing a register record with a partner agency, with a reason, and unsharing it.

The form and steps are the platform's (sharing.py: policy.share / policy.revoke, the
owner only; each a recorded disclosure or revocation). A child can be shared together
with the records the owner's agency holds about the child, one share (and one audit
event) per record.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ...policy import NoAccess, signed_in_user
from ...sharing import ShareForm, end_share, share_history, share_together
from ..models import (
    AdultOfConcern,
    Child,
    Concern,
    MissingEpisode,
    PanelMeeting,
    Recorded,
    Referral,
    RiskAssessment,
    WarningNotice,
)
from ..need_to_know import open_record
from .common import open_for_view

SHAREABLE: dict[str, type[Recorded]] = {
    model._meta.model_name: model  # type: ignore[misc]
    for model in (Child, AdultOfConcern, RiskAssessment, MissingEpisode, Concern, Referral,
                  WarningNotice, PanelMeeting)
}
CHILD_PARTS: tuple[type[Recorded], ...] = (RiskAssessment, MissingEpisode, Concern, Referral)


class ChildShareForm(ShareForm):
    with_child_records = forms.BooleanField(
        required=False, initial=True,
        label="Also share your agency's records about this child (screenings, missing "
              "episodes, concerns, referrals)",
    )


def _form(request: HttpRequest, obj: Recorded) -> ShareForm:
    form_class = ChildShareForm if isinstance(obj, Child) else ShareForm
    return form_class(request.POST or None, obj=obj)


def _record(request: HttpRequest, kind: str, pk: int) -> Recorded:
    model = SHAREABLE.get(kind)
    if model is None:
        raise NoAccess(None, f"no shareable record kind {kind!r}")
    return open_record(request, model, pk, need="write")


def _subject(obj: Recorded) -> Recorded:
    return getattr(obj, "child", None) or obj


@require_http_methods(["GET", "POST"])
def shares(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    obj = _record(request, kind, pk)
    if request.method == "GET" and (asked := open_for_view(request, obj, _subject(obj))):
        return asked
    form = _form(request, obj)
    if request.method == "POST" and form.is_valid():
        agency, reason = form.cleaned_data["agency"], form.cleaned_data["reason"].strip()
        parts: list[Recorded] = []
        if isinstance(obj, Child) and form.cleaned_data.get("with_child_records"):
            for model in CHILD_PARTS:
                parts.extend(model._default_manager.filter(  # type: ignore[misc]
                    child=obj, owning_agency_id=signed_in_user(request).agency_id))
        messages.success(request, share_together(request, obj, parts, agency, reason))
        return redirect("safeguarding:shares", kind=kind, pk=pk)
    history = share_history(obj)
    return render(request, "safeguarding/shares.html", {
        "object": obj, "kind": kind, "form": form, "history": history,
        "back": _back_url(obj),
    }, status=400 if request.method == "POST" else 200)


@require_POST
def unshare(request: HttpRequest, kind: str, pk: int, share_pk: int) -> HttpResponse:
    obj = _record(request, kind, pk)
    agency = end_share(request, obj, share_pk)
    messages.success(request, f"No longer shared with {agency}.")
    return redirect("safeguarding:shares", kind=kind, pk=pk)


def _back_url(obj: Recorded) -> str:
    from django.urls import reverse

    names = {
        Child: "child_detail", AdultOfConcern: "adult_detail",
        RiskAssessment: "assessment_detail", MissingEpisode: "episode_detail",
        Concern: "concern_detail", Referral: "referral_detail",
        WarningNotice: "notice_detail", PanelMeeting: "panel_detail",
    }
    return reverse(f"safeguarding:{names[type(obj)]}", args=[obj.pk])



