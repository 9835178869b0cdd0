"""Perceptual matching and near-duplicate groups (issue 3).

A still image matches a known-bad entry when its PDQ hash, or one of its seven dihedral
variants (rotations and flips), is within the distance threshold of the entry's PDQ; a
video matches when enough of its frames match one known video (domain.md's vPDQ rule).
Such a match is reported as `perceptual` with its distance, never as an identical file.

Unmatched media are grouped by near-duplicate, so a reviewer sees each scene once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .media import MATCH_DISTANCE, QUALITY_MIN, VIDEO_FRACTION
from .records import FileType, Match, Record

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from .hashsets import HashSet
    from .hashsets.model import HashEntry
    from .media.pdq_index import PdqIndex
    from .media.video import VideoSignature

DEFAULT_DISTANCE = MATCH_DISTANCE
PDQ_INDEX_DIR = "pdq-index"


@dataclass(frozen=True, slots=True)
class PerceptualOptions:
    """How perceptual matching and grouping decide: the largest PDQ distance that counts
    as the same picture (a frame, for videos), whether rotated and mirrored copies count,
    and the share of a video's frames that must match."""

    distance: int = DEFAULT_DISTANCE
    dihedral: bool = True
    video_fraction: float = VIDEO_FRACTION

    def to_json(self) -> dict[str, Any]:
        """The options as a JSON object, keyed by field name (the web platform stores it)."""
        return {"distance": self.distance, "dihedral": self.dihedral,
                "video_fraction": self.video_fraction}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PerceptualOptions:
        """to_json's inverse. A missing key takes its default, and keys of other options
        stored beside these are ignored. `pdq_distance` is read for `distance`: the name
        the web platform stored it under before. UsageError for a value out of range."""
        distance = data.get("distance", data.get("pdq_distance", DEFAULT_DISTANCE))
        fraction = data.get("video_fraction", VIDEO_FRACTION)
        if isinstance(distance, bool) or not isinstance(distance, int) \
                or not 0 <= distance <= 256:
            raise UsageError(f"perceptual distance must be a whole number 0-256: {distance!r}")
        if isinstance(fraction, bool) or not isinstance(fraction, int | float) \
                or not 0 < fraction <= 1:
            raise UsageError(f"video fraction must be above 0 and at most 1: {fraction!r}")
        return cls(distance=distance, dihedral=bool(data.get("dihedral", True)),
                   video_fraction=float(fraction))


def hex_to_array(hexes: Sequence[str]) -> NDArray[np.uint8]:
    """64-hex PDQ strings as an (n, 32) uint8 array."""
    # numpy here and below, not at the top: PerceptualOptions loads with the package on
    # every triage's start-up, and a run without perceptual hashing never compares.
    import numpy as np

    if not hexes:
        return np.zeros((0, 32), dtype=np.uint8)
    return np.frombuffer(bytes.fromhex("".join(hexes)), dtype=np.uint8).reshape(-1, 32)


def usable_image(record: Record) -> bool:
    return (
        record.file_type is FileType.IMAGE
        and bool(record.pdq)
        and (record.pdq_quality or 0) >= QUALITY_MIN
    )


class PerceptualSet:
    """A known-bad set's perceptual side: its PDQ index (built once, kept beside the set
    and rebuilt only when the set's PDQ hashes change) and its video signatures."""

    def __init__(self, hashset: HashSet) -> None:
        import numpy as np  # not at the top: see hex_to_array

        from .media.pdq_index import build_or_load
        from .media.video import VideoSignature

        self.hashset = hashset
        pdq = list(hashset.pdq_entries())
        self.rows = np.array([row for row, _ in pdq], dtype=np.int64)
        self.index: PdqIndex | None = None
        if pdq:
            hashes = hex_to_array([value for _, value in pdq])
            self.index = build_or_load(Path(hashset.folder) / PDQ_INDEX_DIR, hashes)
        self.videos: dict[int, VideoSignature] = {
            row: VideoSignature.from_json(text) for row, text in hashset.vpdq_entries()
        }

    @property
    def empty(self) -> bool:
        return self.index is None and not self.videos


@dataclass(slots=True)
class _Best:
    distance: float
    order: int  # the set's position on the command line breaks ties
    pset: PerceptualSet
    row: int
    # What matched (Record.match_method): "pdq" (a picture), "vpdq" (a video's whole
    # frames) or "regions" (a video's frame regions: an altered copy, video_regions.py).
    method: str = "pdq"


def awaits_comparison(record: Record) -> bool:
    """Whether perceptual matching and grouping look at `record`: neither matched exactly
    nor set aside as known-good."""
    return record.match is Match.NONE and not record.known_good


def video_signatures(batch: Sequence[Record]) -> dict[int, VideoSignature]:
    """The parsed vPDQ signature of each video of `batch` awaiting comparison, by position:
    parsed once, for matching and then for grouping."""
    positions = [i for i, r in enumerate(batch)
                 if awaits_comparison(r) and r.file_type is FileType.VIDEO and r.vpdq]
    if not positions:
        return {}  # without loading PyAV (~0.05 s), which a run without videos never needs
    from .media.video import VideoSignature

    return {i: VideoSignature.from_json(batch[i].vpdq) for i in positions}


def match_perceptual(
    batch: Sequence[Record], sets: Sequence[PerceptualSet], options: PerceptualOptions,
    videos: Mapping[int, VideoSignature],
) -> None:
    """Mark records of `batch` awaiting comparison that are visually the same as an entry
    of one of `sets` (the closest entry wins). `videos`: video_signatures(batch)."""
    best: dict[int, _Best] = {}
    images = [i for i, r in enumerate(batch) if awaits_comparison(r) and usable_image(r)]
    if images:
        _match_images(batch, images, sets, options, best)
    if videos:
        _match_videos(videos, sets, options, best)
    for index, found in best.items():
        record = batch[index]
        entry = found.pset.hashset.entry(found.row)
        _apply(record, found.pset.hashset.info.name, entry, round(found.distance),
               found.method)


def _match_images(
    batch: Sequence[Record],
    images: list[int],
    sets: Sequence[PerceptualSet],
    options: PerceptualOptions,
    best: dict[int, _Best],
) -> None:
    import numpy as np  # not at the top: see hex_to_array

    owners: list[int] = []
    hexes: list[str] = []
    for i in images:
        record = batch[i]
        variants = (record.pdq, *record.pdq_variants) if options.dihedral else (record.pdq,)
        hexes.extend(variants)
        owners.extend([i] * len(variants))
    queries = hex_to_array(hexes)
    owner = np.array(owners, dtype=np.int64)
    for order, pset in enumerate(sets):
        if pset.index is None:
            continue
        result = pset.index.search(queries, max_distance=options.distance)
        for q, (ids, distances) in enumerate(result):
            if not len(ids):
                continue
            # Results come ordered by distance, then id: the first is the closest.
            distance = int(distances[0])
            i = int(owner[q])
            current = best.get(i)
            if current is None or (distance, order) < (current.distance, current.order):
                best[i] = _Best(distance, order, pset, int(pset.rows[int(ids[0])]))


def _match_videos(
    videos: Mapping[int, VideoSignature],
    sets: Sequence[PerceptualSet],
    options: PerceptualOptions,
    best: dict[int, _Best],
) -> None:
    from .media.video import match_videos

    for i, query in videos.items():
        for order, pset in enumerate(sets):
            if not pset.videos:
                continue
            found = match_videos(
                query,
                pset.videos,
                frame_threshold=options.distance,
                video_fraction=options.video_fraction,
            )
            if found:
                top = found[0]
                current = best.get(i)
                if current is None or (top.median_distance, order) < (
                    current.distance,
                    current.order,
                ):
                    best[i] = _Best(top.median_distance, order, pset, int(top.key),
                                    top.method)


def _apply(record: Record, set_name: str, entry: HashEntry, distance: int,
           method: str) -> None:
    record.match = Match.PERCEPTUAL
    record.distance = distance
    record.match_method = method
    record.hashset = set_name
    record.category = entry.category or ""
    record.series = entry.series or ""
    record.distributed = bool(entry.distributed)
    record.victim_identified = bool(entry.victim_identified)
    record.media_id = str(entry.media_id or "")


class _UnionFind:
    def __init__(self, n: int) -> None:
        import numpy as np  # not at the top: see hex_to_array

        self.parent = np.arange(n, dtype=np.int64)

    def find(self, a: int) -> int:
        parent = self.parent
        root = a
        while parent[root] != root:
            root = int(parent[root])
        while parent[a] != root:  # path compression keeps later finds short
            parent[a], a = root, int(parent[a])
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller position becomes the root: a group is named by its first member.
            self.parent[max(ra, rb)] = min(ra, rb)


def group_images(
    hashes: NDArray[np.uint8],
    distance: int = DEFAULT_DISTANCE,
    variants: NDArray[np.uint8] | None = None,
) -> NDArray[np.int64]:
    """For n PDQ hashes (in report order), the position of each one's group's first
    member: two images share a group when a chain of near-duplicates joins them.

    `variants` (n, 7, 32), each image's other dihedral hashes (rotations, mirrors), are
    searched too, so that a mirrored or rotated copy joins its original's group, as it
    would match the original in a hash set (--no-dihedral leaves them out).
    """
    import numpy as np  # not at the top: see hex_to_array

    n = len(hashes)
    groups = _UnionFind(n)
    if n > 1:
        # Imported here: the index loads numba (~0.2 s), which a run without pictures
        # never needs.
        from .media.pdq_index import PdqIndex

        index = PdqIndex(np.ascontiguousarray(hashes))
        queries = hashes if variants is None else np.concatenate(
            [hashes, variants.reshape(-1, 32)])
        owners = np.arange(n) if variants is None else np.concatenate(
            [np.arange(n), np.repeat(np.arange(n), variants.shape[1])])
        result = index.search(np.ascontiguousarray(queries), max_distance=distance)
        for q, (ids, _distances) in enumerate(result):
            owner = int(owners[q])
            for other in ids.tolist():
                if other != owner:
                    groups.union(owner, int(other))
    return np.array([groups.find(i) for i in range(n)], dtype=np.int64)


def group_videos(signatures: Sequence[VideoSignature], options: PerceptualOptions) -> list[int]:
    """As group_images, for videos: joined when one matches the other by the vPDQ rule."""
    if not signatures:
        return []  # without loading PyAV (~0.05 s), which a run without videos never needs
    from .media.video import match_videos

    groups = _UnionFind(len(signatures))
    for i, query in enumerate(signatures):
        others = {j: s for j, s in enumerate(signatures) if j > i}
        for found in match_videos(
            query, others, frame_threshold=options.distance, video_fraction=options.video_fraction
        ):
            groups.union(i, int(found.key))
    return [groups.find(i) for i in range(len(signatures))]
