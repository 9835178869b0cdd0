"""The summary figures of the hand-built result, worked out record by record in conftest."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from safeguard.triage.records import Address, FileType, Record
from safeguard.triage.reports import summarise, write_reports
from safeguard.triage.reports.summary import category_order, content_identity
from safeguard.triage.results import TriageResult

from .report_fixtures import RECORD_COUNT, build_records

EXPECTED_CATEGORIES = {
    "A": {
        "images": 2,
        "videos": 1,
        "unique_images": 1,
        "unique_videos": 1,
        "deleted": 1,
        "in_shared_location_images": 0,
        "in_shared_location_videos": 0,
        "exact": 3,
        "perceptual": 0,
        "known_to_circulate": 2,
        "carved": 0,
        "thumbnails": 0,
        "thumbnails_original_not_found": 0,
        "embedded": 0,
        "distributed": 2,
    },
    "B": {
        "images": 1,
        "videos": 0,
        "unique_images": 1,
        "unique_videos": 0,
        "deleted": 0,
        "in_shared_location_images": 0,
        "in_shared_location_videos": 0,
        "exact": 0,
        "perceptual": 1,
        "known_to_circulate": 0,
        "carved": 0,
        "thumbnails": 0,
        "thumbnails_original_not_found": 0,
        "embedded": 0,
        "distributed": 0,
    },
    "C": {
        "images": 3,
        "videos": 0,
        "unique_images": 2,
        "unique_videos": 0,
        "deleted": 0,
        "in_shared_location_images": 0,
        "in_shared_location_videos": 0,
        "exact": 3,
        "perceptual": 0,
        "known_to_circulate": 0,
        "carved": 0,
        "thumbnails": 0,
        "thumbnails_original_not_found": 0,
        "embedded": 0,
        "distributed": 0,
    },
    "uncategorised": {
        "images": 1,
        "videos": 0,
        "unique_images": 1,
        "unique_videos": 0,
        "deleted": 0,
        "in_shared_location_images": 0,
        "in_shared_location_videos": 0,
        "exact": 1,
        "perceptual": 0,
        "known_to_circulate": 0,
        "carved": 0,
        "thumbnails": 0,
        "thumbnails_original_not_found": 0,
        "embedded": 0,
        "distributed": 0,
    },
}


def test_it_counts_every_figure(tmp_path: Path, result: TriageResult) -> None:
    write_reports(tmp_path, result)
    summary = json.loads((tmp_path / "report.json").read_text())["summary"]
    assert summary == {
        "files": RECORD_COUNT,
        "bytes": 64350,
        "images": 11,
        "videos": 2,
        "archives": 1,
        "known_good": 1,
        "unmatched_images": 3,
        "unmatched_videos": 1,
        "deleted": 2,
        "carved": 1,
        "in_archives": 2,
        "in_shared_location": 0,
        "warnings": 2,
        "embedded": 0,
        "thumbnails": 0,
        "thumbnails_original_not_found": 0,
        "matches": {"exact": 7, "perceptual": 1},
        "categories": EXPECTED_CATEGORIES,
    }
    # The scheme's order, then the rest: not insertion order (C is met before A).
    assert list(summary["categories"]) == ["A", "B", "C", "uncategorised"]


def test_it_agrees_with_summarise() -> None:
    summary = summarise(build_records(), warnings=2)
    assert summary.as_dict()["categories"] == EXPECTED_CATEGORIES
    assert summary.files == RECORD_COUNT


def test_it_orders_categories_scheme_first() -> None:
    names = ["uncategorised", "Z", "C", "1", "A", "b"]
    assert category_order(names) == ["A", "C", "1", "Z", "b", "uncategorised"]


def test_it_prefers_sha1_for_identity() -> None:
    address = Address(evidence="e", path="/x.jpg")
    both = Record(address, 1, FileType.IMAGE, digests={"md5": "AA", "sha1": "BB"})
    md5_only = Record(address, 1, FileType.IMAGE, digests={"md5": "AA"})
    unreadable = Record(address, 1, FileType.IMAGE)
    assert content_identity(both) == "sha1:bb"
    assert content_identity(md5_only) == "md5:aa"
    assert content_identity(unreadable).startswith("address:")


def test_it_reads_the_records_once(tmp_path: Path, result: TriageResult) -> None:
    write_reports(tmp_path, result)
    assert result.records.used  # type: ignore[attr-defined]


def test_it_accepts_a_generator(tmp_path: Path, result: TriageResult) -> None:
    result.records = (record for record in build_records())
    write_reports(tmp_path, result)
    with open(tmp_path / "files.csv", encoding="utf-8", newline="") as handle:
        assert len(list(csv.reader(handle))) == RECORD_COUNT + 1
