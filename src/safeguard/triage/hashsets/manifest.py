"""A set's manifest (manifest.json: provenance, format, kind, scheme, counts) and the
checks that its kept list is still the one imported."""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import HashSetError, UsageError
from .model import HashSetInfo

MANIFEST = "manifest.json"


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write whole or not at all: a reader never sees half a manifest."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    with tmp.open("w", encoding="utf-8") as out:
        json.dump(data, out, indent=2, sort_keys=True)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def read_manifest(folder: Path) -> HashSetInfo:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        info = HashSetInfo.from_dict(data)
    except FileNotFoundError:
        raise HashSetError(f"hash set {folder.name!r} is damaged: no {MANIFEST}") from None
    except (OSError, ValueError, KeyError, TypeError, UsageError) as exc:
        raise HashSetError(
            f"hash set {folder.name!r} is damaged: unreadable {MANIFEST} ({exc})"
        ) from None
    if info.name != folder.name:
        raise HashSetError(f"hash set {folder.name!r} is damaged: its manifest names {info.name!r}")
    return info


def check_kept(folder: Path, info: HashSetInfo) -> None:
    """The kept list is there, at the size recorded at import."""
    kept = folder / info.source_file
    try:
        size = kept.stat().st_size
    except OSError:
        size = -1
    if size != info.source_size:
        raise HashSetError(
            f"hash set {info.name!r} is damaged: its kept list {info.source_file} is "
            "missing or has changed size; import it again"
        )
