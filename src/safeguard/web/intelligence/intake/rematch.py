"""Rematching the file catalogue after a hash set is imported or updated.

A file is matched when first catalogued (catalogue.py), so material that was new when a
referral or sighting arrived stays "new material" after a set that knows it is imported.
`rematch` looks up every catalogued file still unknown against the sets configured now
(one vectorised lookup per chunk, as the imports do); those found take the set and
category, their sightings become sightings of known material, and every subject that
holds one has its counters, score and hourly presence rebuilt from its records (stats.py),
so the queue and the live picture include them.

It only adds knowledge: a file already known keeps its match, because a set missing
from the store (moved, damaged) must not quietly turn known material into new. For the
same reason it refuses to run when a configured set cannot be opened.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from ...accounts.models import Agency
from ..models import FileHash, Sighting, Subject, SubjectFile, SubjectStatus
from ..scoring.stats import rebuild_presence, recount
from .auditing import Actor, record
from .catalogue import CHUNK, chunks
from .locking import import_lock
from .matching import Matcher

SUBJECTS_AT_ONCE = 500  # recount's unit (as `intel recount`)


class RematchError(Exception):
    """A configured hash set could not be used: nothing was changed."""


@dataclass
class RematchResult:
    sets: list[str]
    files_checked: int = 0
    files_now_known: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    sightings_now_known: int = 0
    subjects: int = 0


def rematch(matcher: Matcher) -> RematchResult:
    if matcher.warnings:
        raise RematchError("; ".join(matcher.warnings) + ": nothing rematched")
    result = RematchResult(sets=matcher.names)
    with transaction.atomic():
        # The imports' lock, for the whole rematch: an import between the scan and the
        # update would write sightings of a file as unknown after the scan found it known,
        # and the recount below must not race the imports' increments.
        import_lock()
        found = _scan(matcher, result)
        if found:
            _apply(found, result)
    return result


def _scan(matcher: Matcher, result: RematchResult) -> dict[tuple[str, str], list[int]]:
    found: dict[tuple[str, str], list[int]] = defaultdict(list)
    last = 0
    while True:  # keyset pages: the catalogue may hold millions of files
        page = list(FileHash.objects.filter(hashset="", pk__gt=last).order_by("pk")
                    .values_list("pk", "md5", "sha1", "sha256")[:CHUNK])
        if not page:
            break
        last = page[-1][0]
        result.files_checked += len(page)
        matches = matcher.match([(md5, sha1, sha256) for _, md5, sha1, sha256 in page])
        for (pk, *_), match in zip(page, matches, strict=True):
            if match is not None:
                found[(match.hashset, match.category)].append(pk)
    return found


def _apply(found: dict[tuple[str, str], list[int]], result: RematchResult) -> None:
    ids = sorted(pk for pks in found.values() for pk in pks)
    for (hashset, category), pks in found.items():
        result.by_category[category or "(none)"] = (
            result.by_category.get(category or "(none)", 0) + len(pks))
        for part_ids in chunks(pks):
            FileHash.objects.filter(pk__in=part_ids, hashset="").update(
                hashset=hashset, category=category)
    subject_ids: set[int] = set()
    for part_ids in chunks(ids):
        result.sightings_now_known += Sighting.objects.filter(
            file_id__in=part_ids, known=False).update(known=True)
        subject_ids.update(SubjectFile.objects.filter(file_id__in=part_ids).values_list(
            "subject_id", flat=True))
    result.files_now_known = len(ids)
    subjects = sorted(Subject.objects.filter(pk__in=subject_ids).exclude(
        status=SubjectStatus.MERGED).values_list("pk", flat=True))
    for group in chunks(subjects, SUBJECTS_AT_ONCE):
        recount(group)
        rebuild_presence(group)
    result.subjects = len(subjects)
    _audit(result, subjects)


def _audit(result: RematchResult, subjects: list[int]) -> None:
    """One event per force whose subjects changed, naming them (DPA 2018 s62 logging of
    alterations to the records)."""
    by_agency: dict[int, list[str]] = defaultdict(list)
    for pk, agency_id in Subject.objects.filter(pk__in=subjects).values_list(
            "pk", "owning_agency_id"):
        by_agency[agency_id].append(f"S-{pk:06d}")
    for agency in Agency.objects.filter(pk__in=by_agency):
        record(Actor(agency, name="command line: intel rematch"), "update", None,
               rematch=result.sets, files_now_known=result.files_now_known,
               by_category=result.by_category, subjects=sorted(by_agency[agency.pk]))
