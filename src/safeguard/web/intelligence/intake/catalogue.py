"""The file catalogue: FileHash rows found or made in bulk, new ones matched once.

    found = catalogue_files(batch, matcher)      # {key: FileInfo(id, known, category)}

`batch` maps each file key (models.file_key) to its digests and a name. Existing rows are
read in chunks of keys; the new ones are matched against the hash sets in one vectorised
call (matching.py) and inserted with bulk_create, which returns their ids on PostgreSQL
and SQLite alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..conf import intel_rules
from ..models import FileHash
from .bulk import insert, select_any
from .matching import Matcher

CHUNK = 5000
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FileInfo:
    id: int
    known: bool
    category: str
    category_a: bool = False


def file_info(pk: int, hashset: str, category: str, category_a: frozenset[str] | None = None
              ) -> FileInfo:
    names = category_a if category_a is not None else intel_rules().category_a
    return FileInfo(pk, bool(hashset), category, bool(hashset) and category in names)


@dataclass(frozen=True)
class Digests:
    md5: str = ""
    sha1: str = ""
    sha256: str = ""
    name: str = ""


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def catalogue_files(batch: dict[str, Digests], matcher: Matcher) -> dict[str, FileInfo]:
    keys = list(batch)
    found: dict[str, FileInfo] = {}
    table = FileHash._meta.db_table
    names = intel_rules().category_a
    for key, pk, hashset, category in select_any(
            f"SELECT key, id, hashset, category FROM {table} WHERE key {{values}}", keys):
        found[key] = file_info(int(pk), hashset, category, names)
    missing = [key for key in keys if key not in found]
    if not missing:
        return found
    digests = [batch[key] for key in missing]
    matches = matcher.match([(d.md5, d.sha1, d.sha256) for d in digests])
    rows = [
        {"key": key, "md5": d.md5, "sha1": d.sha1, "sha256": d.sha256, "name": d.name[:300],
         "hashset": m.hashset if m else "", "category": m.category if m else ""}
        for key, d, m in zip(missing, digests, matches, strict=True)
    ]
    for row, pk in zip(rows, insert(FileHash, rows), strict=True):
        found[row["key"]] = file_info(pk, row["hashset"], row["category"], names)
    return found
