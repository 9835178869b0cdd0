"""One child, one record: the duplicate check at registration, and merging two records of
the same child (audited, and undone as exactly).

- `find_duplicates(identity)`: the children already on the platform (every agency's,
  whoever may open them) who are likely the child described: one indexed query on the
  blocking keys (identifiers, the date of birth and its day/month swap), then
  matching.compare on each candidate. A record merged into another is not offered; the
  record it was merged into is.
- A merge links the duplicate to the record kept (`Child.merged_into`, with a
  `ChildMerge` row saying who, when, why and on what evidence). Nothing moves: each
  record keeps its agency, its shares and its records, so no agency gains or loses sight
  of anything by a merge, and undoing it is exact. The child's flags, the "held by"
  line and the chronology read the whole group (`same_child`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from .. import audit
from ..audit.models import Action
from ..core.policy import signed_in_user
from .matching import Identity, Match, clean_identifier, compare, dob_variants
from .models import Child, ChildMerge

# At most this many offers: the check is a prompt, not a search.
MAX_OFFERS = 10


@dataclass(frozen=True)
class Offer:
    child: Child
    match: Match


def identity_of(child: Child) -> Identity:
    return Identity(
        first_name=child.first_name, last_name=child.last_name,
        date_of_birth=child.date_of_birth, gender=child.gender, known_as=child.known_as,
        address=child.address, nhs_number=child.nhs_number, la_id=child.la_id,
        upn=child.upn)


def find_duplicates(person: Identity, exclude: int | None = None) -> list[Offer]:
    """The likely records of this child, best first."""
    query = Q(date_of_birth__in=dob_variants(person.date_of_birth))
    for field, value in (("nhs_number", person.nhs_number), ("la_id", person.la_id),
                         ("upn", person.upn)):
        if value:
            query |= Q(**{field: clean_identifier(value)})
    # Only the blocking keys in SQL, unordered: a filter on merged_into (NULL nearly
    # everywhere) can lead a planner without statistics to scan the table by that index.
    candidates = (Child.objects.filter(query).order_by()
                  .select_related("owning_agency", "district"))
    offers = []
    for child in candidates:
        if child.merged_into_id is not None or child.pk == exclude:
            continue
        match = compare(person, identity_of(child))
        if match is not None:
            offers.append(Offer(child, match))
    offers.sort(key=lambda offer: (-offer.match.score, offer.child.pk))
    return offers[:MAX_OFFERS]


def root_of(child: Child) -> Child:
    return child.merged_into if child.merged_into_id is not None else child  # type: ignore[return-value]


def same_child(child: Child) -> list[int]:
    """The pks of every record of this child: the record kept and those merged into it."""
    root = child.merged_into_id or child.pk
    return [root, *Child.objects.filter(merged_into_id=root).order_by("pk")
            .values_list("pk", flat=True)]


class MergeRefused(ValueError):
    """Why two records cannot be merged (said on the page)."""


def merge(request: HttpRequest, kept: Child, merged: Child, reason: str) -> ChildMerge:
    """Read `merged` as part of `kept` from now on (the caller checked the user's right)."""
    if kept.pk == merged.pk:
        raise MergeRefused("A record cannot be merged into itself.")
    if kept.merged_into_id is not None:
        raise MergeRefused("The record to keep was itself merged into another: keep that one.")
    if merged.merged_into_id is not None:
        raise MergeRefused("This record is already merged.")
    if Child.objects.filter(merged_into=merged).exists():
        raise MergeRefused("Other records were merged into this one: merge it the other way "
                           "round, or undo those merges first.")
    if not reason.strip():
        raise MergeRefused("Give the reason: it is kept with the merge.")
    found = compare(identity_of(merged), identity_of(kept))
    evidence = "; ".join(found.reasons) if found else "not found by the duplicate check"
    user = signed_in_user(request)
    with transaction.atomic():
        merged.merged_into = kept
        merged.save(update_fields=["merged_into", "updated_at"])
        row = ChildMerge.objects.create(kept=kept, merged=merged, reason=reason.strip(),
                                        evidence=evidence[:300], merged_by=user)
        audit.record(request, Action.UPDATE, merged, merged_into=kept.pk, merge=row.pk)
        audit.record(request, Action.UPDATE, kept, merged_in=merged.pk, merge=row.pk)
    return row


def unmerge(request: HttpRequest, row: ChildMerge, reason: str) -> None:
    """Undo a merge: the two records are two again, exactly as before it."""
    if row.undone_at is not None:
        raise MergeRefused("This merge was already undone.")
    if not reason.strip():
        raise MergeRefused("Give the reason: it is kept with the merge.")
    user = signed_in_user(request)
    with transaction.atomic():
        Child.objects.filter(pk=row.merged_id).update(merged_into=None,
                                                      updated_at=timezone.now())
        row.undone_at, row.undone_by, row.undo_reason = timezone.now(), user, reason.strip()
        row.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        audit.record(request, Action.UPDATE, row.merged, unmerged_from=row.kept_id,
                     merge=row.pk)
        audit.record(request, Action.UPDATE, row.kept, unmerged=row.merged_id, merge=row.pk)
