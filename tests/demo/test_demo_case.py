"""The demo case end to end: real FAT (MBR) and ext4 (E01) images and a nested zip,
built from synthetic pictures and clips, triaged with the demo sets. The expected
figures were counted by hand from safeguard.demo.case: which seeds are graded, which are
copied (identically or altered), which are deleted."""

import csv
import json

import pytest


@pytest.fixture(scope="module")
def demo(demo_case):
    """The demo case (tests/conftest.py) with its report and files.csv read."""
    report = json.loads((demo_case / "report" / "report.json").read_text())
    rows = list(csv.DictReader((demo_case / "report" / "files.csv").open()))
    return demo_case, report, rows


def test_the_demo_counts_every_file_of_the_three_evidence_items(demo):
    _, report, rows = demo
    summary = report["summary"]
    # USB: 10 photos, driver, notes (3 deleted); laptop: 12 pictures, 2 videos, library
    # (2 deleted); zip: itself, 7 photos, a tar.gz and its 2 scans.
    assert summary["files"] == len(rows) == 38
    assert summary["images"] == 31
    assert summary["videos"] == 2
    assert summary["known_good"] == 2
    assert summary["unmatched_images"] == 19
    assert summary["unmatched_videos"] == 1
    assert summary["warnings"] == 0
    assert sum(r["deleted"] == "true" for r in rows) == 5


def test_the_demo_gives_court_figures_per_category(demo):
    _, report, _ = demo
    categories = report["summary"]["categories"]
    assert list(categories) == ["A", "B", "C"]
    assert (categories["A"]["images"], categories["A"]["unique_images"]) == (5, 3)
    assert (categories["A"]["videos"], categories["A"]["unique_videos"]) == (1, 1)
    assert (categories["B"]["images"], categories["B"]["unique_images"]) == (3, 3)
    assert (categories["C"]["images"], categories["C"]["unique_images"]) == (4, 4)
    assert [categories[c]["deleted"] for c in "ABC"] == [1, 1, 0]
    assert [categories[c]["distributed"] for c in "ABC"] == [2, 1, 0]
    # Exact and perceptual are never mixed up: the altered copies are perceptual.
    assert [categories[c]["exact"] for c in "ABC"] == [5, 2, 3]
    assert [categories[c]["perceptual"] for c in "ABC"] == [1, 1, 1]
    assert report["summary"]["matches"] == {"exact": 10, "perceptual": 3}


def test_the_demo_finds_altered_copies_by_content(demo):
    _, _, rows = demo
    by_name = {r["path"].rsplit("/", 1)[-1]: r for r in rows}
    smaller = by_name["small_0005.jpg"]
    assert (smaller["match"], smaller["category"]) == ("perceptual", "C")
    assert 0 < int(smaller["distance"]) <= 31
    mirrored = by_name["mirror_0003.jpg"]  # found through its flipped variant
    assert (mirrored["match"], mirrored["category"]) == ("perceptual", "B")
    video = by_name["clip.mp4"]
    assert (video["match"], video["category"], video["type"]) == ("perceptual", "A", "video")
    assert all(len(r["pdq"]) == 64 for r in rows if r["type"] == "image")


def test_the_demo_groups_near_duplicates_for_review(demo):
    _, _, rows = demo
    by_name = {r["path"].rsplit("/", 1)[-1]: r for r in rows}
    assert by_name["holiday_06.jpg"]["group"] == by_name["holiday_06_copy.jpg"]["group"] != ""
    unmatched = [
        r
        for r in rows
        if r["type"] in ("image", "video") and r["match"] == "none" and r["known_good"] == "false"
    ]
    assert len(unmatched) == 20 and all(r["group"] for r in unmatched)
    # 19 unmatched pictures in 18 groups (one pair of copies), and one video.
    assert len({r["group"] for r in unmatched}) == 19
    assert all(not r["group"] for r in rows if r["match"] != "none")


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
