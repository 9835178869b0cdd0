"""Known-good files set aside, known-bad files matched exactly by their digests.

Runs over records in batches so each hash set answers vectorised lookups. A file found in
both a known-good and a known-bad set is treated as known-bad, and a warning says so: an
indecent image must never be set aside because a software list also carries its digest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING

from .records import Match, Record, TriageWarning, WarningSink

if TYPE_CHECKING:
    from .hashsets import HashSet

KNOWN_GOOD = "known-good"
KNOWN_BAD = "known-bad"

# Digests consulted in this order: the ones exchange formats always carry come first.
_MATCH_ORDER = ("md5", "sha1", "sha256")

BATCH = 4096


class Matcher:
    def __init__(self, hashsets: Sequence[HashSet]) -> None:
        self.good = [h for h in hashsets if h.info.kind == KNOWN_GOOD]
        self.bad = [h for h in hashsets if h.info.kind == KNOWN_BAD]

    def match_all(self, records: Iterable[Record], warn: WarningSink) -> Iterator[Record]:
        """Yield `records` in order, each marked with what the hash sets say of it."""
        it = iter(records)
        while batch := list(islice(it, BATCH)):
            self.match_batch(batch, warn)
            yield from batch

    def match_batch(self, batch: list[Record], warn: WarningSink) -> None:
        for hs in self.good:
            for index in self._hits(hs, batch):
                record = batch[index]
                if not record.known_good:
                    record.known_good = True
                    record.known_good_set = hs.info.name
        for hs in self.bad:
            for index, row in self._rows(hs, batch):
                record = batch[index]
                if record.match is not Match.NONE:
                    continue  # an earlier set on the command line already matched it
                entry = hs.entry(row)
                record.match = Match.EXACT
                record.distance = 0
                record.hashset = hs.info.name
                record.category = entry.category or ""
                record.series = entry.series or ""
                record.distributed = bool(entry.distributed)
                record.victim_identified = bool(entry.victim_identified)
                record.media_id = str(entry.media_id or "")
                if record.known_good:
                    warn(
                        TriageWarning(
                            str(record.address),
                            "match",
                            f"in known-good set {record.known_good_set!r} and known-bad set "
                            f"{hs.info.name!r}: treated as known-bad",
                        )
                    )
                    record.known_good = False
                    record.known_good_set = ""

    def _hits(self, hs: HashSet, batch: list[Record]) -> set[int]:
        return {index for index, _row in self._rows(hs, batch)}

    def _rows(self, hs: HashSet, batch: list[Record]) -> list[tuple[int, int]]:
        """(record index, set row) for each record the set holds, first digest that hits."""
        found: dict[int, int] = {}
        for digest in _MATCH_ORDER:
            if digest not in hs.info.digests:
                continue
            positions = [i for i, r in enumerate(batch) if i not in found and digest in r.digests]
            if not positions:
                continue
            rows = hs.lookup(digest, [batch[i].digests[digest] for i in positions])
            for i, row in zip(positions, rows.tolist(), strict=True):
                if row >= 0:
                    found[i] = int(row)
        return sorted(found.items())
