"""What every fuzz target shares: a scratch file, an in-memory disk image, and the check
that no reader failed in a way nobody foresaw.

A target's function takes the fuzzer's bytes and returns normally when the engine handled
them: a row, a warning, or one of the errors the target names as a clear refusal
(EvidenceError for an image that is not one, HashSetError for a bad list...). Anything
else escaping it, or an `internal error while examining` row, is a finding.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from safeguard.triage.examine import INTERNAL_ERROR, Examiner
from safeguard.triage.records import DIGESTS, FileEntry, Record, TriageWarning


class Finding(AssertionError):
    """The engine mishandled an input (raised so the fuzzer records it as a crash)."""


class CheckingSink:
    """Examiner sink that keeps nothing and fails on an internal error."""

    def __init__(self) -> None:
        self.records = 0

    def record(self, record: Record) -> None:
        self.records += 1
        if INTERNAL_ERROR in record.error:
            raise Finding(record.error)

    def warn(self, warning: TriageWarning) -> None:
        if INTERNAL_ERROR in warning.message:
            raise Finding(f"{warning.address}: {warning.message}")

    def done(self, entry: FileEntry) -> bool:
        return False


def examiner(perceptual: bool = False) -> Examiner:
    # Small limits keep one input's work bounded: the fuzzer wants many inputs a second.
    from safeguard.triage.expansion import ExpansionLimits

    limits = ExpansionLimits(depth=4, bytes=64 * 1024 * 1024, ratio=100,
                             ratio_floor=8 * 1024 * 1024)
    return Examiner(DIGESTS, perceptual=perceptual, limits=limits,
                    spool_dir=scratch_dir() / "spool")


def examine(entry: FileEntry) -> None:
    examiner().stream(entry, CheckingSink())


def bytes_entry(data: bytes, name: str = "/input.bin") -> FileEntry:
    from safeguard.triage.records import Address

    return FileEntry(address=Address("FUZZ", name), size=len(data),
                     opener=lambda: io.BytesIO(data))


_SCRATCH: Path | None = None


def scratch_dir() -> Path:
    """One folder per process, on tmpfs where there is one (each input is written there)."""
    global _SCRATCH
    if _SCRATCH is None:
        base = "/dev/shm" if os.path.isdir("/dev/shm") else None
        _SCRATCH = Path(tempfile.mkdtemp(prefix="safeguard-fuzz-", dir=base))
    return _SCRATCH


@contextmanager
def as_file(data: bytes, name: str) -> Iterator[Path]:
    """The input written to a scratch file of that name, removed afterwards."""
    path = scratch_dir() / name
    path.write_bytes(data)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
        for extra in path.parent.glob(path.name + "-*"):  # SQLite's -wal and -shm
            extra.unlink(missing_ok=True)


def memory_image(data: bytes) -> Any:
    """The bytes as a TSK image (pytsk3's external image type), no file needed."""
    import pytsk3

    class MemoryImg(pytsk3.Img_Info):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

        def read(self, offset: int, size: int) -> bytes:
            return data[offset:offset + size]

        def get_size(self) -> int:
            return len(data)

    return MemoryImg()
