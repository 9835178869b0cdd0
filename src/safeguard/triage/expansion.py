"""Bounds on what archives may expand to, and where their copies are kept.

A small archive can claim terabytes (a "zip bomb": zeros compress a thousandfold, and
archives nested inside archives multiply it). A 16.7 MB 42-style zip made the engine hash
16 GiB. Three limits, settings with defaults (docs/triage.md):

- depth: archives inside archives are opened this many levels deep;
- bytes: everything read out of one archive found in the evidence, all levels together;
- ratio: a nested archive (one found inside another) may expand to this many times its
  own size (never less than `ratio_floor`, so small archives of text are not refused).
  An archive found directly in the evidence has no ratio limit: a normal archive holding
  one large video is still read whole.

Past a limit, the rest of that archive is "not examined: expansion limit": a warning row
names the archive and the limit, and the run goes on.

Nested archives and videos in archives must be seekable to be opened: they are copied to
a spool, in memory while small, else a named file in the run's own spool folder (inside
--out, visible, removed as soon as it is done). Nothing of the evidence is written
outside the output folder.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

from .errors import SafeguardError, UsageError

if TYPE_CHECKING:  # collections.abc.Buffer is 3.12+; annotations only, never evaluated
    from typing_extensions import Buffer

GIB = 1024**3
MIB = 1024**2


@dataclass(frozen=True)
class ExpansionLimits:
    depth: int = 8
    bytes: int = 256 * GIB
    ratio: int = 100
    ratio_floor: int = 64 * MIB

    def describe(self) -> dict[str, int]:
        return {"archive_depth": self.depth, "expanded_bytes": self.bytes,
                "nested_ratio": self.ratio}


_UNITS = {"": 1, "K": 1024, "M": MIB, "G": GIB, "T": 1024 * GIB}


def parse_size(text: str) -> int:
    """"256G", "2T", "500M" or a byte count (binary units) → bytes; UsageError otherwise."""
    cleaned = text.strip().upper().removesuffix("IB").removesuffix("B")
    number, unit = (cleaned[:-1], cleaned[-1]) if cleaned[-1:] in _UNITS else (cleaned, "")
    try:
        value = int(float(number) * _UNITS[unit])
    except (ValueError, OverflowError):
        value = 0
    if value <= 0:
        raise UsageError(f"{text!r} is not a size: give bytes, or a number with K, M, G or T")
    return value


class ExpansionLimit(SafeguardError):
    """Reading on would pass an expansion limit. `budget` is the archive whose expansion
    stops (the one that overflowed, or the one refused up front); the message names the
    limit."""

    def __init__(self, budget: Budget, why: Budget | None = None,
                 declared: int | None = None) -> None:
        text = (why or budget).reason()
        if declared is not None:
            text += f"; its members declare {declared:,} bytes"
        super().__init__(text)
        self.budget = budget


class Budget:
    """Bytes that may still be read out of one archive (and, through `parent`, out of every
    archive around it)."""

    def __init__(self, limit: int, label: str, why: str, parent: Budget | None = None) -> None:
        self.limit = limit
        self.used = 0
        self.label = label
        self.why = why
        self.parent = parent

    @classmethod
    def outermost(cls, limits: ExpansionLimits, label: str) -> Budget:
        return cls(limits.bytes, label, f"more than {limits.bytes:,} bytes expanded "
                                        "(the expanded-bytes limit)")

    def nested(self, limits: ExpansionLimits, label: str, size: int) -> Budget:
        allowed = max(limits.ratio * max(size, 0), limits.ratio_floor)
        return Budget(allowed, label, f"a nested archive of {size:,} bytes expanding past "
                                      f"{allowed:,} bytes (the {limits.ratio}:1 ratio limit)",
                      self)

    @property
    def remaining(self) -> int:
        own = self.limit - self.used
        return own if self.parent is None else min(own, self.parent.remaining)

    def tightest(self) -> Budget:
        """The budget in the chain with the least left: the one a refusal names."""
        best: Budget = self
        budget = self.parent
        while budget is not None:
            if budget.limit - budget.used < best.limit - best.used:
                best = budget
            budget = budget.parent
        return best

    def check_declared(self, declared: int) -> None:
        """Refuse up front an archive whose members declare more than is left (a zip's
        central directory gives every size before anything is read)."""
        if declared > self.remaining:
            raise ExpansionLimit(self, self.tightest(), declared)

    def charge(self, n: int) -> None:
        budget: Budget | None = self
        while budget is not None:
            budget.used += n
            if budget.used > budget.limit:
                raise ExpansionLimit(budget)
            budget = budget.parent

    def reason(self) -> str:
        return f"not examined: expansion limit: {self.why}"


class Metered(io.RawIOBase):
    """A member's stream that charges every byte read to a budget."""

    def __init__(self, inner: BinaryIO, budget: Budget) -> None:
        super().__init__()
        self.inner = inner
        self.budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self.inner.read(len(view))
        n = len(data)
        if n:
            self.budget.charge(n)
            view[:n] = data
        return n

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            super().close()


# Spooled copies stay in memory up to this size, then go to a file in the spool folder.
SPOOL_IN_MEMORY = 32 * MIB
_COPY_CHUNK = MIB
_names = itertools.count()


@contextmanager
def spooled(head: bytes, rest: BinaryIO, folder: Path | None) -> Iterator[BinaryIO]:
    """A seekable copy of `head` + `rest`, positioned at 0, removed when the block ends.

    `folder` is the run's spool folder (inside --out); None, for callers outside a run,
    means the system's temporary folder.
    """
    memory = io.BytesIO()
    memory.write(head)
    spill: BinaryIO | None = None
    path: str | None = None
    try:
        while chunk := rest.read(_COPY_CHUNK):
            if spill is None and memory.tell() + len(chunk) > SPOOL_IN_MEMORY:
                spill, path = _spill_file(folder)
                spill.write(memory.getbuffer())
                memory = io.BytesIO()
            (spill or memory).write(chunk)
        copy = spill or memory
        copy.seek(0)
        yield copy
    finally:
        if spill is not None:
            spill.close()
        if path is not None:
            with suppress(FileNotFoundError):
                os.unlink(path)


def _spill_file(folder: Path | None) -> tuple[BinaryIO, str]:
    directory = str(folder) if folder is not None else tempfile.gettempdir()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    # A named file (not an unnamed O_TMPFILE): an examiner watching the output folder sees
    # what the run is holding.
    path = os.path.join(directory, f"spool-{os.getpid()}-{next(_names)}.bin")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    return cast(BinaryIO, open(fd, "w+b")), path


def clear_spool(folder: Path) -> None:
    """Remove what a killed run left in its spool folder."""
    shutil.rmtree(folder, ignore_errors=True)
