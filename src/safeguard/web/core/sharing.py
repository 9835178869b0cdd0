"""Sharing a record with another agency, with a reason, and ending the share: one form,
one page and one pair of views for every app whose records can be shared.

    PAGES = SharingPages(namespace="partners", template="partners/shares.html",
                         kinds={"business": (Business, "partners:business_detail")},
                         open_record=lambda request, model, pk: open_record(...))
    path("share/<str:kind>/<int:pk>/", PAGES.shares, name="shares"),
    path("share/<str:kind>/<int:pk>/<int:share_pk>/revoke/", PAGES.unshare, name="unshare"),

Shares go through policy.share / policy.revoke: the owning agency only, each share a
recorded disclosure and each end a recorded revocation, with the reason. An app may add
records to share together with one (a child's screenings, an investigation's exhibits):
`parts` names them, from a form the app extends with its own tick box (`form_for`). The
page's body is core/_shares.html, included by each app's page in its own layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import audit
from ..accounts.models import Agency
from ..audit.models import Action
from .models import AgencyOwned, Share
from .policy import NoAccess, revoke, share


class ShareForm(forms.Form):
    agency = forms.ModelChoiceField(Agency.objects.none(), label="Share with")
    reason = forms.CharField(
        min_length=10, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this agency needs to know: recorded with the share and in the audit.",
    )

    def __init__(self, *args: Any, obj: AgencyOwned, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        already = Share.objects.active().for_object(obj).values("agency_id")
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        # Active agencies other than the owner that do not hold a share already.
        field.queryset = Agency.objects.filter(active=True).exclude(
            pk=obj.owning_agency_id).exclude(pk__in=already)


def share_together(request: HttpRequest, obj: AgencyOwned, parts: Iterable[AgencyOwned],
                   agency: Agency, reason: str) -> str:
    """Share `obj` and `parts` with `agency` in one transaction, one share and one audit
    event each; the message to show."""
    with transaction.atomic():
        share(request, obj, agency, reason)
        count = 1
        for part in parts:
            share(request, part, agency, reason)
            count += 1
    return f"Shared with {agency} ({count} record{'s' if count != 1 else ''})."


def share_history(obj: AgencyOwned) -> QuerySet[Share]:
    """Every share of the record, ended ones too (they were disclosures)."""
    return Share.objects.for_object(obj).select_related("agency", "shared_by", "revoked_by")


def end_share(request: HttpRequest, obj: AgencyOwned, share_pk: int) -> Agency:
    """End the record's active share `share_pk`; its agency. NoAccess if there is none."""
    granted = Share.objects.active().for_object(obj).filter(pk=share_pk).first()
    if granted is None:
        raise NoAccess(None, "no such active share")
    revoke(request, granted)
    return granted.agency


OpenRecord = Callable[[HttpRequest, type[Any], int], Any]


def _no_parts(request: HttpRequest, obj: Any) -> Sequence[AgencyOwned]:
    return ()


def _record_view(request: HttpRequest, obj: Any) -> HttpResponse | None:
    """The sharing page shows the record and every disclosure of it: a consultation."""
    audit.record(request, Action.VIEW, obj, page="sharing")
    return None


@dataclass(frozen=True)
class SharingPages:
    namespace: str
    template: str
    # kind in the URL -> (model, the URL name of its page)
    kinds: dict[str, tuple[type[Any], str]]
    # The record if the user may write it (the app's roles), else NoAccess / Forbidden.
    open_record: OpenRecord
    note: str = ""
    form_for: Callable[[Any], type[ShareForm]] = lambda obj: ShareForm
    # The records that go with one (a child's screenings, an investigation's exhibits),
    # held by the user's agency: shared with it when the form's `parts_field` is ticked,
    # and their shares with that agency ended with it.
    parts: Callable[[HttpRequest, Any], Sequence[AgencyOwned]] = _no_parts
    parts_field: str = ""
    # Before the page shows: asks for the reason (DPA 2018 s62) and returns that page,
    # or records the view and returns None.
    ask_first: Callable[[HttpRequest, Any], HttpResponse | None] = _record_view

    def _record(self, request: HttpRequest, kind: str, pk: int) -> AgencyOwned:
        found = self.kinds.get(kind)
        if found is None:
            raise NoAccess(None, f"no shareable record kind {kind!r}")
        obj: AgencyOwned = self.open_record(request, found[0], pk)
        return obj

    @property
    def shares(self) -> Callable[..., HttpResponse]:
        @require_http_methods(["GET", "POST"])
        def shares(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
            obj = self._record(request, kind, pk)
            form = self.form_for(obj)(request.POST or None, obj=obj)
            if request.method == "POST" and form.is_valid():
                agency = form.cleaned_data["agency"]
                reason = form.cleaned_data["reason"].strip()
                together = (self.parts(request, obj)
                            if self.parts_field and form.cleaned_data.get(self.parts_field)
                            else ())
                messages.success(request, share_together(request, obj, together, agency,
                                                         reason))
                return redirect(f"{self.namespace}:shares", kind=kind, pk=pk)
            if (asked := self.ask_first(request, obj)) is not None:
                return asked
            return render(request, self.template, {
                "object": obj, "kind": kind, "form": form, "history": share_history(obj),
                "back": reverse(self.kinds[kind][1], args=[obj.pk]),
                "sharing_note": self.note, "unshare_route": f"{self.namespace}:unshare",
            }, status=400 if request.method == "POST" else 200)

        return shares

    @property
    def unshare(self) -> Callable[..., HttpResponse]:
        @require_POST
        def unshare(request: HttpRequest, kind: str, pk: int, share_pk: int) -> HttpResponse:
            obj = self._record(request, kind, pk)
            with transaction.atomic():
                agency = end_share(request, obj, share_pk)
                # What was shared with it ends with it: the least disclosure.
                ended = 0
                for part in self.parts(request, obj):
                    granted = Share.objects.active().for_object(part).filter(
                        agency=agency).first()
                    if granted is not None:
                        revoke(request, granted)
                        ended += 1
            also = f" (and {ended} record{'s' if ended != 1 else ''} shared with it)" \
                if ended else ""
            messages.success(request, f"No longer shared with {agency}{also}.")
            return redirect(f"{self.namespace}:shares", kind=kind, pk=pk)

        return unshare
