"""Sharing a register record with a partner agency, with a reason, and unsharing it.

Both go through the foundation's policy.share / policy.revoke (the owner only; each a
recorded disclosure or revocation). A child can be shared together with the records the
owner's agency holds about the child, one share (and one audit event) per record.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ...accounts.models import Agency
from ...core.models import Share
from ...policy import NoAccess, revoke, share, signed_in_user
from ..forms.common import set_queryset
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


class ShareForm(forms.Form):
    agency = forms.ModelChoiceField(Agency.objects.none(), label="Share with")
    reason = forms.CharField(
        min_length=10, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this agency needs to know: recorded with the share and in the audit.",
    )
    with_child_records = forms.BooleanField(
        required=False, initial=True,
        label="Also share your agency's records about this child (screenings, missing "
              "episodes, concerns, referrals)",
    )

    def __init__(self, *args: Any, obj: Recorded, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        already = Share.objects.active().for_object(obj).values("agency_id")
        set_queryset(self, "agency", Agency.objects.filter(active=True).exclude(
            pk=obj.owning_agency_id).exclude(pk__in=already))
        if not isinstance(obj, Child):
            del self.fields["with_child_records"]


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
    form = ShareForm(request.POST or None, obj=obj)
    if request.method == "POST" and form.is_valid():
        agency, reason = form.cleaned_data["agency"], form.cleaned_data["reason"].strip()
        with transaction.atomic():
            share(request, obj, agency, reason)
            count = 1
            if isinstance(obj, Child) and form.cleaned_data.get("with_child_records"):
                for model in CHILD_PARTS:
                    owned = model._default_manager.filter(  # type: ignore[misc]
                        child=obj, owning_agency_id=signed_in_user(request).agency_id)
                    for part in owned:
                        share(request, part, agency, reason)
                        count += 1
        messages.success(request, f"Shared with {agency} ({count} record"
                                  f"{'s' if count != 1 else ''}).")
        return redirect("safeguarding:shares", kind=kind, pk=pk)
    history = Share.objects.for_object(obj).select_related("agency", "shared_by", "revoked_by")
    return render(request, "safeguarding/shares.html", {
        "object": obj, "kind": kind, "form": form, "history": history,
        "back": _back_url(obj),
    }, status=400 if request.method == "POST" else 200)


@require_POST
def unshare(request: HttpRequest, kind: str, pk: int, share_pk: int) -> HttpResponse:
    obj = _record(request, kind, pk)
    granted = Share.objects.active().for_object(obj).filter(pk=share_pk).first()
    if granted is None:
        raise NoAccess(None, "no such active share")
    revoke(request, granted)
    messages.success(request, f"No longer shared with {granted.agency}.")
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



