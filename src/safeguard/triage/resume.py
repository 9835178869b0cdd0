"""A resumed run must be over the same evidence as the run it finishes.

The journal's identity names the evidence by path; a path says nothing of content. An
image replaced at the same path and resumed gave a report holding both images' files
and the old image's SHA-256. Three checks, from cheapest to surest:

1. Before any work: each evidence file (a loose file, every piece of a split raw image,
   every E01 segment) has its size and a sampled digest recorded in the journal when the
   run starts (SHA-256 over 64 KiB blocks at the start, the end and 30 points between:
   at most 2 MiB read a file). A resume compares them and refuses, naming the item.
2. While walking: a file the journal has already examined is skipped only if its size
   and modification time are still those recorded with it (examine.py's sink), so a
   changed file in a folder is refused too.
3. At the end: a resumed run reads each image whole for its digest again (the same read
   the first run made beside the walk) and refuses to write a report if the SHA-256
   differs from the one the journal holds.

A refusal is ResumeRefused (exit 2): no report is written, and the examiner is told to
run again into another --out.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ResumeRefused
from .readonly import open_readonly

if TYPE_CHECKING:
    from .evidence import EvidenceInfo, Source
    from .journal import Journal
    from .records import FileEntry

SAMPLE_BLOCK = 64 * 1024
SAMPLE_POINTS = 32


def sampled_digest(path: Path) -> dict[str, Any]:
    """Size and a SHA-256 over blocks spread through the file (each with its offset)."""
    fd = open_readonly(path, follow=True)
    try:
        size = os.fstat(fd).st_size
        digest = hashlib.sha256()
        offsets = {0, max(size - SAMPLE_BLOCK, 0)}
        offsets.update(size * i // SAMPLE_POINTS for i in range(1, SAMPLE_POINTS))
        for offset in sorted(offsets):
            digest.update(struct.pack("<Q", offset))
            digest.update(os.pread(fd, SAMPLE_BLOCK, offset))
    finally:
        os.close(fd)
    return {"file": path.name, "size": size, "sampled_sha256": digest.hexdigest()}


def evidence_identity(source: Source) -> list[dict[str, Any]]:
    return [sampled_digest(Path(p)) for p in source.files()]


def check_identity(journal: Journal, sources: list[tuple[int, Source]], *,
                   resuming: bool) -> None:
    """Record each item's identity (a new run) or compare it (a resumed one)."""
    for position, source in sources:
        key = f"identity:{position}"
        now = evidence_identity(source)
        recorded = journal.get(key)
        if recorded is None:
            journal.put(key, json.dumps(now))
            continue
        if resuming:
            _compare(source.label, json.loads(recorded), now)


def _compare(label: str, before: list[dict[str, Any]], now: list[dict[str, Any]]) -> None:
    problem = ""
    if [b["file"] for b in before] != [n["file"] for n in now]:
        problem = (f"its files were {', '.join(b['file'] for b in before) or 'none'}, now "
                   f"{', '.join(n['file'] for n in now) or 'none'}")
    else:
        for b, n in zip(before, now, strict=True):
            if b["size"] != n["size"]:
                problem = f"{n['file']} was {b['size']:,} bytes, now {n['size']:,}"
                break
            if b["sampled_sha256"] != n["sampled_sha256"]:
                problem = f"the content of {n['file']} differs"
                break
    if problem:
        raise ResumeRefused(
            f"{label}: not the evidence the interrupted run examined ({problem}): resuming "
            "would mix two pieces of evidence in one report; run again into another --out"
        )


def already_done(done: dict[str, str], entry: FileEntry) -> bool:
    """True when an earlier invocation examined `entry` (its key is in `done`, the
    journal's {key: fingerprint}); ResumeRefused when the file changed since (check 2)."""
    if not done:  # a new run: no key to make
        return False
    fingerprint = done.get(entry.address.key())
    if fingerprint is None:
        return False
    if fingerprint != entry.fingerprint():
        raise ResumeRefused(
            f"{entry.address}: changed since the interrupted run examined it (size and "
            f"modification time were {fingerprint}, now {entry.fingerprint()}): resuming "
            "would mix two versions of the evidence in one report; run again into "
            "another --out"
        )
    return True


def check_digest(before: EvidenceInfo | None, now: EvidenceInfo) -> None:
    """The whole-item digest a resumed run computed against the interrupted run's."""
    if before is None or not before.sha256 or not now.sha256:
        return
    if before.sha256 != now.sha256:
        raise ResumeRefused(
            f"{now.path}: its SHA-256 is now {now.sha256}, but the interrupted run read "
            f"{before.sha256}: the evidence changed between the runs, so no report is "
            "written; run again into another --out"
        )
