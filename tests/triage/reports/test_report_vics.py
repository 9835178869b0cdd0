"""case.vics.json: one Media per unique content, every copy a MediaFile, codes configurable."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from safeguard.triage.errors import UsageError
from safeguard.triage.records import Address, FileType, Match, Record
from safeguard.triage.reports import write_reports
from safeguard.triage.reports.vics_export import VICS_CONTEXT
from safeguard.triage.results import TriageResult

from .report_fixtures import digests


def export(tmp_path: Path, result: TriageResult) -> dict[str, Any]:
    paths = write_reports(tmp_path, result)
    document: dict[str, Any] = json.loads(paths["vics"].read_text(encoding="ascii"))
    return document


def by_md5(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {media["MD5"]: media for media in case["Media"] if "MD5" in media}


def test_it_has_the_case_envelope(tmp_path: Path, result: TriageResult) -> None:
    document = export(tmp_path, result)
    assert document["@odata.context"] == VICS_CONTEXT
    assert VICS_CONTEXT.endswith("/2.0.xml/UK/$metadata#Cases")
    [case] = document["value"]
    assert case["CaseNumber"] == "OP/TEST/0001"
    assert case["SourceApplicationName"] == "Safeguard"
    assert case["SourceApplicationVersion"] == "0.1.0"
    assert len(case["CaseID"]) == 36  # a UUID


def test_it_groups_media_by_content(tmp_path: Path, result: TriageResult) -> None:
    [case] = export(tmp_path, result)["value"]
    media = case["Media"]
    # 13 image and video records (the archive and the text file are left out), 11 contents.
    assert len(media) == 11
    assert sum(len(m["MediaFiles"]) for m in media) == 13
    assert [m["MediaID"] for m in media] == list(range(1, 12))
    assert [m["Category"] for m in media] == [1, 0, 0, 0, 0, 3, 3, 2, 1, 0, 0]


def test_it_describes_each_copy(tmp_path: Path, result: TriageResult) -> None:
    [case] = export(tmp_path, result)["value"]
    a1 = by_md5(case)[digests("a1")["md5"]]
    assert a1["SHA1"] == digests("a1")["sha1"]
    assert (a1["IsDistributed"], a1["VictimIdentified"], a1["Series"]) == (
        True,
        True,
        "fictional-series",
    )
    assert a1["IsPrecategorized"] is True and a1["IsSuspected"] is False
    deleted, live = a1["MediaFiles"]
    assert deleted["Deleted"] is deleted["Unallocated"] is True
    assert live["Deleted"] is False
    assert live["FileName"] == "a1.jpg"
    assert live["FilePath"] == "exhibit-01.E01 › p2 › NTFS › /Users/sam/Pictures/a1.jpg"
    assert (live["Written"], live["Created"]) == ("2023-11-14T22:13:20Z", "2023-11-14T21:13:20Z")
    assert "Written" not in deleted  # unknown times are omitted


def test_it_marks_a_perceptual_match(tmp_path: Path, result: TriageResult) -> None:
    [case] = export(tmp_path, result)["value"]
    b1 = by_md5(case)[digests("b1")["md5"]]
    assert b1["Category"] == 2
    assert b1["IsPrecategorized"] is False and b1["IsSuspected"] is True
    assert "not an identical file" in b1["Comments"] and "distance 12" in b1["Comments"]


def test_it_keeps_archive_members_and_unreadable_media(
    tmp_path: Path, result: TriageResult
) -> None:
    [case] = export(tmp_path, result)["value"]
    c1 = by_md5(case)[digests("c1")["md5"]]
    paths = [f["FilePath"] for f in c1["MediaFiles"]]
    assert paths[0].endswith("/Users/sam/Downloads/photos.zip!/inner/c1.jpg")
    [unreadable] = [m for m in case["Media"] if "MD5" not in m]
    assert unreadable["MediaFiles"][0]["FileName"] == "bad\udcffname.jpg"
    assert unreadable["Category"] == 0


def test_it_uses_configured_codes(tmp_path: Path, make_result: Callable[..., TriageResult]) -> None:
    result = make_result()
    result.options["vics_category_codes"] = {"A": 10, "B": "20", "C": 30, "uncategorised": 99}
    [case] = export(tmp_path, result)["value"]
    assert [m["Category"] for m in case["Media"]] == [10, 99, 0, 0, 0, 30, 30, 20, 10, 0, 0]


def test_it_notes_a_category_without_a_code(
    tmp_path: Path, make_result: Callable[..., TriageResult]
) -> None:
    result = make_result()
    result.options["vics_category_codes"] = {"A": 1, "B": 2}
    [case] = export(tmp_path, result)["value"]
    c1 = by_md5(case)[digests("c1")["md5"]]
    assert c1["Category"] == 0 and "'C' has no VICS code" in c1["Comments"]


@pytest.mark.parametrize("codes", [{"A": "one"}, {"A": True}, {"A": -1}, ["A"]])
def test_it_rejects_bad_codes_before_writing(
    tmp_path: Path, make_result: Callable[..., TriageResult], codes: object
) -> None:
    result = make_result()
    result.options["vics_category_codes"] = codes
    with pytest.raises(UsageError):
        write_reports(tmp_path, result)
    assert list(tmp_path.iterdir()) == []


def test_it_keeps_the_nearest_perceptual_match(tmp_path: Path, result: TriageResult) -> None:
    def copy(path: str, distance: int) -> Record:
        return Record(
            address=Address(evidence="e", path=path),
            size=10,
            file_type=FileType.IMAGE,
            digests=digests("p1"),
            hashset="fictional-known-bad",
            category="B",
            match=Match.PERCEPTUAL,
            distance=distance,
        )

    result.records = [copy("/far.jpg", 20), copy("/near.jpg", 8), copy("/mid.jpg", 15)]
    [case] = export(tmp_path, result)["value"]
    [media] = case["Media"]
    assert len(media["MediaFiles"]) == 3
    assert "PDQ distance 8." in media["Comments"]
