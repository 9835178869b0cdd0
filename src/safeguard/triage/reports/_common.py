"""Small helpers the report writers share: atomic output files and value formatting."""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

# The names of the outputs, keyed as `write_reports` returns them.
OUTPUTS: dict[str, str] = {
    "json": "report.json",
    "csv": "files.csv",
    "html": "report.html",
    "vics": "case.vics.json",
}


# Every text report's encoding (atomic_text says why errors are escaped).
ENCODING = "utf-8"
ERRORS = "backslashreplace"


@contextlib.contextmanager
def atomic_text(path: Path, *, newline: str | None = None) -> Iterator[TextIO]:
    """Write `path` through a hidden partial file renamed into place when complete.

    A run that dies half way must not leave a truncated report that looks finished: the
    name `path` only ever holds a whole file. Paths found on evidence may hold lone
    surrogates (undecodable bytes); `backslashreplace` writes them visibly as `\\udcXX`
    rather than failing the whole report.
    """
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open(
            partial, "w", encoding=ENCODING, errors=ERRORS, newline=newline
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        # Only left behind when the body raised: never leave a partial file to be mistaken
        # for output.
        partial.unlink(missing_ok=True)


def iso_time(value: float | None) -> str:
    """POSIX seconds as ISO 8601 UTC with a 'Z', or '' when unknown or unrepresentable.

    File system times on damaged evidence can be absurd (year 60000): such a value is
    left empty rather than stopping the report; files.csv is not the place to guess.

    Four of these a row made a third of files.csv's cost: the date and time of a whole
    second are made once (a folder's files share their seconds) and the microseconds
    added as `datetime.fromtimestamp` rounds them (half to even):
    tests/triage/reports/test_iso_time.py holds the two to the same text.
    """
    if value is None:
        return ""
    try:
        fraction, whole = math.modf(value)
        micro = round(fraction * 1e6)
        second = int(whole)
    except (OverflowError, ValueError):  # infinite, not a number
        return ""
    if micro >= 1_000_000:
        second, micro = second + 1, micro - 1_000_000
    elif micro < 0:
        second, micro = second - 1, micro + 1_000_000
    text = _SECONDS.get(second) or _second_text(second)
    if not text:
        return ""
    return f"{text}.{micro:06d}Z" if micro else f"{text}Z"


# The text of whole seconds already met; emptied when full (a disk's times spread widely).
_SECONDS: dict[int, str] = {}
_SECONDS_KEPT = 1 << 16


def _second_text(second: int) -> str:
    try:
        moment = datetime.fromtimestamp(second, tz=UTC)
    except (OverflowError, OSError, ValueError):
        text = ""
    else:
        text = moment.replace(tzinfo=None).isoformat()  # a whole second: no fraction
    if len(_SECONDS) >= _SECONDS_KEPT:
        _SECONDS.clear()
    if text:
        _SECONDS[second] = text
    return text
