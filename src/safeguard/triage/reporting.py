"""A finished run's records, matched, into the report writers: in one pass, or, for a large
run on a machine with several cores, in parts written side by side (reports/parts.py).

Three steps need every image and video of the run before any row is written: matching's
first pass (each medium matched, then the unmatched ones grouped), the search for
thumbnails whose original is gone, and the search for carved files the file system lists.
They run once, here; what they decide is applied to each record where its row is made.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from .embedded.originals import apply_originals, originals_found
from .journal import Journal
from .matching import Matcher, MediaMatches, apply_matches, match_media
from .perceptual import PerceptualOptions
from .records import Record, WarningSink

if TYPE_CHECKING:
    from .pipeline import TriageOptions
    from .reports import RecordsPart, Summary
    from .results import TriageResult

# Fewer records than this a part, and starting its process and merging what it sends back
# cost more than writing its rows saves.
PART_RECORDS = 5000


class _Decided:
    """What the steps over every medium decided, for one record at a time."""

    def __init__(self, journal: Journal, options: TriageOptions, warn: WarningSink) -> None:
        def media() -> Iterable[Record]:
            return journal.records(media_only=True)

        self.carved: set[str] = set()
        if options.carve:
            # Imported only when asked for, as carving itself is (pipeline._entries).
            from .carving import listed_carved

            self.carved = listed_carved(media)
        distance = (options.perceptual or PerceptualOptions()).distance
        # Thumbnails whose original is not on the evidence (issue 17).
        self.originals = originals_found(media, distance)
        self.matcher = Matcher(options.hashsets, options.perceptual)
        self.media: MediaMatches = match_media(media, self.matcher, warn)

    def apply(self, records: Iterable[Record], warn: WarningSink) -> Iterator[Record]:
        matched = apply_matches(records, self.matcher, self.media, warn)
        if self.originals is not None:
            # None: no thumbnail to look at, and one generator less a record.
            matched = apply_originals(matched, self.originals)
        if not self.carved:
            return matched
        from .carving import drop_carved

        return drop_carved(matched, self.carved)


def part_count(records: int, options: TriageOptions) -> int:
    """How many parts the run's `records` are reported in: one a core (never more than the
    run's workers), each of at least PART_RECORDS records."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # the parts share what was decided by being forked (not on Windows)
    cores = max(1, min(options.workers, os.cpu_count() or 1))
    return max(1, min(cores, records // PART_RECORDS))


def write_run_reports(journal: Journal, options: TriageOptions,
                      result: TriageResult) -> tuple[dict[str, Path], Summary]:
    """Every report of the run into options.out_dir; `result` has all but its records,
    and its `warnings` receive matching's."""
    from .reports import PartFailed, write_reports_in_parts, write_reports_with_summary

    warn = result.warnings.append
    records = journal.count()
    parts = part_count(records, options)
    if parts < 2:
        def every_record() -> Iterator[Record]:
            # Lazily, as the writers read it: the steps over every medium run first.
            yield from _Decided(journal, options, warn).apply(journal.records(), warn)

        result.records = every_record()
        return write_reports_with_summary(options.out_dir, result)
    decided = _Decided(journal, options, warn)
    bounds = journal.part_bounds(parts, records)
    try:
        return write_reports_in_parts(options.out_dir, result, [
            _part(journal.path, decided, first, end) for first, end in pairwise(bounds)])
    except PartFailed:
        # The journal holds every record: the same reports, in one pass (what was decided
        # over the media is kept, so its warnings are not raised twice).
        result.records = decided.apply(journal.records(), warn)
        return write_reports_with_summary(options.out_dir, result)


def _part(path: Path, decided: _Decided, first: bytes | None, end: bytes | None
          ) -> RecordsPart:
    def records(warn: WarningSink) -> Iterable[Record]:
        # In the process writing the part: a connection of its own, never the run's.
        return decided.apply(Journal(path, readonly=True).records_between(first, end), warn)

    return records


__all__ = ["PART_RECORDS", "part_count", "write_run_reports"]
