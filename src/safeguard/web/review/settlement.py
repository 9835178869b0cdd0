"""A senior grader's settlement of a disputed category.

When graders disagree the item is disputed (grading.py) and no vote can make it final:
CAID admits a new image on "three independent, undisputed votes", so a majority does not
outvote a dissent. A reviewer in one of the `senior_roles` (review.toml: forensic
examiners by default) looks at the item, chooses its category and gives the reason. The
graders' grades stay on record as they were; the item's final category becomes the
settlement's, the item is marked settled (and stays marked disputed), and the counts and
the VICS export follow: the export says the category was disputed and settled. Each
settlement is a Settlement row, written with its audit event.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone

from ..accounts.models import User
from .corrections import MIN_REASON
from .grading import votes_text
from .models import Category, Grade, ReviewItem, Settlement


class SettlementError(ValueError):
    """Why a settlement was refused (shown to the user as it is)."""


def settled_text(category: str, votes: str) -> str:
    """The card's line for a settled item: the category, and the dispute it ended."""
    label = Category(category).label
    dispute = f" (disputed: {votes})" if votes else " (a copy was disputed)"
    return f"Settled by a senior grader: {label}{dispute}"[:100]


def settle(item: ReviewItem, by: User, category: str, reason: str) -> list[Settlement]:
    """Settle the category of disputed `item` and of every copy of its content in the same
    triage that has no final category yet (the category belongs to the picture, not to
    one of its paths; a copy already final keeps its category, which a correction can
    change). Call inside a transaction: the items are locked so that a settlement and a
    grading cannot interleave. Returns one Settlement per item settled."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("settle must run inside transaction.atomic()")
    if category not in Category.values:
        raise SettlementError("Choose A, B, C or N (not indecent).")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise SettlementError(f"Give the reason for the settlement (at least {MIN_REASON} "
                              "characters).")
    same = ReviewItem.objects.filter(job_id=item.job_id)
    same = same.filter(content=item.content) if item.content else same.filter(pk=item.pk)
    locked = list(same.select_for_update().order_by("pk"))
    this = next((copy for copy in locked if copy.pk == item.pk), None)
    if this is None or not this.disputed:
        raise SettlementError("Only a disputed item is settled by a senior grader: this "
                              "item's graders have not disagreed.")
    if this.final_category:
        raise SettlementError("This dispute is already settled: correct the final category "
                              "instead.")
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    for item_id, given in Grade.objects.filter(item__in=locked).values_list("item_id",
                                                                             "category"):
        votes[item_id][given] += 1
    now = timezone.now()
    made = []
    for copy in locked:
        if copy.final_category:
            continue
        counted = votes_text(votes[copy.pk]) if copy.disputed else ""
        made.append(Settlement(item=copy, job_id=copy.job_id, votes=counted,
                               category=category, reason=reason, by=by, at=now))
        copy.final_category, copy.settled, copy.decided_at = category, True, now
        copy.agreement = settled_text(category, counted)
    Settlement.objects.bulk_create(made)
    ReviewItem.objects.bulk_update([s.item for s in made],
                                   ["final_category", "settled", "decided_at", "agreement"])
    item.final_category, item.settled, item.disputed = category, True, True
    item.agreement, item.decided_at = this.agreement, now
    return made
