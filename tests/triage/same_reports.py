"""Two runs' reports compared: files.csv byte for byte, the others but for the run's times."""

from __future__ import annotations

import re
from pathlib import Path

_TIMES = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def assert_same_reports(ours: Path, theirs: Path) -> None:
    """files.csv byte for byte; the other reports byte for byte but for the run's times."""
    assert (ours / "files.csv").read_bytes() == (theirs / "files.csv").read_bytes()
    for name in ("report.json", "report.html", "case.vics.json"):
        a, b = ((folder / name).read_bytes() for folder in (ours, theirs))
        assert _TIMES.sub(b"T", a) == _TIMES.sub(b"T", b), name
