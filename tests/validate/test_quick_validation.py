"""A quick validation passes on the current engine and writes its three reports; the PDF
is readable on paper (its pages rendered to pictures, its text read back)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from safeguard.validate.assertions import GROUPS
from safeguard.validate.statements import criteria

from .conftest import QuickRun


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    assert found, f"{tool} not found: install the Debian package poppler-utils"
    return found


def test_it_passes_and_says_so_in_one_line(quick_run: QuickRun) -> None:
    assert quick_run.exit_code == 0, quick_run.output
    outcome = quick_run.report["outcome"]
    assert outcome.startswith("PASSED: all ") and "not a full validation" in outcome
    assert quick_run.report["passed"] is True
    assert outcome in quick_run.output


def test_every_assertion_has_an_id_what_it_checks_expected_observed_and_a_result(
    quick_run: QuickRun,
) -> None:
    assertions = quick_run.report["assertions"]
    assert len(assertions) > 25
    ids = [a["id"] for a in assertions]
    assert len(set(ids)) == len(ids)
    for a in assertions:
        assert a["group"] in GROUPS
        assert a["checks"] and a["expected"] and a["observed"], a
        assert a["passed"] is True, a
    groups = {a["group"] for a in assertions}
    assert groups == set(GROUPS) - {"coverage"}  # the quick set leaves coverage out
    for wanted in ("DIG-disk-mbr", "TSK-disk-mbr", "DEL-laptop-e01", "PER-main",
                   "HS-EXACT-main", "HS-CLEAN-main", "CNT-main", "DET-01", "RES-01",
                   "UNCH-01", "UNCH-02", "OUT-e01-altered", "OUT-corrupt-archives"):
        assert wanted in ids


def test_the_criteria_come_first_each_with_its_result(quick_run: QuickRun) -> None:
    results = {c["id"]: c["result"] for c in quick_run.report["criteria"]}
    assert list(results) == [c.id for c in criteria()]
    assert results.pop("AC-11") == "not run"
    assert set(results.values()) == {"passed"}
    html = (quick_run.out / "validation.html").read_text()
    assert html.index("Outcome: PASSED") < html.index("Acceptance criteria") < html.index(
        "Assertions")


def test_the_environment_names_what_was_validated(quick_run: QuickRun) -> None:
    env = quick_run.report["environment"]
    assert env["tool"]["version"]
    assert "pytsk3" in env["dependencies"] and "numpy" in env["dependencies"]
    assert "The Sleuth Kit" in env["tools"]["fls"]
    assert env["python"] and env["os"] and env["cpu"] and env["memory"]
    assert quick_run.report["seconds"] > 0 and quick_run.report["stages"]


def test_the_reference_data_is_kept_with_its_ground_truth(quick_run: QuickRun) -> None:
    folder = quick_run.out / "reference-data"
    assert (folder / "groundtruth.json").is_file()
    [built] = quick_run.report["reference_sets"]
    assert {item["id"] for item in built["items"]} >= {"seized-folder", "disk-mbr"}


def test_the_pdf_reads_on_paper(quick_run: QuickRun, tmp_path: Path) -> None:
    pdf = quick_run.out / "validation.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run([poppler("pdftoppm"), "-r", "50", "-png", str(pdf), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    with Image.open(pages[0]) as first:
        grey = first.convert("L")
        assert grey.getextrema()[0] < 60  # dark text on the page, not a blank sheet
    text = subprocess.run([poppler("pdftotext"), "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    page_one = text.split("\f")[0]
    assert "Outcome: PASSED" in page_one and "Acceptance criteria" in page_one
    for heading in ("Assertions", "Reference data", "Known limitations", "Environment"):
        assert heading in text
    assert "DIG-disk-mbr" in text and "L-CARVING" in text


@pytest.mark.parametrize("name", ["validation.html", "validation.json", "validation.pdf"])
def test_the_three_reports_are_written(quick_run: QuickRun, name: str) -> None:
    assert (quick_run.out / name).stat().st_size > 1000
