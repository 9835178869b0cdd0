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
from .keys import Secret, VolumeKeys


def _registry() -> tuple[type[Source], ...]:
    # Imported here so that a folder triage never loads The Sleuth Kit or libewf.
    from .containers import ContainerSource, RecognisedSource
    from .ewf import EwfSource
    from .tsk import RawImageSource
    from .ufdr import UfdrSource

    # Virtual disks before raw images (a fixed VHD is a raw disk with a footer); a UFDR
    # before the loose-file fallback that would take it for a plain zip; the formats
    # recognised but not read before that fallback too (never silent).
    sources: tuple[type[Source], ...] = (DirectorySource, EwfSource, UfdrSource,
                                         ContainerSource, RawImageSource, RecognisedSource,
                                         FileSource)
    names = [s.NAME for s in sources]
    if len(set(names)) != len(names):
        raise RuntimeError(f"duplicate evidence source names: {names}")
    return sources


def open_evidence(path: str, keys: VolumeKeys | None = None) -> Source:
    """Open `path` with the first source that recognises it; `keys` unlock encrypted
    volumes (keys.py).

    Raises EvidenceError with a message naming the item when nothing can read it. An item
    recognised by its signature and not read (no key, a parent disk missing, no reader)
    is opened as one file with a warning naming the format and the reason.
    """
    p = Path(path)
    if not p.exists() and not p.is_symlink():
        raise EvidenceError(f"{path}: no such file or folder")
    if p.is_dir():
        return DirectorySource.open(p, path)
    from .layers import NotRead

    for source in _registry():
        try:
            return source.open(p, path, keys=keys)
        except NotRead as exc:
            from .containers import RecognisedSource

            return RecognisedSource.not_read(p, path, exc)
        except NotThisFormat:
            continue
    raise EvidenceError(f"{path}: not a folder, disk image or readable file")


__all__ = ["EvidenceInfo", "Secret", "Source", "VolumeKeys", "open_evidence"]
