"""An opened hash set: exact lookups through memory-mapped indexes, entries by row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..hashing import DIGEST_SIZES
from ..records import DIGESTS
from .entries import ENTRIES_FILE, EntryReader
from .indexing import INDEX_DIR
from .model import HashEntry, HashSetInfo

if TYPE_CHECKING:
    from .digest_index import I64
    from .hexcodec import U8


class HashSet:
    """An opened set: exact lookups through memory-mapped indexes, entries by row."""

    def __init__(self, folder: Path, info: HashSetInfo, meta: dict[str, Any]) -> None:
        # Here and in the lookups, not at the top: this module loads with the package on
        # every triage's start-up, and numpy only once a set is opened.
        from .digest_index import DigestIndex

        self.folder = folder
        self.info = info
        index = folder / INDEX_DIR
        self._indexes = {
            d: DigestIndex(index, d, int(meta["digests"][d]["count"]), str(meta["row_dtype"]))
            for d in info.digests
        }
        self._entries = EntryReader(index / ENTRIES_FILE, info.name)

    @property
    def name(self) -> str:
        return self.info.name

    def lookup(self, digest: str, hex_digests: Sequence[str]) -> I64:
        """The entry row of each hex digest (either case), -1 where the set lacks it.

        A digest the set does not carry (sha256 on an NSRL v2 set) answers -1 throughout;
        `info.digests` says which it carries. A malformed query is a UsageError.
        """
        import numpy as np  # not at the top: see __init__

        from .hexcodec import decode_hex_strings

        size = _digest_size(digest)
        values, ok = decode_hex_strings(hex_digests, size)
        if not ok.all():
            bad = hex_digests[int(np.flatnonzero(~ok)[0])]
            raise UsageError(f"not a {digest} digest: {bad!r}")
        return self.lookup_bytes(digest, values)

    def lookup_bytes(self, digest: str, digests: U8) -> I64:
        """As `lookup`, for digests already as an (n, size) uint8 array."""
        import numpy as np  # not at the top: see __init__

        size = _digest_size(digest)
        if digests.ndim != 2 or digests.shape[1] != size:
            raise UsageError(f"{digest} digests must be an (n, {size}) uint8 array")
        index = self._indexes.get(digest)
        if index is None:
            return np.full(len(digests), -1, dtype=np.int64)
        return index.find(digests)

    def entry(self, row: int) -> HashEntry:
        """The attributes of entry `row` (as `lookup` returned it)."""
        return self.entries([row])[0]

    def entries(self, rows: Sequence[int]) -> list[HashEntry]:
        for row in rows:
            if not 0 <= int(row) < self.info.entries:
                raise IndexError(f"hash set {self.name!r} has no entry row {row}")
        return self._entries.get_many(rows)

    def vpdq_entries(self) -> Iterator[tuple[int, str]]:
        """(row, video signature JSON) of every entry that carries one."""
        return self._entries.vpdq()

    def pdq_entries(self) -> Iterator[tuple[int, str]]:
        """(row, 64-hex PDQ) of every entry carrying one: the perceptual index's input."""
        return self._entries.pdq()

    def close(self) -> None:
        self._entries.close()
        self._indexes.clear()

    def __enter__(self) -> HashSet:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _digest_size(digest: str) -> int:
    try:
        return DIGEST_SIZES[digest]
    except KeyError:
        raise UsageError(f"unknown digest {digest!r}: choose {', '.join(DIGESTS)}") from None
