"""Sharing a register record with a partner agency, with a reason, and unsharing it.

The pages are the platform's (web/sharing.py: policy.share / policy.revoke, the owner
only; each a recorded disclosure or revocation). A child can be shared together with
the records the owner's agency holds about the child, one share (and one audit event)
per record. The page asks for the reason for opening the record first, as its own
page does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse

from ...core.models import Recorded
from ...core.policy import signed_in_user
from ...core.sharing import ShareForm, SharingPages
from ..models import (
    AdultOfConcern,
    Child,
    Concern,
    MissingEpisode,
    PanelMeeting,
    Referral,
    RiskAssessment,
    WarningNotice,
)
from ..need_to_know import open_record
from .common import open_for_view

CHILD_PARTS: tuple[type[Recorded], ...] = (RiskAssessment, MissingEpisode, Concern, Referral)


class ChildShareForm(ShareForm):
    with_child_records = forms.BooleanField(
        required=False, initial=True,
        label="Also share your agency's records about this child (screenings, missing "
              "episodes, concerns, referrals)",
    )


def _child_parts(request: HttpRequest, obj: Any) -> Sequence[Recorded]:
    if not isinstance(obj, Child):
        return ()
    agency_id = signed_in_user(request).agency_id
    parts: list[Recorded] = []
    for model in CHILD_PARTS:
        parts.extend(model._default_manager.filter(  # type: ignore[misc]
            child=obj, owning_agency_id=agency_id))
    return parts


def _ask_first(request: HttpRequest, obj: Any) -> HttpResponse | None:
    return open_for_view(request, obj, getattr(obj, "child", None) or obj)


PAGES = SharingPages(
    namespace="safeguarding",
    template="safeguarding/shares.html",
    kinds={
        "child": (Child, "safeguarding:child_detail"),
        "adultofconcern": (AdultOfConcern, "safeguarding:adult_detail"),
        "riskassessment": (RiskAssessment, "safeguarding:assessment_detail"),
        "missingepisode": (MissingEpisode, "safeguarding:episode_detail"),
        "concern": (Concern, "safeguarding:concern_detail"),
        "referral": (Referral, "safeguarding:referral_detail"),
        "warningnotice": (WarningNotice, "safeguarding:notice_detail"),
        "panelmeeting": (PanelMeeting, "safeguarding:panel_detail"),
    },
    open_record=lambda request, model, pk: open_record(request, model, pk, need="write"),
    form_for=lambda obj: ChildShareForm if isinstance(obj, Child) else ShareForm,
    parts=_child_parts,
    parts_field="with_child_records",
    ask_first=_ask_first,
)
