"""Exact-match indexes: per digest, sorted arrays on disk, searched through memory maps.

Layout, per digest present in the set (n = distinct digests):

    <digest>.keys     n × uint64 little-endian: the first 8 bytes of each digest, big-endian
                      read, so integer order is byte order; sorted ascending
    <digest>.digests  n × digest size bytes, in the same order: ties and proof of a match
    <digest>.rows     n × uint32 (or int64 past 4 G rows): the entry row of each digest

A lookup sorts its queries, runs one `np.searchsorted` over the keys (sorted queries walk
the map nearly in order, which is ten times faster than random ones), then confirms each
candidate against its full digest. Nothing is loaded: the OS pages in what is touched.

Building must work for sets larger than memory, so chunks are scattered into buckets by
their first bits as they arrive; each bucket is then sorted on its own and appended.
Peak memory is about one bucket, 1/64 of the set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..hashing import DIGEST_SIZES
from .formats.base import Chunk
from .hexcodec import U8, prefix_keys

I64 = npt.NDArray[np.int64]

BUCKET_BITS = 6
BUCKETS = 1 << BUCKET_BITS
# Queries handled per searchsorted call: bounds the temporary arrays of a huge batch.
LOOKUP_BATCH = 1 << 20
KEYS, DIGESTS, ROWS = "keys", "digests", "rows"


def _record(size: int) -> np.dtype[np.void]:
    return np.dtype([("d", np.uint8, (size,)), ("r", "<i8")])


def index_files(name: str) -> tuple[str, str, str]:
    return f"{name}.{KEYS}", f"{name}.{DIGESTS}", f"{name}.{ROWS}"


@dataclass(slots=True)
class DigestStats:
    count: int  # distinct digests in the index
    duplicates: int  # rows whose digest an earlier row already had


class IndexBuilder:
    """Receives chunks in file order, numbers their rows, and writes the sorted indexes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.rows = 0  # rows numbered so far; the next chunk starts here
        self._present: set[str] = set()

    def add(self, chunk: Chunk) -> int:
        """Scatter the chunk's digests into buckets; return its first row number."""
        first = self.rows
        rows = np.arange(first, first + chunk.count, dtype=np.int64)
        for name, (values, present) in chunk.digests.items():
            if not present.any():
                continue
            self._present.add(name)
            self._scatter(name, values[present], rows[present])
        self.rows += chunk.count
        return first

    def _scatter(self, name: str, values: U8, rows: I64) -> None:
        records = np.empty(len(rows), dtype=_record(DIGEST_SIZES[name]))
        records["d"] = values
        records["r"] = rows
        bucket = values[:, 0] >> (8 - BUCKET_BITS)
        order = np.argsort(bucket, kind="stable")  # stable: file order within a bucket
        records = records[order]
        bounds = np.searchsorted(bucket[order], np.arange(BUCKETS + 1))
        for b in range(BUCKETS):
            lo, hi = int(bounds[b]), int(bounds[b + 1])
            if lo < hi:
                with open(self._bucket(name, b), "ab") as out:
                    records[lo:hi].tofile(out)

    def _bucket(self, name: str, b: int) -> Path:
        return self.folder / f"{name}.bucket{b:02d}"

    def finish(self) -> tuple[str, dict[str, DigestStats]]:
        """Sort every bucket into the final files; return the row dtype and the stats."""
        row_dtype = "<u4" if self.rows < 2**32 else "<i8"
        stats: dict[str, DigestStats] = {}
        for name in sorted(self._present):
            stats[name] = self._finish_digest(name, np.dtype(row_dtype))
        return row_dtype, stats

    def _finish_digest(self, name: str, row_dtype: np.dtype[np.generic]) -> DigestStats:
        size = DIGEST_SIZES[name]
        count = duplicates = 0
        paths = [self.folder / f for f in index_files(name)]
        with (
            paths[0].open("wb") as keys_out,
            paths[1].open("wb") as dig_out,
            paths[2].open("wb") as rows_out,
        ):
            for b in range(BUCKETS):
                path = self._bucket(name, b)
                if not path.exists():
                    continue
                records = np.fromfile(path, dtype=_record(size))
                path.unlink()
                digests, rows = records["d"], records["r"]
                keys = prefix_keys(digests)
                # Stable: of rows with the same digest the first in the file comes first
                # and is the one kept, so a lookup answers the first entry listed.
                order = np.argsort(keys, kind="stable")
                keys, digests, rows = keys[order], digests[order], rows[order]
                keep = ~_repeats(keys, digests)
                duplicates += len(keep) - int(keep.sum())
                keys.astype("<u8")[keep].tofile(keys_out)
                np.ascontiguousarray(digests[keep]).tofile(dig_out)
                rows[keep].astype(row_dtype).tofile(rows_out)
                count += int(keep.sum())
        return DigestStats(count, duplicates)


def _repeats(keys: npt.NDArray[np.uint64], digests: U8) -> npt.NDArray[np.bool_]:
    """Rows whose digest equals the previous row's (sorted by key, so repeats are adjacent
    unless two different digests share a 64-bit prefix between them: then a repeat may be
    kept, which costs a little space and never a wrong answer)."""
    same = np.zeros(len(keys), dtype=np.bool_)
    tie = np.flatnonzero(keys[1:] == keys[:-1]) + 1
    if len(tie):
        same[tie] = (digests[tie] == digests[tie - 1]).all(axis=1)
    return same


class DigestIndex:
    """One digest's sorted arrays, memory-mapped read-only."""

    def __init__(self, folder: Path, name: str, count: int, row_dtype: str) -> None:
        self.name = name
        self.size = DIGEST_SIZES[name]
        self.count = count
        if count == 0:
            self.keys: npt.NDArray[np.uint64] = np.zeros(0, dtype=np.uint64)
            self.digests: U8 = np.zeros((0, self.size), dtype=np.uint8)
            self.rows: npt.NDArray[np.integer] = np.zeros(0, dtype=np.int64)
            return
        k, d, r = (folder / f for f in index_files(name))
        self.keys = np.memmap(k, dtype="<u8", mode="r", shape=(count,))
        self.digests = np.memmap(d, dtype=np.uint8, mode="r", shape=(count, self.size))
        self.rows = np.memmap(r, dtype=row_dtype, mode="r", shape=(count,))

    def find(self, queries: U8) -> I64:
        """Row of each (m, size) query digest, -1 where absent."""
        out = np.full(len(queries), -1, dtype=np.int64)
        if self.count == 0:
            return out
        for lo in range(0, len(queries), LOOKUP_BATCH):
            batch = queries[lo : lo + LOOKUP_BATCH]
            out[lo : lo + len(batch)] = self._find(batch)
        return out

    def _find(self, queries: U8) -> I64:
        qkeys = prefix_keys(queries)
        order = np.argsort(qkeys)
        qkeys = qkeys[order]
        pos = np.searchsorted(self.keys, qkeys, side="left")
        at = np.minimum(pos, self.count - 1)
        candidate = (pos < self.count) & (self.keys[at] == qkeys)
        hit = candidate.copy()
        idx = np.flatnonzero(candidate)
        hit[idx] = (self.digests[at[idx]] == queries[order[idx]]).all(axis=1)
        found = np.where(hit, self.rows[at].astype(np.int64), -1)
        # Same 64-bit prefix, different digest: look further along the run of equal keys.
        for i in np.flatnonzero(candidate & ~hit).tolist():
            found[i] = self._scan(int(pos[i]) + 1, int(qkeys[i]), queries[order[i]])
        out = np.empty(len(queries), dtype=np.int64)
        out[order] = found
        return out

    def _scan(self, start: int, key: int, digest: U8) -> int:
        j = start
        while j < self.count and int(self.keys[j]) == key:
            if bool((self.digests[j] == digest).all()):
                return int(self.rows[j])
            j += 1
        return -1


def file_sizes(folder: Path, names: list[str]) -> dict[str, int]:
    """Byte size of each index file, recorded so that a damaged index is noticed."""
    sizes: dict[str, int] = {}
    for name in names:
        for f in index_files(name):
            path = folder / f
            sizes[f] = os.path.getsize(path) if path.exists() else -1
    return sizes
