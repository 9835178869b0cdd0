"""files.csv: one row per record, fixed columns, values round-trip through the csv module."""

from __future__ import annotations

import csv
from pathlib import Path

from safeguard.triage.reports import FIELDNAMES, write_reports
from safeguard.triage.results import TriageResult

from .report_fixtures import HOSTILE_NAME, RECORD_COUNT

# The order the format documents; issue 3 appends pdq, pdq_quality and group; the
# shared-location court figure appends shared_location; issue 17 appends embedded,
# thumbnail, original_path and original_not_found.
DOCUMENTED = [
    "evidence",
    "partition",
    "filesystem",
    "path",
    "archive",
    "inode",
    "size",
    "modified",
    "accessed",
    "changed",
    "created",
    "deleted",
    "carved",
    "type",
    "mime",
    "md5",
    "sha1",
    "sha256",
    "known_good",
    "known_good_set",
    "hashset",
    "category",
    "series",
    "distributed",
    "victim_identified",
    "match",
    "distance",
    "error",
    "pdq",
    "pdq_quality",
    "group",
    "shared_location",
    "embedded",
    "thumbnail",
    "original_path",
    "original_not_found",
    "match_method",
]


def read_rows(tmp_path: Path, result: TriageResult) -> list[dict[str, str]]:
    write_reports(tmp_path, result)
    with open(tmp_path / "files.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == DOCUMENTED
    assert all(len(row) == len(DOCUMENTED) for row in rows), "ragged row"
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_it_has_the_documented_columns() -> None:
    assert list(FIELDNAMES) == DOCUMENTED


def test_it_writes_one_row_per_record(tmp_path: Path, result: TriageResult) -> None:
    assert len(read_rows(tmp_path, result)) == RECORD_COUNT


def test_it_round_trips_a_hostile_name(tmp_path: Path, result: TriageResult) -> None:
    paths = [row["path"] for row in read_rows(tmp_path, result)]
    assert "/Users/sam/Desktop/" + HOSTILE_NAME in paths


def test_it_writes_undecodable_names_visibly(tmp_path: Path, result: TriageResult) -> None:
    rows = read_rows(tmp_path, result)
    unreadable = next(row for row in rows if row["error"])
    assert unreadable["path"] == "/Users/sam/Desktop/bad\\udcffname.jpg"
    assert unreadable["md5"] == unreadable["sha1"] == unreadable["sha256"] == ""


def test_it_spells_values(tmp_path: Path, result: TriageResult) -> None:
    rows = read_rows(tmp_path, result)
    a1 = next(row for row in rows if row["path"] == "/Users/sam/Pictures/a1.jpg")
    assert a1["evidence"] == "exhibit-01.E01"
    assert a1["partition"] == "p2" and a1["filesystem"] == "NTFS"
    assert a1["modified"] == "2023-11-14T22:13:20Z"
    assert a1["accessed"] == "2023-11-14T22:14:20Z"
    assert a1["created"] == "2023-11-14T21:13:20Z"
    assert (a1["deleted"], a1["distributed"], a1["victim_identified"]) == ("false", "true", "true")
    assert (a1["type"], a1["category"], a1["match"], a1["distance"]) == ("image", "A", "exact", "")
    assert a1["series"] == "fictional-series"
    b1 = next(row for row in rows if row["path"].endswith("b1.png"))
    assert (b1["match"], b1["distance"]) == ("perceptual", "12")
    member = next(row for row in rows if row["path"] == "/inner/c2.jpg")
    assert member["archive"] == "/Users/sam/Downloads/photos.zip"
    known = next(row for row in rows if row["known_good"] == "true")
    assert known["known_good_set"] == "fictional-known-good" and known["match"] == "none"
    assert next(row for row in rows if row["path"].endswith("notes.txt"))["modified"] == ""
