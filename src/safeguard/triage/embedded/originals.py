"""Is a thumbnail's original still on the evidence? Decided when the reports are written,
once every file is known.

A thumbnail whose original is gone is evidence of possession of a picture that was
deleted: files.csv flags it `original_not_found`. The original is looked for
- by path where the cache records one (Thumbs.db): a live file (not deleted, carved,
  a thumbnail or found inside another file) at that path, in the same evidence,
  partition and archive, compared ignoring case (Windows paths);
- otherwise by picture (thumbcache keeps no path): a live picture of the same evidence
  whose PDQ hash is within the run's distance of the thumbnail's. With perceptual
  hashing off, such a thumbnail is never flagged: nothing can be compared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..records import Record

_PathKey = tuple[str, str, tuple[str, ...], str]
# Pictures compared per step, times thumbnails: bounds the comparison's memory (~8 MiB).
_PAIRS = 1 << 18


@dataclass(slots=True)
class _Thumbnail:
    key: str
    evidence: str
    pdq: bytes
    found: bool = False


def _path_key(record: Record, path: str, *, outside: int = 0) -> _PathKey:
    """Where a file is; `outside`=1 for a thumbnail: its original lies beside the cache,
    outside it (the cache is the last archive of the thumbnail's chain)."""
    a = record.address
    return (a.evidence, a.partition, a.archive[:len(a.archive) - outside], path.casefold())


def _live(record: Record) -> bool:
    return not (record.deleted or record.carved or record.thumbnail or record.embedded)


def originals_found(media: Callable[[], Iterable[Record]], distance: int) -> set[str] | None:
    """The journal keys of the thumbnails whose original is on the evidence; None when the
    run found no thumbnail to ask about (nothing to mark). `media` gives the run's images
    and videos again (two passes over them, only when the run found thumbnails)."""
    by_path: dict[_PathKey, list[str]] = {}
    by_picture: list[_Thumbnail] = []
    for record in media():
        if not record.thumbnail:
            continue
        key = record.address.key()
        if record.original_path:
            by_path.setdefault(_path_key(record, record.original_path, outside=1), []).append(key)
        elif record.pdq:
            by_picture.append(_Thumbnail(key, record.address.evidence,
                                         bytes.fromhex(record.pdq)))
    if not by_path and not by_picture:
        return None
    return _search(media, by_path, by_picture, distance)


def apply_originals(records: Iterable[Record], found: set[str] | None) -> Iterator[Record]:
    """`records` (any part of them, in order) with `original_not_found` set from `found`."""
    if found is None:
        yield from records
        return
    for record in records:
        if record.thumbnail and (record.original_path or record.pdq):
            record.original_not_found = record.address.key() not in found
        yield record


def _search(media: Callable[[], Iterable[Record]], by_path: dict[_PathKey, list[str]],
            by_picture: list[_Thumbnail], distance: int) -> set[str]:
    # numpy and its table here, not at the top: this module loads on every triage's
    # start-up, and only a run that found thumbnails searches.
    import numpy as np

    popcount = np.array([bin(n).count("1") for n in range(256)], dtype=np.uint16)
    found: set[str] = set()
    hashes = (np.frombuffer(b"".join(t.pdq for t in by_picture), dtype=np.uint8)
              .reshape(len(by_picture), 32) if by_picture else None)
    evidence = np.array([t.evidence for t in by_picture], dtype=object)
    pending: list[tuple[str, bytes]] = []
    step = max(1, _PAIRS // max(1, len(by_picture)))

    def compare() -> None:
        if hashes is None or not pending:
            return
        batch = np.frombuffer(b"".join(p for _, p in pending), dtype=np.uint8)
        batch = batch.reshape(len(pending), 32)
        bits = popcount[batch[:, None, :] ^ hashes[None, :, :]].sum(axis=2)
        for row, (where, _) in enumerate(pending):
            for column in np.nonzero((bits[row] <= distance) & (evidence == where))[0]:
                by_picture[column].found = True
        pending.clear()

    for record in media():
        if not _live(record):
            continue
        keys = by_path.get(_path_key(record, record.address.path))
        if keys:
            found.update(keys)
        if hashes is not None and record.pdq:
            pending.append((record.address.evidence, bytes.fromhex(record.pdq)))
            if len(pending) >= step:
                compare()
    compare()
    found.update(t.key for t in by_picture if t.found)
    return found
