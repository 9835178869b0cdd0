"""Known-good files set aside, known-bad files matched exactly by their digests.

Runs over records in batches so each hash set answers vectorised lookups. A file found in
both a known-good and a known-bad set is treated as known-bad, and a warning says so: an
indecent image must never be set aside because a software list also carries its digest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from .hashsets.model import KNOWN_BAD, KNOWN_GOOD
from .perceptual import (
    PerceptualOptions,
    PerceptualSet,
    awaits_comparison,
    match_perceptual,
    video_signatures,
)
from .records import DIGESTS, Match, Record, TriageWarning, WarningSink

if TYPE_CHECKING:
    from .hashsets import HashSet
    from .media.video import VideoSignature


# Digests consulted in this order: the ones exchange formats always carry come first.
_MATCH_ORDER = DIGESTS

BATCH = 4096


class Matcher:
    def __init__(
        self,
        hashsets: Sequence[HashSet],
        perceptual: PerceptualOptions | None = None,
    ) -> None:
        self.good = [h for h in hashsets if h.info.kind == KNOWN_GOOD]
        self.bad = [h for h in hashsets if h.info.kind == KNOWN_BAD]
        # Perceptual matching is off only when asked (None); sets without PDQ hashes or
        # video signatures take no part in it.
        self.perceptual = perceptual
        self.perceptual_sets: list[PerceptualSet] = []
        if perceptual is not None:
            for hs in self.bad:
                pset = PerceptualSet(hs)
                if not pset.empty:
                    self.perceptual_sets.append(pset)

    def match_batch(self, batch: list[Record], warn: WarningSink) -> dict[int, VideoSignature]:
        """Mark each record of `batch` with what the hash sets say of it; return the parsed
        signatures of its videos still awaiting comparison (video_signatures), by position:
        grouping takes them from here rather than parsing them again."""
        self.match_exact(batch, warn)
        # Known-good files are set aside: only the rest are compared by content.
        videos = video_signatures(batch)
        if self.perceptual is not None and self.perceptual_sets:
            match_perceptual(batch, self.perceptual_sets, self.perceptual, videos)
        return videos

    def match_exact(self, batch: list[Record], warn: WarningSink) -> None:
        """Known-good and known-bad lookups by digest."""
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
                            record.address,
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


# What matching decides for a record: kept for images and videos between the two passes.
_OUTCOME = (
    "known_good",
    "known_good_set",
    "match",
    "distance",
    "match_method",
    "hashset",
    "category",
    "series",
    "distributed",
    "victim_identified",
    "media_id",
)
_Outcome = tuple[object, ...]


def _outcome_of(record: Record) -> _Outcome:
    return tuple(getattr(record, name) for name in _OUTCOME)


def _apply(outcome: _Outcome, record: Record) -> None:
    for name, value in zip(_OUTCOME, outcome, strict=True):
        setattr(record, name, value)


def match_run(
    all_records: Callable[[], Iterable[Record]],
    media_records: Callable[[], Iterable[Record]],
    matcher: Matcher,
    warn: WarningSink,
) -> Iterator[Record]:
    """Every record, matched, with near-duplicate groups on unmatched media.

    Two passes: the images and videos first (matched, then the unmatched ones grouped:
    grouping needs them all), then every record in report order, media taking what the
    first pass decided so that no perceptual search is done twice.
    """
    media = match_media(media_records, matcher, warn)
    yield from apply_matches(all_records(), matcher, media, warn)


@dataclass
class MediaMatches:
    """What the first pass decided for the images and videos, by journal key: each one's
    outcome, and the near-duplicate group of each unmatched one. The second pass may run
    over any part of the records (reports/parts.py writes them in parts)."""

    outcomes: dict[str, _Outcome]
    groups: dict[str, str]


def match_media(media_records: Callable[[], Iterable[Record]], matcher: Matcher,
                warn: WarningSink) -> MediaMatches:
    """The first pass: every image and video matched, the unmatched ones grouped."""
    from .perceptual import group_images, group_videos, hex_to_array, usable_image

    outcomes: dict[str, _Outcome] = {}
    image_keys: list[str] = []
    image_hashes: list[str] = []
    image_variants: list[str] = []  # 7 a picture
    video_keys: list[str] = []
    videos: list[VideoSignature] = []
    options = matcher.perceptual or PerceptualOptions()
    media = iter(media_records())
    while batch := list(islice(media, BATCH)):
        signatures = matcher.match_batch(batch, warn)
        for position, record in enumerate(batch):
            key = record.address.key()
            if not awaits_comparison(record):
                outcomes[key] = _outcome_of(record)
            elif usable_image(record):
                image_keys.append(key)
                image_hashes.append(record.pdq)
                # A picture whose variants were not kept (an older journal resumed)
                # searches with its own hash in their place: nothing more is found for
                # it, and the others' mirrored copies still are.
                image_variants.extend(record.pdq_variants if len(record.pdq_variants) == 7
                                      else (record.pdq,) * 7)
            elif position in signatures:
                video_keys.append(key)
                videos.append(signatures[position])
    # Groups are numbered in report order of their first member, images then videos.
    groups: dict[str, str] = {}
    names: dict[tuple[str, int], str] = {}
    # Only when there are pictures: grouping loads numpy (~0.07 s), which a run without
    # them never needs.
    if image_keys:
        # Mirrored and rotated copies join their original's group (as they match it in a
        # set), unless dihedral matching is off.
        variants = (hex_to_array(image_variants).reshape(len(image_hashes), 7, 32)
                    if options.dihedral else None)
        first_members = group_images(hex_to_array(image_hashes), options.distance, variants)
        for key, first in zip(image_keys, first_members.tolist(), strict=True):
            groups[key] = names.setdefault(("image", first), f"G{len(names) + 1:05d}")
    for key, first in zip(video_keys, group_videos(videos, options), strict=True):
        groups[key] = names.setdefault(("video", first), f"G{len(names) + 1:05d}")
    return MediaMatches(outcomes, groups)


def apply_matches(records: Iterable[Record], matcher: Matcher, media: MediaMatches,
                  warn: WarningSink) -> Iterator[Record]:
    """The second pass, over `records` in report order: the other files matched by their
    digests, the images and videos given what the first pass decided."""
    it = iter(records)
    while batch := list(islice(it, BATCH)):
        others = [r for r in batch if not r.is_media]
        if others:
            matcher.match_exact(others, warn)
        for record in batch:
            if record.is_media:
                key = record.address.key()
                outcome = media.outcomes.get(key)
                if outcome is not None:
                    _apply(outcome, record)
                record.group = media.groups.get(key, "")
        yield from batch
