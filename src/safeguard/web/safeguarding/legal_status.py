"""The child's legal status over time, and what follows from a change.

A warning notice's basis turns on the status on the date served, and a Children Act s49
notice stops protecting a child who leaves care: both need the history, not today's value
(domain review 2026-12, §2 and §4.9). Every change goes through `record()`: it keeps the
history, copies the latest status to the child, and moves the lapse of the child's s49
notices to the day the child left care.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from ..accounts.models import User
from ..core.clock import local_date
from .models import IN_CARE_S49, Child, LegalStatusChange, NoticeChild
from .rules import NoticeBasis


def record(child: Child, status: str, since: date, *, by: User | None = None,
           note: str = "") -> LegalStatusChange:
    """Add a status from `since` (today's change, or an earlier one entered late)."""
    with transaction.atomic():
        change = LegalStatusChange.objects.create(child=child, status=status, since=since,
                                                  note=note, recorded_by=by)
        latest = child.legal_history.order_by("-since", "-pk").first()
        if latest is not None and latest.status != child.legal_status:
            child.legal_status = latest.status
            child.save(update_fields=["legal_status", "updated_at"])
        refresh_notice_lapses(child)
    return change


def left_care_after(child: Child, served_on: date) -> date | None:
    """The first day after `served_on` the child was no longer in care (s49), if any."""
    changes = child.legal_history.filter(since__gt=served_on).order_by("since", "pk")
    for change in changes:
        if change.status not in IN_CARE_S49:
            return change.since
    return None


def refresh_notice_lapses(child: Child) -> int:
    """Recompute when each of the child's notices stops protecting it; returns how many
    changed. An s49 notice lapses when the child leaves care even if the child returns to
    care later: a new notice is served then."""
    changed = 0
    links = NoticeChild.objects.filter(child=child).select_related("notice", "child")
    for link in links:
        left = None
        if link.basis == NoticeBasis.CHILDREN_ACT_S49:
            left = left_care_after(child, local_date(link.notice.served_at))
        before = (link.protection_ends, link.lapse_reason)
        link.set_protection(left)
        if (link.protection_ends, link.lapse_reason) != before:
            link.save(update_fields=["protection_ends", "lapse_reason"])
            changed += 1
    return changed
