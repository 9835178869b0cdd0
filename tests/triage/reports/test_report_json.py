"""report.json: the documented shape, deterministic, and whole or absent."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from safeguard.triage.records import Record
from safeguard.triage.reports import OUTPUTS, write_reports
from safeguard.triage.results import TriageResult

from .report_fixtures import build_records

TIMES = re.compile(r'^  "(started|finished)": .*$', re.MULTILINE)


def test_it_has_the_documented_shape(tmp_path: Path, result: TriageResult) -> None:
    paths = write_reports(tmp_path, result)
    assert {kind: path.name for kind, path in paths.items()} == OUTPUTS
    report = json.loads(paths["json"].read_text(encoding="ascii"))
    assert list(report) == [
        "tool",
        "started",
        "finished",
        "options",
        "digests",
        "evidence",
        "hashsets",
        "summary",
        "warnings",
    ]
    assert report["tool"] == {"name": "Safeguard", "version": "0.1.0"}
    assert report["options"]["evidence"] == ["/cases/exhibit-01.E01"]
    assert [e["verified"] for e in report["evidence"]] == [True, None, False]
    assert report["hashsets"][1]["scheme"] is None
    assert report["warnings"][0] == {
        "address": "exhibit-01.E01 › p2 › NTFS › /Users/sam/<img src=x onerror=alert(1)>",
        "stage": "read",
        "message": "truncated file & <bad> data",
        "location": {"evidence": "exhibit-01.E01", "partition": "p2", "filesystem": "NTFS",
                     "path": "/Users/sam/<img src=x onerror=alert(1)>", "archive": "",
                     "inode": ""},
    }


def test_it_is_deterministic(tmp_path: Path, make_result: Callable[..., TriageResult]) -> None:
    first = make_result()
    second = make_result(
        started="2024-06-01T00:00:00Z",
        finished="2024-06-01T00:05:00Z",
        # Options given in another order, and warnings reported in another order (as
        # parallel workers would): neither may change the bytes.
        options=dict(reversed(list(first.options.items()))),
        warnings=list(reversed(first.warnings)),
    )
    one = write_reports(tmp_path / "one", first)
    two = write_reports(tmp_path / "two", second)
    text_one, text_two = (paths["json"].read_text() for paths in (one, two))
    assert text_one != text_two  # the times differ...
    assert TIMES.sub("", text_one) == TIMES.sub("", text_two)  # ...and nothing else
    for kind in ("csv", "vics"):  # (the page shows the times)
        assert one[kind].read_bytes() == two[kind].read_bytes(), kind


def test_it_leaves_nothing_behind_when_the_run_fails(tmp_path: Path, result: TriageResult) -> None:
    def failing() -> Iterator[Record]:
        yield from build_records()[:3]
        raise OSError("the pipeline died")

    result.records = failing()
    with pytest.raises(OSError):
        write_reports(tmp_path, result)
    assert list(tmp_path.iterdir()) == []  # no partial report, no scratch database


def test_it_writes_options_it_cannot_encode_as_text(tmp_path: Path, result: TriageResult) -> None:
    result.options["thresholds"] = {"pdq": 31, "vpdq": {0.8, 0.5}}
    result.options["nan"] = float("nan")
    result.options["object"] = object()  # not JSON
    paths = write_reports(tmp_path, result)
    options = json.loads(paths["json"].read_text())["options"]
    assert options["thresholds"] == {"pdq": 31, "vpdq": [0.5, 0.8]}
    assert options["nan"] == "nan"
    assert isinstance(options["object"], str)
