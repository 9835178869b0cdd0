"""Evidence sources, chosen automatically from what the path is.

The registry is explicit (no registration by import side effect); each source's `open`
says NotThisFormat when the path is not its kind, and the next one tries. Order matters:
the specific formats come before the loose-file fallback.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import EvidenceError, NotThisFormat
from .base import EvidenceInfo, Source
from .directory import DirectorySource, FileSource


def _registry() -> tuple[type[Source], ...]:
    # Imported here so that a folder triage never loads The Sleuth Kit or libewf.
    from .ewf import EwfSource
    from .tsk import RawImageSource

    sources: tuple[type[Source], ...] = (DirectorySource, EwfSource, RawImageSource, FileSource)
    names = [s.NAME for s in sources]
    if len(set(names)) != len(names):
        raise RuntimeError(f"duplicate evidence source names: {names}")
    return sources


def open_evidence(path: str) -> Source:
    """Open `path` with the first source that recognises it.

    Raises EvidenceError with a message naming the item when nothing can read it.
    """
    p = Path(path)
    if not p.exists() and not p.is_symlink():
        raise EvidenceError(f"{path}: no such file or folder")
    if p.is_dir():
        return DirectorySource.open(p, path)
    for source in _registry():
        try:
            return source.open(p, path)
        except NotThisFormat:
            continue
    raise EvidenceError(f"{path}: not a folder, disk image or readable file")


__all__ = ["EvidenceInfo", "Source", "open_evidence"]
