"""Files matched against the hash sets the force configures (SAFEGUARD_INTEL_HASHSETS, in
priority order; unset: every known-bad set in the store), so that a file's category is
known the moment a referral or sighting arrives.

    with Matcher.configured() as matcher:
        found = matcher.match([("<md5>", "", ""), ("", "<sha1>", "")])
        found[0]        # Match(hashset="op-example", category="A"), or None

`match` is vectorised: one HashSet.lookup per set and digest for the whole batch (the
engine's index searches a sorted, memory-mapped array), then the entries of the rows
found in one read. A set that is missing or damaged is a warning, not a failure: the
import goes on against the others and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from safeguard.triage import DIGESTS, KNOWN_BAD, HashSet, HashSetStore, SafeguardError

from ..conf import hashset_names, hashset_root


@dataclass(frozen=True)
class Match:
    hashset: str
    category: str  # the set's category name; "" when the set gives none


class Matcher:
    def __init__(self, names: list[str] | None, root: Path) -> None:
        self.warnings: list[str] = []
        self.sets: list[HashSet] = []
        store = HashSetStore(root)
        if names is None:
            names = [info.name for info in store.list() if info.kind == KNOWN_BAD]
            if not names:
                self.warnings.append("no known-bad hash sets in the store: files cannot be "
                                     "matched (docs/hashsets.md)")
        for name in names:
            try:
                opened = store.open(name)
            except SafeguardError as exc:
                self.warnings.append(f"hash set {name!r} not used: {exc}")
                continue
            if opened.info.kind != KNOWN_BAD:
                self.warnings.append(f"hash set {name!r} is {opened.info.kind}: not used")
                opened.close()
                continue
            self.sets.append(opened)

    @classmethod
    def configured(cls) -> Matcher:
        return cls(hashset_names(), hashset_root())

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sets]

    def match(self, files: Sequence[tuple[str, str, str]]) -> list[Match | None]:
        """A match (or None) for each (md5, sha1, sha256) of lower-case hex ("" if absent).
        The first set in priority order that knows a file names it."""
        results: list[Match | None] = [None] * len(files)
        for hashset in self.sets:
            for position, digest in enumerate(DIGESTS):
                if digest not in hashset.info.digests:
                    continue
                pending = [i for i, f in enumerate(files) if results[i] is None and f[position]]
                if not pending:
                    continue
                rows = hashset.lookup(digest, [files[i][position] for i in pending])
                found = [(i, int(row)) for i, row in zip(pending, rows, strict=True) if row >= 0]
                if not found:
                    continue
                entries = hashset.entries([row for _, row in found])
                for (i, _), entry in zip(found, entries, strict=True):
                    results[i] = Match(hashset.name, entry.category or "")
        return results

    def close(self) -> None:
        for hashset in self.sets:
            hashset.close()
        self.sets = []

    def __enter__(self) -> Matcher:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
