"""The demo case end to end: real FAT (MBR) and ext4 (E01) images and a nested zip,
built from synthetic pictures, triaged with the demo sets. The expected figures were
counted by hand from safeguard.demo.case: which seeds are graded, which are copied,
which are deleted."""

import csv
import json

import pytest

from safeguard.demo.case import run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("demo")
    assert run_demo(workdir, workdir / "home") == 0
    report = json.loads((workdir / "report" / "report.json").read_text())
    rows = list(csv.DictReader((workdir / "report" / "files.csv").open()))
    return workdir, report, rows


def test_the_demo_counts_every_file_of_the_three_evidence_items(demo):
    _, report, rows = demo
    summary = report["summary"]
    # USB: 10 photos, driver, notes (3 deleted); laptop: 10 pictures + library (2
    # deleted); zip: itself, 6 photos, a tar.gz and its 2 scans.
    assert summary["files"] == len(rows) == 33
    assert summary["images"] == 28
    assert summary["known_good"] == 2
    assert summary["unmatched_images"] == 18
    assert summary["warnings"] == 0
    assert sum(r["deleted"] == "true" for r in rows) == 5


def test_the_demo_gives_court_figures_per_category(demo):
    _, report, _ = demo
    categories = report["summary"]["categories"]
    assert list(categories) == ["A", "B", "C"]
    assert (categories["A"]["images"], categories["A"]["unique_images"]) == (5, 3)
    assert (categories["B"]["images"], categories["B"]["unique_images"]) == (2, 2)
    assert (categories["C"]["images"], categories["C"]["unique_images"]) == (3, 3)
    assert [categories[c]["deleted"] for c in "ABC"] == [1, 1, 0]
    assert [categories[c]["distributed"] for c in "ABC"] == [2, 1, 0]


def test_the_demo_verifies_the_e01_and_digests_the_raw_image(demo):
    _, report, _ = demo
    evidence = {e["kind"]: e for e in report["evidence"]}
    assert evidence["e01"]["verified"] is True
    assert evidence["raw"]["verified"] is None and len(evidence["raw"]["sha256"]) == 64
    assert len(evidence["file"]["sha256"]) == 64


def test_the_demo_addresses_deleted_and_nested_items(demo):
    _, _, rows = demo
    by_path = {(r["evidence"].rsplit("/", 1)[-1], r["path"]): r for r in rows}
    deleted_a2 = by_path[("laptop.E01", "/home/demo/Downloads/a2.jpg")]
    assert deleted_a2["deleted"] == "true" and deleted_a2["category"] == "A"
    assert deleted_a2["filesystem"] == "ext4"
    scan = by_path[("shared-folder.zip", "/old/scan_201.jpg")]
    assert scan["archive"] == "/shared-folder.zip!/shared/old.tar.gz"
    assert scan["category"] == "C" and scan["match"] == "exact"
    usb = [r for r in rows if r["evidence"].endswith("usb-stick.dd")]
    assert {r["partition"] for r in usb} == {"p1 (sector 2048)"}
    assert {r["filesystem"] for r in usb} == {"FAT16"}
