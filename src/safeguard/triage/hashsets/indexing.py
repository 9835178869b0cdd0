"""Building a set's indexes from its kept list, and knowing when they must be rebuilt.

    <set>/index/meta.json       which source digest and index version the index was built from
    <set>/index/<digest>.*      sorted exact indexes (digest_index.py)
    <set>/index/entries.sqlite  per-entry attributes, when the format has any

An index is built in a hidden folder beside the old one and swapped in when complete.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..records import DIGESTS
from .entries import ENTRIES_FILE, EntryWriter
from .formats import HashSetFormat, ReadContext
from .formats.base import MAX_WARNINGS
from .manifest import now, write_json
from .model import HashSetInfo

# Bump when the index layout or what a format reads changes: every index is rebuilt.
INDEX_VERSION = 2
INDEX_DIR = "index"
INDEX_META = "meta.json"


def build_index(
    folder: Path, source: Path, fmt: type[HashSetFormat], ctx: ReadContext, info: HashSetInfo
) -> None:
    """Build `folder/index` from `source` aside, swap it in, and record the results in
    `info` (entries, skipped, digests, warnings...)."""
    # Here, not at the top: the index's numpy loads with the store on every triage's
    # start-up, and a run without hash sets never builds or opens an index.
    from .digest_index import IndexBuilder

    work = folder / f".index-{os.getpid()}-{secrets.token_hex(4)}"
    work.mkdir()
    writer = EntryWriter(work / ENTRIES_FILE)
    try:
        builder = IndexBuilder(work)
        for chunk in fmt.read(source, ctx):
            first = builder.add(chunk)
            if chunk.entries is not None:
                writer.add(first, chunk.entries)
        writer.close()
        row_dtype, stats = builder.finish()
        digests = tuple(d for d in DIGESTS if d in stats)
        meta = {
            "index_version": INDEX_VERSION,
            "source_sha256": info.source_sha256,
            "rows": builder.rows,
            "row_dtype": row_dtype,
            "digests": {
                d: {"count": s.count, "duplicates": s.duplicates} for d, s in stats.items()
            },
            "files": index_file_sizes(work, digests),
        }
        write_json(work / INDEX_META, meta)
        _swap(work, folder / INDEX_DIR)
    except BaseException:
        writer.close()
        shutil.rmtree(work, ignore_errors=True)
        raise
    warnings = list(ctx.warnings)
    if ctx.warning_count > MAX_WARNINGS:
        warnings.append(f"... and {ctx.warning_count - MAX_WARNINGS} more warnings")
    info.entries = builder.rows
    info.skipped = ctx.skipped
    info.digests = digests
    info.duplicates = {d: s.duplicates for d, s in stats.items() if s.duplicates}
    info.scheme = ctx.scheme.NAME if ctx.scheme else None
    info.category_map = ctx.category_map
    info.pdq = writer.pdq
    info.warnings = warnings
    info.indexed_at = now()


def _swap(new: Path, target: Path) -> None:
    if target.exists():
        old = target.with_name(f".index-old-{os.getpid()}-{secrets.token_hex(4)}")
        target.rename(old)
        new.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(target)


def read_index_meta(folder: Path) -> dict[str, Any] | None:
    try:
        meta = json.loads((folder / INDEX_DIR / INDEX_META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def index_fresh(folder: Path, info: HashSetInfo, meta: dict[str, Any]) -> bool:
    """Built by this index version, from this list, and every file still its full size."""
    try:
        if meta["index_version"] != INDEX_VERSION or meta["source_sha256"] != info.source_sha256:
            return False
        if sorted(meta["digests"]) != sorted(info.digests):
            return False
        recorded = dict(meta["files"])
    except (KeyError, TypeError, ValueError):
        return False
    return index_file_sizes(folder / INDEX_DIR, info.digests) == recorded


def index_file_sizes(index: Path, digests: Sequence[str]) -> dict[str, int]:
    from .digest_index import file_sizes  # not at the top: see build_index

    sizes = file_sizes(index, list(digests))
    entries = index / ENTRIES_FILE
    sizes[ENTRIES_FILE] = entries.stat().st_size if entries.exists() else -1
    return sizes
