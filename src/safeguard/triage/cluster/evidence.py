"""Does every worker see the evidence this process sees?

A cluster reads the evidence from shared storage at the same path on every machine. A
worker that mounts another copy, an older one, or nothing at that path would put its own
bytes into the report, so before any work each worker fingerprints each item it is to
read, and the run starts only when every fingerprint is the coordinator's. A worker that
joins later checks the same on its first batch (tasks.py).

A file's fingerprint: its size and a SHA-256 of its first and last blocks. A folder's:
the names, kinds and sizes of what its top level holds.
"""

from __future__ import annotations

import hashlib
import os
import stat
from typing import Any

from ..readonly import open_readonly

BLOCK = 64 * 1024

Fingerprint = dict[str, Any]


def fingerprint(path: str) -> Fingerprint:
    """The fingerprint of a file or folder; {"error": ...} when it cannot be read."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            return {"folder": _listing(path)}
        fd = open_readonly(path, follow=True)
        try:
            size = os.fstat(fd).st_size
            digest = hashlib.sha256(os.pread(fd, BLOCK, 0))
            digest.update(os.pread(fd, BLOCK, max(size - BLOCK, 0)))
        finally:
            os.close(fd)
    except OSError as exc:
        return {"error": exc.strerror or str(exc)}
    return {"size": size, "ends_sha256": digest.hexdigest()}


def _listing(path: str) -> str:
    digest = hashlib.sha256()
    with os.scandir(path) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            info = entry.stat(follow_symlinks=False)
            size = info.st_size if stat.S_ISREG(info.st_mode) else 0
            digest.update(os.fsencode(entry.name) + b"\0")
            digest.update(f"{stat.S_IFMT(info.st_mode)}:{size}\n".encode())
    return digest.hexdigest()


def fingerprints(paths: list[str]) -> list[Fingerprint]:
    return [fingerprint(p) for p in paths]


def difference(path: str, mine: Fingerprint, theirs: Fingerprint) -> str:
    """How `theirs` differs from `mine`, in words; "" when they agree."""
    if theirs == mine:
        return ""
    if "error" in theirs:
        return f"cannot read {path} ({theirs['error']})"
    if "folder" in mine or "folder" in theirs:
        return f"{path} holds other files"
    if theirs.get("size") != mine.get("size"):
        return f"{path} is {theirs.get('size', 0):,} bytes, not {mine.get('size', 0):,}"
    return f"the content of {path} differs"
