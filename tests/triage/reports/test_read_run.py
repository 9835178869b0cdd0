"""read_run: a finished run read back as the writers wrote it, report.json once, as
dataclasses, its warnings keeping their Address."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safeguard.triage import (
    Address,
    CategoryFigures,
    ReportError,
    Summary,
    TriageWarning,
    read_run,
)
from safeguard.triage.reports import write_reports_with_summary
from safeguard.triage.results import TriageResult

from .report_fixtures import build_records


def test_it_reads_back_what_was_written(tmp_path: Path, result: TriageResult) -> None:
    paths, summary = write_reports_with_summary(tmp_path, result)
    run = read_run(tmp_path)
    assert run.summary == summary
    assert run.summary.as_dict() == json.loads(paths["json"].read_text())["summary"]
    assert (run.tool, run.version) == (result.tool, result.version)
    assert (run.started, run.finished) == (result.started, result.finished)
    assert run.digests == tuple(result.digests)
    assert [e.as_dict() for e in run.evidence] == [e.as_dict() for e in result.evidence]
    assert [h.as_dict() for h in run.hashsets] == [h.as_dict() for h in result.hashsets]
    assert run.warnings == sorted(result.warnings, key=TriageWarning.sort_key)
    assert run.options["case_number"] == result.options["case_number"]


def test_warnings_keep_their_address(tmp_path: Path, result: TriageResult) -> None:
    result.warnings[:] = [w for w in result.warnings if w.message != "bad CRC"]
    result.warnings.append(TriageWarning(
        Address("disk › 1.E01", "/a.jpg", partition="p1", filesystem="NTFS", inode="7",
                archive=("/x!/y.zip", "/b!.tar")), "archive", "bad CRC"))
    result.warnings.append(TriageWarning(Address.of_evidence("disk › 1.E01", "p3"), "walk",
                                         "unreadable partition"))
    write_reports_with_summary(tmp_path, result)
    by_message = {w.message: w.address for w in read_run(tmp_path).warnings}
    assert by_message["bad CRC"] == result.warnings[-2].address
    assert by_message["bad CRC"].archive == ("/x!/y.zip", "/b!.tar")
    assert by_message["unreadable partition"] == Address.of_evidence("disk › 1.E01", "p3")
    assert str(by_message["unreadable partition"]) == "disk › 1.E01 › p3"


def test_the_records_come_back_from_files_csv(tmp_path: Path, result: TriageResult) -> None:
    write_reports_with_summary(tmp_path, result)
    run = read_run(tmp_path)
    expected = build_records()
    back = list(run.records())
    # A name that was not decodable is written as visible text ("\\udcff"): read as that.
    assert [r.address for r in back] == [_as_written(r.address) for r in expected]
    assert [r.digests for r in back] == [r.digests for r in expected]
    assert [row["path"] for row in run.rows()] == [_as_written(r.address).path
                                                   for r in expected]


def _as_written(address: Address) -> Address:
    def text(value: str) -> str:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")

    return Address(text(address.evidence), text(address.path), text(address.partition),
                   text(address.filesystem), text(address.inode),
                   tuple(text(p) for p in address.archive))


def test_a_report_from_before_warning_locations_still_reads(tmp_path: Path,
                                                            result: TriageResult) -> None:
    write_reports_with_summary(tmp_path, result)
    path = tmp_path / "report.json"
    report = json.loads(path.read_text())
    for warning in report["warnings"]:
        del warning["location"]
    categories = report["summary"]["categories"]
    for figures in categories.values():  # a report from before known_to_circulate
        figures["distributed"] = figures.pop("known_to_circulate")
    path.write_text(json.dumps(report))
    run = read_run(tmp_path)
    assert [str(w.address) for w in run.warnings] == [w["address"] for w in report["warnings"]]
    assert {w.address.evidence for w in run.warnings} == {"exhibit-01.E01"}
    assert {name: f.known_to_circulate for name, f in run.summary.categories.items()} == {
        name: f["distributed"] for name, f in categories.items()}


def test_figures_missing_from_a_summary_read_as_zero() -> None:
    summary = Summary.from_dict({"files": 3, "categories": {"A": {"images": 2}}})
    assert summary.files == 3 and summary.exact == 0
    assert summary.categories == {"A": CategoryFigures(images=2)}


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", '{"evidence": [{"path": 1}]}',
                                  '{"warnings": 5}'])
def test_a_damaged_report_is_a_report_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "report.json").write_text(text)
    with pytest.raises(ReportError, match=r"report\.json"):
        read_run(tmp_path)


def test_a_missing_report_is_a_report_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="cannot read"):
        read_run(tmp_path)
