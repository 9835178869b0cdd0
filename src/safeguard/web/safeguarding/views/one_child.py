"""One child across agencies: the duplicate check when a child is recorded, merging two
records of the same child and undoing it, the flags and the "held by" line on the
child's page, the chronology, and access requests (asked, granted or refused)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ... import audit
from ...accounts.models import Agency, User
from ...audit.models import Action
from ...core.clock import now
from ...core.policy import Forbidden, NoAccess, access_level, share, signed_in_user
from ...core.problems import problems_of
from ..chronology import chronology
from ..duplicates import (
    MergeRefused,
    Offer,
    find_duplicates,
    identity_of,
    merge,
    root_of,
    same_child,
    unmerge,
)
from ..flags import child_flags, held_elsewhere, records_of
from ..forms.one_child import AccessRequestForm, DecisionForm, MergeForm, ReasonForm
from ..matching import Identity
from ..models import AccessRequest, AccessStatus, Child, ChildMerge
from ..need_to_know import WRITE_ROLES, open_record, require_reader, require_writer
from .common import open_for_view, record_list_view

# The duplicate check -------------------------------------------------------------


def _identity(data: dict[str, Any]) -> Identity:
    return Identity(
        first_name=data.get("first_name", ""), last_name=data.get("last_name", ""),
        date_of_birth=data["date_of_birth"], gender=data.get("gender", ""),
        known_as=data.get("known_as", ""), address=data.get("address", ""),
        nhs_number=data.get("nhs_number", ""), la_id=data.get("la_id", ""),
        upn=data.get("upn", ""))


def _offered(user: User, offers: list[Offer]) -> list[dict[str, Any]]:
    """Each offer as the registering user may see it: in full where they may open the
    record, else only that it exists, who holds it and on what evidence (the details the
    user typed themselves), never its content."""
    pending = set(AccessRequest.objects.filter(
        requesting_agency_id=user.agency_id, status=AccessStatus.PENDING,
        child__in=[o.child for o in offers]).values_list("child_id", flat=True))
    return [{"child": o.child, "match": o.match, "visible": access_level(user, o.child)
             is not None, "requested": o.child.pk in pending} for o in offers]


def duplicate_offer(request: HttpRequest, form: Any) -> HttpResponse | None:
    """Before a new child is saved: the likely records of the same child already on the
    platform, offered instead. None when there are none, or the user said the child is
    a different child; else the page (or, when the user asked for access to one, the
    request made)."""
    user = require_writer(request)
    if request.POST.get("different_child") == "yes":
        return None
    offers = find_duplicates(_identity(form.cleaned_data))
    if not offers:
        return None
    asked = request.POST.get("request_access", "")
    chosen = next((o for o in offers if str(o.child.pk) == asked), None)
    access_form = AccessRequestForm(request.POST if chosen else None, prefix="access")
    if chosen is not None:
        if access_level(user, chosen.child) is not None:
            return redirect("safeguarding:child_detail", pk=chosen.child.pk)
        if access_form.is_valid():
            made = _make_request(request, chosen.child, chosen.child.owning_agency,
                                 access_form.cleaned_data["reason"], via="duplicate check")
            messages.success(request, f"Asked {made.holder} for access to their record of "
                             "this child. It opens here once they grant it.")
            return redirect("safeguarding:access_requests")
    # Candidates of every agency were read: one view event, with how many were offered.
    record_list_view(request, "duplicate check", offered=len(offers))
    return render(request, "safeguarding/child_new.html", {
        "form": form, "offers": _offered(user, offers), "access_form": access_form,
        "problems": problems_of(access_form) if chosen else [],
        "cancel": reverse("safeguarding:child_list"),
    })


# The child's page: flags, what others hold, merges ---------------------------------


def one_child_context(request: HttpRequest, child: Child) -> dict[str, Any]:
    user = signed_in_user(request)
    pks = same_child(child)
    root = root_of(child)
    merged_in = [{"child": c, "visible": access_level(user, c) is not None,
                  "merge": c.merges_merged.filter(undone_at__isnull=True).first()}
                 for c in Child.objects.filter(merged_into=root).select_related(
                     "owning_agency")]
    offers: list[dict[str, Any]] = []
    if user.role in WRITE_ROLES and child.owning_agency_id == user.agency_id \
            and child.merged_into_id is None:
        offers = [o for o in _offered(user, find_duplicates(identity_of(child),
                                                            exclude=child.pk))
                  if o["child"].pk not in pks]
    return {
        "flags": child_flags(child, pks),
        "held": held_elsewhere(user, pks),
        "merged_into": root if root.pk != child.pk else None,
        "merged_into_visible": access_level(user, root) is not None,
        "current_merge": child.merges_merged.filter(undone_at__isnull=True).first(),
        "merged_in": merged_in,
        "possible_duplicates": offers,
        "may_unmerge": user.role in WRITE_ROLES,
    }


@require_http_methods(["GET", "POST"])
def child_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """The agency holding a record folds it into another record of the same child that
    it may read (the other record's agency keeps its record as it was)."""
    duplicate = open_record(request, Child, pk, need="write")
    user = require_writer(request)
    if request.method == "GET" and (asked := open_for_view(request, duplicate)) is not None:
        return asked
    candidates = [o for o in _offered(user, find_duplicates(identity_of(duplicate),
                                                            exclude=duplicate.pk))
                  if o["visible"]]
    form = MergeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        kept = open_record(request, Child, form.cleaned_data["kept"])
        try:
            merge(request, kept, duplicate, form.cleaned_data["reason"])
        except MergeRefused as refused:
            error = str(refused)
        else:
            messages.success(request, f"Merged into the record held by {kept.owning_agency}: "
                             "one child now. Undo it from either record.")
            return redirect("safeguarding:child_detail", pk=kept.pk)
    return render(request, "safeguarding/merge.html", {
        "child": duplicate, "candidates": candidates, "form": form, "error": error,
        "problems": problems_of(form) if request.method == "POST" else [],
    }, status=400 if request.method == "POST" else 200)


@require_POST
def child_unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_writer(request)
    try:
        row = ChildMerge.objects.select_related("kept", "merged").get(pk=pk)
    except ChildMerge.DoesNotExist:
        raise NoAccess(None, "no such merge") from None
    merged = open_record(request, Child, row.merged_id)
    if user.agency_id not in (row.merged.owning_agency_id, row.kept.owning_agency_id):
        raise Forbidden(None, "only the agencies holding the two records undo a merge")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for undoing the merge (10 characters or "
                       "more): it is kept with it.")
        return redirect("safeguarding:child_detail", pk=merged.pk)
    try:
        unmerge(request, row, form.cleaned_data["reason"])
    except MergeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "The merge is undone: two records again, as before it.")
    return redirect("safeguarding:child_detail", pk=merged.pk)


# The chronology -------------------------------------------------------------------


def child_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    child = open_record(request, Child, pk)
    if (asked := open_for_view(request, child)) is not None:
        return asked
    user = signed_in_user(request)
    pks = same_child(child)
    return render(request, "safeguarding/chronology.html", {
        "child": child, "entries": chronology(user, pks), "flags": child_flags(child, pks),
        "held": held_elsewhere(user, pks), "printed_by": user, "printed_at": now(),
    })


# Access requests ------------------------------------------------------------------


def _make_request(request: HttpRequest, child: Child, holder: Agency, reason: str,
                  via: str) -> AccessRequest:
    user = signed_in_user(request)
    assert user.agency is not None  # signed in with a register role: has one
    with transaction.atomic():
        made = AccessRequest.objects.create(child=child, holder=holder,
                                            requesting_agency=user.agency,
                                            requested_by=user, reason=reason.strip())
        audit.record(request, Action.CREATE, made, child=child.pk, holder=holder.name,
                     via=via)
    return made


@require_http_methods(["GET", "POST"])
def access_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask an agency holding records about the child (that the user cannot open) for
    access: from the "held by" line of a child the user may open."""
    child = open_record(request, Child, pk)
    require_writer(request)
    if request.method == "GET" and (asked := open_for_view(request, child)) is not None:
        return asked
    user = signed_in_user(request)
    holders = {h.agency.pk: h for h in held_elsewhere(user, same_child(child))}
    form = AccessRequestForm(request.POST or None)
    holder = holders.get(_int(request.POST.get("holder") or request.GET.get("holder")) or 0)
    if request.method == "POST" and form.is_valid() and holder is not None:
        _make_request(request, child, holder.agency, form.cleaned_data["reason"],
                      via="held by")
        messages.success(request, f"Asked {holder.agency} for access. You will see their "
                         "records here once they grant it.")
        return redirect("safeguarding:child_detail", pk=child.pk)
    return render(request, "safeguarding/access_request_new.html", {
        "child": child, "holders": list(holders.values()), "form": form,
        "holder": holder, "problems": problems_of(form) if request.method == "POST" else [],
    }, status=400 if request.method == "POST" else 200)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def access_requests(request: HttpRequest) -> HttpResponse:
    """Requests to the user's agency (to decide) and by it (to follow)."""
    user = require_reader(request)
    to_us = AccessRequest.objects.filter(holder_id=user.agency_id).select_related(
        "child", "requesting_agency", "requested_by", "decided_by")
    by_us = AccessRequest.objects.filter(requesting_agency_id=user.agency_id).select_related(
        "holder", "decided_by")
    record_list_view(request, "access requests")
    ordered = sorted(to_us, key=lambda r: (r.status != AccessStatus.PENDING,
                                           -r.requested_at.timestamp()))
    return render(request, "safeguarding/access_requests.html", {
        # The child is named only to a holder that may open the child's record.
        "to_us": [{"asked": r, "child_visible": access_level(user, r.child) is not None}
                  for r in ordered],
        "by_us": by_us, "form": DecisionForm(), "may_decide": user.role in WRITE_ROLES,
    })


def _agency_opens(agency_id: int, obj: Any, readable: set[int]) -> bool:
    child_id = getattr(obj, "child_id", None)
    if child_id is not None and child_id not in readable:
        return False
    from ...core.models import Share

    return obj.owning_agency_id == agency_id or Share.objects.active().for_object(obj).filter(
        agency_id=agency_id).exists()


@require_POST
def access_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder grants (its records about the child are shared with the asking agency,
    each a recorded disclosure with the request's reason) or refuses, with a note."""
    user = require_writer(request)
    try:
        asked = AccessRequest.objects.select_related("child", "requesting_agency").get(
            pk=pk, holder_id=user.agency_id)
    except AccessRequest.DoesNotExist:
        raise NoAccess(None, "no such request to this agency") from None
    if asked.status != AccessStatus.PENDING:
        messages.error(request, "This request was already decided.")
        return redirect("safeguarding:access_requests")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose grant or refuse; a refusal needs a note saying why.")
        return redirect("safeguarding:access_requests")
    granted = form.cleaned_data["decision"] == "grant"
    note = form.cleaned_data["note"].strip()
    with transaction.atomic():
        shared = 0
        if granted:
            pks = same_child(asked.child)
            to = asked.requesting_agency
            reason = (f"Access request {asked.pk} from {to}, granted: {asked.reason}"
                      + (f" ({note})" if note else ""))
            items = [obj for _, obj in records_of(pks)
                     if obj.owning_agency_id == user.agency_id]  # type: ignore[attr-defined]
            readable = {c.pk for c in Child.objects.filter(pk__in=pks)
                        if _agency_opens(to.pk, c, set())}
            # The child records first: a record about a child opens only with the child.
            for obj in sorted(items, key=lambda o: not isinstance(o, Child)):
                if not _agency_opens(to.pk, obj, readable):
                    share(request, obj, to, reason)  # type: ignore[arg-type]
                    shared += 1
                    if isinstance(obj, Child):
                        readable.add(obj.pk)
        asked.status = AccessStatus.GRANTED if granted else AccessStatus.REFUSED
        asked.decided_by, asked.decided_at = user, timezone.now()
        asked.decision_note, asked.records_shared = note, shared
        asked.save()
        audit.record(request, Action.UPDATE, asked, decision=asked.status,
                     records_shared=shared, child=asked.child_id)
    messages.success(request, f"{'Granted' if granted else 'Refused'}: "
                     f"{asked.requesting_agency} {'now sees' if granted else 'was told'}"
                     + (f" {shared} record{'s' if shared != 1 else ''}." if granted else "."))
    return redirect("safeguarding:access_requests")


__all__ = ["access_request_create", "access_request_decide", "access_requests",
           "child_chronology", "child_merge", "child_unmerge", "duplicate_offer",
           "one_child_context"]
