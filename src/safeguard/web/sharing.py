"""Sharing a record with another agency, with a reason, and ending the share: the form and
the steps that the register's and the investigations' sharing pages have in common.

Both go through policy.share / policy.revoke (the owning agency only; each share a
recorded disclosure, each end a recorded revocation). The page itself is
core/_shares.html, included by each app's own page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from .accounts.models import Agency
from .core.models import AgencyOwned, Share
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
    """Share `obj` and `parts` (records the user's agency holds about it) with `agency` in
    one transaction, one share and one audit event each; the message to show."""
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
