"""Small helpers the report writers share: atomic output files and value formatting."""

from __future__ import annotations

import contextlib
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
    """
    if value is None:
        return ""
    try:
        moment = datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return ""
    return moment.isoformat().replace("+00:00", "Z")


def flag(value: bool) -> str:
    """The spelling of a boolean in CSV: lower-case words, as JSON would write them."""
    return "true" if value else "false"
