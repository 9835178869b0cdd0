"""Independent grading and the final category.

The rule (CAID's, for a new image to enter the national set: "three independent,
undisputed votes"): an item's category is final once `graders_needed` graders (default
3) have independently given it the same category and nobody has given another. Any
dissent makes the item **disputed** (A, A, B; A, B, A; or A, B already): no further vote
can make it final, grading stops, and a senior grader settles it with a reason
(settlement.py). A majority never outvotes a dissent: "undisputed" means what it says.
"Not indecent" is a category like the others.

Independence: a grader never sees another's grade of an item before giving their own
(the views show agreement only to those who have graded, or once the item is final or
disputed, when nobody may grade it any more). A grader may change their own grade until
the item is final or disputed; after that the grades stand as the senior grader found them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..accounts.models import User
from .models import Category, Grade, ReviewItem

# Most serious first: breaks a tie in the agreement text only, never decides a category.
_ORDER = {Category.A: 0, Category.B: 1, Category.C: 2, Category.NOT_INDECENT: 3}


@dataclass(frozen=True)
class Agreement:
    total: int
    top: str
    agreeing: int
    final: str
    disputed: bool = False
    votes: str = ""  # "A 2, B 1": each category given and by how many, most serious first

    @property
    def text(self) -> str:
        if not self.total:
            return ""
        label = Category(self.top).label
        if self.final:
            return f"Final: {label} ({self.agreeing} of {self.total} agree)"
        if self.disputed:
            return f"Disputed ({self.votes}): for a senior grader"
        return f"{self.agreeing} of {self.total} agree on {label}"


def votes_text(counts: Counter[str]) -> str:
    """The votes as a person reads them on a card and in the record: "A 2, B 1"."""
    ordered = sorted(counts.items(), key=lambda kv: _ORDER[Category(kv[0])])
    return ", ".join(f"{name} {count}" for name, count in ordered)


def agreement_of(categories: Iterable[str], needed: int) -> Agreement:
    """Final only with `needed` votes that all agree; disputed with any dissent."""
    counts = Counter(categories)
    total = sum(counts.values())
    if not total:
        return Agreement(0, "", 0, "")
    top, agreeing = min(counts.items(), key=lambda kv: (-kv[1], _ORDER[Category(kv[0])]))
    disputed = len(counts) > 1
    final = top if agreeing >= needed and not disputed else ""
    return Agreement(total, top, agreeing, final, disputed, votes_text(counts))


@dataclass(frozen=True)
class Outcome:
    item: ReviewItem
    changed: bool  # a new or different grade was stored
    agreement: Agreement
    was_final: bool = False  # final before this grading: left as it was
    was_disputed: bool = False  # disputed before this grading: left for a senior grader


def grade_items(items: list[ReviewItem], grader: User, category: str, *, via_group: bool,
                needed: int) -> list[Outcome]:
    """Store `grader`'s category for each item (one grade per grader and item) and decide
    final categories and disputes. Items already final or disputed are left as they are.
    Call inside a transaction; the items are locked so that two graders deciding one item
    do not race (nor one agree while the other dissents)."""
    if category not in Category.values:
        raise ValueError(f"unknown category {category!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("grade_items must run inside transaction.atomic()")
    locked = list(ReviewItem.objects.select_for_update()
                  .filter(pk__in=[item.pk for item in items]).order_by("pk"))
    given: dict[int, dict[int, Grade]] = defaultdict(dict)  # item -> grader -> grade
    for grade in Grade.objects.filter(item__in=locked):
        given[grade.item_id][grade.grader_id] = grade
    now = timezone.now()
    created: list[Grade] = []
    decided: list[ReviewItem] = []
    outcomes = []
    for item in locked:
        grades = given[item.pk]
        if item.final_category or item.disputed:
            outcomes.append(Outcome(item, False, _agreement(grades, needed),
                                    was_final=bool(item.final_category),
                                    was_disputed=not item.final_category))
            continue
        mine = grades.get(grader.pk)
        changed = mine is None or mine.category != category
        if mine is None:
            mine = Grade(item=item, job_id=item.job_id, grader=grader, category=category,
                         via_group=via_group, at=now)
            created.append(mine)
        elif changed:
            # A grade carried from an earlier triage becomes this grader's own here.
            mine.category, mine.via_group, mine.at = category, via_group, now
            mine.carried_from = None
            mine.save(update_fields=["category", "via_group", "at", "carried_from"])
        grades[grader.pk] = mine
        agreement = _agreement(grades, needed)
        item.grade_count = agreement.total
        item.agreement = agreement.text
        item.final_category = agreement.final
        item.disputed = agreement.disputed
        item.decided_at = now if agreement.final else None
        decided.append(item)
        outcomes.append(Outcome(item, changed, agreement))
    Grade.objects.bulk_create(created, batch_size=1000)
    ReviewItem.objects.bulk_update(
        decided, ["grade_count", "agreement", "final_category", "disputed", "decided_at"],
        batch_size=1000)
    return outcomes


def _agreement(grades: dict[int, Grade], needed: int) -> Agreement:
    return agreement_of((grade.category for grade in grades.values()), needed)
