"""An exact index of 256-bit PDQ hashes: every indexed hash within a Hamming distance.

    index = build_or_load(case_dir / "pdq-index", hashes)     # (N, 32) uint8, row = id
    result = index.search(queries, max_distance=31)            # (Q, 32) uint8
    for q, (ids, distances) in enumerate(result): ...

Recall is 100 %: the result is exactly what a linear scan returns, for any max_distance
0..256. Up to 31 (PDQ's match threshold, and beyond while it pays) the search is exact
multi-index hashing (`_mih.py` explains the pigeonhole argument); where probing would cost
more than reading every hash (for large distances) it *is* a linear scan, still exact.

The substring plan follows the index size (`_mih.plan_for`): 16 substrings of 16 bits, as
Meta's matcher uses, up to about a million hashes; fewer, longer substrings above that,
where 16-bit buckets fill up and fetching their rows at random dominates. At 10 million
hashes a 16-bit bucket holds 153 rows and a query at m=16 fetches ~41,600 of them; the
plan picked there (m=11, 23/24-bit substrings) probes ~2,900 buckets for ~2,900 rows, and
answers 4 to 6 times as many queries a second for 28 % more memory (docs/benchmarks.md).
`m=16` can still be forced.

A saved index is a folder of .npy files, memory-mapped on load, and a manifest carrying
the SHA-256 of the hashes it was built from, so a stale index is detected, not used.
Only little-endian machines are supported (the tables are keyed on native uint64 words).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray

from safeguard.triage.errors import SafeguardError, UsageError
from safeguard.triage.media import MATCH_DISTANCE

from . import _mih
from ._mih import Plan, plan_for

FORMAT = "safeguard.pdq-index"
VERSION = 1
MANIFEST = "manifest.json"
HASH_BYTES = 32
DEFAULT_MAX_DISTANCE = MATCH_DISTANCE
_FILES = ("hashes.npy", "ids.npy", "offsets.npy")
# Queries per task on the thread pool: small enough to spread a batch over the cores,
# large enough that the per-task overhead (~50 µs) is noise against ~0.2 ms a query.
_CHUNK = 64

Method = Literal["auto", "mih", "linear"]
_T = TypeVar("_T")
_A = TypeVar("_A", bound=np.generic)
_R = TypeVar("_R")
# A chunk's matches: query numbers, rows, distances.
_Found = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int32]]


class IndexFormatError(SafeguardError):
    """The folder does not hold a usable index (missing, interrupted save, other version)."""


class StaleIndexError(SafeguardError):
    """The saved index was built from other hashes than the ones it is asked to serve."""


def sha256_of(hashes: NDArray[np.uint8]) -> str:
    """SHA-256 of the hashes' bytes, row after row: what a manifest records."""
    return hashlib.sha256(np.ascontiguousarray(hashes).data).hexdigest()


@dataclass(frozen=True)
class SearchResult:
    """Matches of a batch of queries, CSR style; also a sequence of (ids, distances).

    Query q's matches are `ids[offsets[q]:offsets[q+1]]` with `distances` alongside,
    ordered by distance, then id. `result[q]` returns that pair of arrays.
    """

    offsets: NDArray[np.int64]  # (Q+1,)
    ids: NDArray[np.int64]  # row numbers in the index
    distances: NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, q: int) -> tuple[NDArray[np.int64], NDArray[np.int32]]:
        if not -len(self) <= q < len(self):
            raise IndexError(q)
        q %= len(self)
        start, stop = self.offsets[q], self.offsets[q + 1]
        return self.ids[start:stop], self.distances[start:stop]

    def __iter__(self) -> Iterator[tuple[NDArray[np.int64], NDArray[np.int32]]]:
        return (self[q] for q in range(len(self)))

    @property
    def counts(self) -> NDArray[np.int64]:
        """Matches per query."""
        return np.diff(self.offsets)

    @property
    def query_numbers(self) -> NDArray[np.int64]:
        """The query each match belongs to (alongside `ids`)."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.counts)


class PdqIndex:
    """Exact Hamming-distance search over a fixed array of 256-bit hashes."""

    def __init__(
        self,
        hashes: NDArray[np.uint8],
        *,
        m: int | None = None,
        threads: int | None = None,
    ) -> None:
        """Build the tables (seconds for 10 million hashes). Row number = id.

        m: number of substrings (11..16); None picks the fastest for the index's size.
        threads: for building and searching; None uses every core this process may use.
        """
        hashes = _check_hashes(hashes, "hashes")
        if m is not None and not _mih.MIN_M <= m <= _mih.MAX_M:
            raise UsageError(f"m must be {_mih.MIN_M}..{_mih.MAX_M}, not {m}")
        plan = plan_for(len(hashes), m)
        self._threads = _threads(threads)
        ids = np.empty((plan.m, len(hashes)), np.int32)
        offsets = np.empty(int(plan.table_starts[-1]), np.int32)
        words = _readonly(hashes).view(np.uint64)

        def build(j: int) -> None:
            start, stop = plan.table_starts[j], plan.table_starts[j + 1]
            _mih.build_table(words, int(plan.starts[j]), plan.bits[j], offsets[start:stop], ids[j])

        self._run(build, range(plan.m))
        self._set(plan, hashes, ids, offsets, sha256=None)

    # --- construction from parts (load) ---------------------------------------------------

    @classmethod
    def _from_parts(
        cls,
        plan: Plan,
        hashes: NDArray[np.uint8],
        ids: NDArray[np.int32],
        offsets: NDArray[np.int32],
        sha256: str,
        threads: int | None,
    ) -> PdqIndex:
        index = cls.__new__(cls)
        index._threads = _threads(threads)
        index._set(plan, hashes, ids, offsets, sha256)
        return index

    def _set(
        self,
        plan: Plan,
        hashes: NDArray[np.uint8],
        ids: NDArray[np.int32],
        offsets: NDArray[np.int32],
        sha256: str | None,
    ) -> None:
        # Read-only everywhere (built or memory-mapped), which also means one compiled
        # variant of each kernel rather than one for writable and one for mapped arrays.
        self._plan = plan
        self._hashes = _readonly(hashes)
        self._words = self._hashes.view(np.uint64)
        self._ids = _readonly(ids)
        self._offsets = _readonly(offsets)
        self._sha256 = sha256

    # --- facts ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._hashes)

    @property
    def m(self) -> int:
        return self._plan.m

    @property
    def substring_bits(self) -> tuple[int, ...]:
        return self._plan.bits

    @property
    def hashes(self) -> NDArray[np.uint8]:
        """The indexed hashes (read-only); row number = id."""
        return self._hashes

    @property
    def sha256(self) -> str:
        """SHA-256 of the indexed hashes (computed once, on first use, unless loaded)."""
        if self._sha256 is None:
            self._sha256 = sha256_of(self._hashes)
        return self._sha256

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays: hashes, row numbers, bucket offsets."""
        return self._hashes.nbytes + self._ids.nbytes + self._offsets.nbytes

    # --- search -------------------------------------------------------------------------

    def search(
        self,
        queries: NDArray[np.uint8],
        max_distance: int = DEFAULT_MAX_DISTANCE,
        *,
        method: Method = "auto",
    ) -> SearchResult:
        """Every indexed hash within max_distance (inclusive) of each query.

        queries: (Q, 32) uint8. Batches are efficient (a thread pool takes 64 queries a
        task), so pass a file's 8 dihedral variants, or many files', in one call.
        method: "auto" probes the tables unless a linear scan is estimated cheaper (large
        max_distance); "mih" and "linear" force one (both exact; for tests and benchmarks).
        """
        queries = _check_hashes(queries, "queries")
        if isinstance(max_distance, bool) or not isinstance(max_distance, int | np.integer):
            raise UsageError(f"max_distance must be an integer, not {max_distance!r}")
        max_distance = int(max_distance)
        if not 0 <= max_distance <= 256:
            raise UsageError(f"max_distance must be 0..256, not {max_distance}")
        if method not in ("auto", "mih", "linear"):
            raise UsageError(f"unknown search method {method!r}")
        # A private copy: always writable and contiguous, so one compiled kernel variant.
        qwords = np.array(queries, dtype=np.uint8, order="C").view(np.uint64)
        if len(qwords) == 0 or len(self) == 0:
            return _collect([], len(queries))
        probeable = self._plan.probe_count(max_distance) <= _mih.MAX_PROBES
        if method == "auto":
            probe = self._plan.cost_ns(len(self), max_distance)
            cheaper = probe < _mih.linear_cost_ns(len(self))
            method = "mih" if probeable and cheaper else "linear"
        if method == "mih" and not probeable:
            raise UsageError(f"max_distance {max_distance} is too far to probe: use a scan")
        chunks = [(s, min(s + _CHUNK, len(qwords))) for s in range(0, len(qwords), _CHUNK)]
        if method == "mih":
            masks, bounds = self._plan.probes(max_distance)
            radii = np.array(self._plan.radii(max_distance), np.int64)
            starts = self._plan.starts
            lengths = np.array(self._plan.bits, np.int64)
            table_starts = self._plan.table_starts

            def task(chunk: tuple[int, int]) -> _Found:
                return _mih.search_mih(
                    self._words, self._ids, self._offsets, table_starts, starts, lengths,
                    radii, masks, bounds, qwords, chunk[0], chunk[1], max_distance,
                )  # fmt: skip
        else:

            def task(chunk: tuple[int, int]) -> _Found:
                return _mih.search_linear(self._words, qwords, chunk[0], chunk[1], max_distance)

        return _collect(self._run(task, chunks), len(queries))

    def _run(self, fn: Callable[[_T], _R], items: Sequence[_T]) -> list[_R]:
        """fn over items on the thread pool (the kernels release the GIL), in order."""
        if self._threads == 1 or len(items) <= 1:
            return [fn(item) for item in items]
        with ThreadPoolExecutor(min(self._threads, len(items))) as pool:
            return list(pool.map(fn, items))

    # --- persistence --------------------------------------------------------------------

    def save(self, folder: str | os.PathLike[str]) -> None:
        """Write the index to `folder` (created if needed), replacing any index there.

        The manifest goes first out and last in, so an interrupted save leaves a folder
        that `load` refuses rather than a manifest describing half-written arrays.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MANIFEST).unlink(missing_ok=True)
        arrays: tuple[NDArray[np.generic], ...] = (self._hashes, self._ids, self._offsets)
        for name, array in zip(_FILES, arrays, strict=True):
            with _replacing(folder / name) as f:
                np.save(f, array, allow_pickle=False)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "count": len(self),
            "m": self.m,
            "substring_bits": list(self.substring_bits),
            "byteorder": sys.byteorder,
            "hashes_sha256": self.sha256,
        }
        text = json.dumps(manifest, indent=2) + "\n"
        with _replacing(folder / MANIFEST) as f:
            f.write(text.encode())

    @classmethod
    def load(
        cls,
        folder: str | os.PathLike[str],
        *,
        mmap: bool = True,
        hashes: NDArray[np.uint8] | None = None,
        verify: bool = False,
        threads: int | None = None,
    ) -> PdqIndex:
        """Open a saved index; its arrays are memory-mapped unless mmap=False.

        hashes: the hashes the caller expects the index to hold; when their SHA-256 is not
        the manifest's, raises StaleIndexError. The index then searches the caller's array
        (same bytes) rather than its saved copy.
        verify: also hash the saved copy against the manifest (reads it all).
        Raises IndexFormatError when the folder holds no complete index of this version.
        """
        folder = Path(folder)
        count, bits, recorded = _read_manifest(folder)
        if hashes is not None:
            hashes = _check_hashes(hashes, "hashes")
            if len(hashes) != count or sha256_of(hashes) != recorded:
                raise StaleIndexError(
                    f"{folder} indexes {count} hashes with SHA-256 {recorded[:12]}…, "
                    f"not the {len(hashes)} given: rebuild it (build_or_load does)"
                )
        # numpy cannot memory-map a file with no data (an empty index): read those.
        mode: Literal["r"] | None = "r" if mmap and count > 0 else None
        try:
            plan = Plan(bits)
            arrays = [np.load(folder / name, mmap_mode=mode, allow_pickle=False) for name in _FILES]
        except (OSError, ValueError) as e:
            raise IndexFormatError(f"{folder}: unreadable index ({e})") from e
        saved, ids, offsets = (np.asarray(a) for a in arrays)
        expected = {
            "hashes.npy": (saved, np.uint8, (count, HASH_BYTES)),
            "ids.npy": (ids, np.int32, (plan.m, count)),
            "offsets.npy": (offsets, np.int32, (int(plan.table_starts[-1]),)),
        }
        for name, (array, dtype, shape) in expected.items():
            if array.dtype != dtype or array.shape != shape or not array.flags.c_contiguous:
                raise IndexFormatError(
                    f"{folder / name}: {array.dtype}{array.shape}, expected "
                    f"{np.dtype(dtype)}{shape}: the index is damaged, rebuild it"
                )
        if verify and sha256_of(saved) != recorded:
            raise IndexFormatError(f"{folder / 'hashes.npy'} does not match its manifest")
        return cls._from_parts(
            plan, hashes if hashes is not None else saved, ids, offsets, recorded, threads
        )


def build_or_load(
    folder: str | os.PathLike[str],
    hashes: NDArray[np.uint8],
    *,
    m: int | None = None,
    mmap: bool = True,
    threads: int | None = None,
) -> PdqIndex:
    """The index of `hashes`, loaded from `folder` when it holds one built from these very
    hashes (and, if given, this m); otherwise built and saved there, replacing what was."""
    try:
        index = PdqIndex.load(folder, mmap=mmap, hashes=hashes, threads=threads)
    except (IndexFormatError, StaleIndexError):
        pass
    else:
        if m is None or index.m == m:
            return index
    index = PdqIndex(hashes, m=m, threads=threads)
    index.save(folder)
    return index


# --- helpers ------------------------------------------------------------------------------


def _check_hashes(hashes: object, what: str) -> NDArray[np.uint8]:
    if not isinstance(hashes, np.ndarray):
        raise UsageError(f"{what} must be a numpy array of shape (N, 32), dtype uint8")
    if hashes.dtype != np.uint8 or hashes.ndim != 2 or hashes.shape[1] != HASH_BYTES:
        raise UsageError(
            f"{what} must have shape (N, 32) and dtype uint8, not {hashes.dtype}{hashes.shape}"
        )
    if len(hashes) >= 2**31:
        raise UsageError(f"{what}: at most 2^31 - 1 hashes (row numbers are stored as int32)")
    if sys.byteorder != "little":
        raise SafeguardError("the PDQ index supports little-endian machines only")
    checked: NDArray[np.uint8] = np.ascontiguousarray(hashes)
    return checked


def _readonly(array: NDArray[_A]) -> NDArray[_A]:
    view = np.asarray(array).view()
    view.flags.writeable = False
    return view


def _threads(threads: int | None) -> int:
    if threads is None:
        if hasattr(os, "sched_getaffinity"):  # the cores this process may use, not the host's
            return len(os.sched_getaffinity(0))
        return os.cpu_count() or 1
    if threads < 1:
        raise UsageError(f"threads must be at least 1, not {threads}")
    return threads


def _collect(found: list[_Found], queries: int) -> SearchResult:
    """Join the chunks' matches, grouped by query, each query's by distance then id."""
    if found:
        qs = np.concatenate([f[0] for f in found])
        ids = np.concatenate([f[1] for f in found])
        distances = np.concatenate([f[2] for f in found])
    else:
        qs, ids, distances = np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int32)
    order = np.lexsort((ids, distances, qs))
    offsets = np.zeros(queries + 1, np.int64)
    np.cumsum(np.bincount(qs, minlength=queries), out=offsets[1:])
    return SearchResult(offsets, ids[order], distances[order])


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[BinaryIO]:
    """A file written beside `path`, then renamed over it: no reader sees it half-written,
    and one that memory-mapped the old file keeps its (now unlinked) copy."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as f:
        yield f
    os.replace(tmp, path)


def _read_manifest(folder: Path) -> tuple[int, tuple[int, ...], str]:
    """(count, substring bits, hashes' SHA-256) from the manifest, checked."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise IndexFormatError(
            f"{folder}: no {MANIFEST} (no index, or an interrupted save)"
        ) from None
    except (OSError, ValueError) as e:
        raise IndexFormatError(f"{folder / MANIFEST}: unreadable ({e})") from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexFormatError(f"{folder}: not a PDQ index")
    if manifest.get("version") != VERSION:
        raise IndexFormatError(
            f"{folder}: index version {manifest.get('version')!r}, this software reads {VERSION}"
        )
    if manifest.get("byteorder") != sys.byteorder:
        raise IndexFormatError(f"{folder}: built on a {manifest.get('byteorder')}-endian machine")
    count, bits, sha = (manifest.get(k) for k in ("count", "substring_bits", "hashes_sha256"))
    if (
        not isinstance(count, int)
        or count < 0
        or not isinstance(bits, list)
        or not all(isinstance(b, int) for b in bits)
        or not isinstance(sha, str)
    ):
        raise IndexFormatError(f"{folder / MANIFEST}: missing or malformed fields")
    return count, tuple(bits), sha
