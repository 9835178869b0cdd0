"""Perceptual matching through the whole command: a set built from reference media with
`hashset build`, evidence holding altered copies, and the switches that govern it."""

import csv
import json

import pytest
from click.testing import CliRunner
from PIL import ImageOps

from safeguard.cli import main
from safeguard.demo.media import encode, picture_bytes, synthetic_clip, synthetic_picture

SIZE = (640, 480)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEGUARD_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def reference_set(tmp_path, home):
    folder = tmp_path / "graded"
    folder.mkdir()
    for seed in (11, 12):
        (folder / f"ref{seed}.jpg").write_bytes(picture_bytes(seed, "JPEG", SIZE))
    synthetic_clip(str(folder / "ref.mp4"), 13)
    (folder / "readme.txt").write_text("not media: left out of the set")
    result = CliRunner().invoke(
        main, ["hashset", "build", str(folder), "--name", "ref", "--kind", "known-bad",
               "--category", "B", "--series", "test-series"]
    )
    assert result.exit_code == 0, result.output
    assert "3 media" in result.output and "2 with PDQ" in result.output
    return "ref"


@pytest.fixture
def evidence(tmp_path):
    root = tmp_path / "seized"
    root.mkdir()
    picture = synthetic_picture(11, SIZE)
    (root / "same.jpg").write_bytes(picture_bytes(11, "JPEG", SIZE))
    (root / "smaller.jpg").write_bytes(encode(picture.resize((320, 240)), "JPEG", quality=55))
    (root / "mirrored.jpg").write_bytes(encode(ImageOps.mirror(synthetic_picture(12, SIZE))))
    (root / "other.png").write_bytes(picture_bytes(99, "PNG", SIZE))
    (root / "other-copy.jpg").write_bytes(encode(synthetic_picture(99, SIZE).resize((800, 600))))
    (root / "broken.jpg").write_bytes(picture_bytes(98)[:300])
    synthetic_clip(str(root / "copy.avi"), 13, size=(240, 180), bit_rate=120_000)
    return root


def run(tmp_path, evidence, *options):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["triage", str(evidence), "--out", str(out), "--hashset", "ref", *options]
    )
    rows = {r["path"]: r for r in csv.DictReader((out / "files.csv").open())}
    return result, json.loads((out / "report.json").read_text()), rows


def test_altered_copies_match_perceptually_and_the_identical_one_exactly(
    tmp_path, reference_set, evidence
):
    result, report, rows = run(tmp_path, evidence)
    assert result.exit_code == 4, result.output  # the broken JPEG is a warning
    assert rows["/same.jpg"]["match"] == "exact"
    for path in ("/smaller.jpg", "/mirrored.jpg", "/copy.avi"):
        assert rows[path]["match"] == "perceptual", path
        assert rows[path]["category"] == "B" and rows[path]["series"] == "test-series"
        assert 0 <= int(rows[path]["distance"]) <= 31
    assert rows["/other.png"]["match"] == "none"
    assert [rows[p]["match_method"] for p in ("/same.jpg", "/smaller.jpg", "/copy.avi")] \
        == ["", "pdq", "vpdq"]
    b = report["summary"]["categories"]["B"]
    assert (b["exact"], b["perceptual"], b["images"], b["videos"]) == (1, 3, 3, 1)


def test_near_duplicates_of_unmatched_pictures_share_a_group(tmp_path, reference_set, evidence):
    _, _, rows = run(tmp_path, evidence)
    assert rows["/other.png"]["group"] == rows["/other-copy.jpg"]["group"] != ""
    assert rows["/smaller.jpg"]["group"] == ""


def test_a_damaged_picture_is_a_warning_naming_it(tmp_path, reference_set, evidence):
    _, report, rows = run(tmp_path, evidence)
    broken = [w for w in report["warnings"] if w["address"].endswith("broken.jpg")]
    assert [w["stage"] for w in broken] == ["media"]
    assert rows["/broken.jpg"]["pdq"] == "" and rows["/broken.jpg"]["md5"]


def test_mirrored_copies_need_the_dihedral_variants(tmp_path, reference_set, evidence):
    _, _, rows = run(tmp_path, evidence, "--no-dihedral")
    assert rows["/mirrored.jpg"]["match"] == "none"
    assert rows["/smaller.jpg"]["match"] == "perceptual"


def test_perceptual_work_can_be_switched_off(tmp_path, reference_set, evidence):
    result, report, rows = run(tmp_path, evidence, "--no-perceptual")
    assert result.exit_code == 0, result.output  # nothing is decoded, so nothing is broken
    assert {r["pdq"] for r in rows.values()} == {""}
    assert report["summary"]["matches"] == {"exact": 1, "perceptual": 0}


def test_a_tighter_distance_loses_the_harder_copies(tmp_path, reference_set, evidence):
    _, _, reference = run(tmp_path, evidence)
    mirrored = int(reference["/mirrored.jpg"]["distance"])
    smaller = int(reference["/smaller.jpg"]["distance"])
    assert mirrored < smaller  # this mirror survives better than this resize
    (tmp_path / "out").rename(tmp_path / "first")
    _, _, rows = run(tmp_path, evidence, "--pdq-distance", str(mirrored))
    assert rows["/mirrored.jpg"]["match"] == "perceptual"
    assert rows["/smaller.jpg"]["match"] == "none"


def test_a_mirrored_or_rotated_copy_joins_its_originals_group(tmp_path, reference_set):
    root = tmp_path / "seized-copies"
    root.mkdir()
    original = synthetic_picture(77, SIZE)
    (root / "original.png").write_bytes(picture_bytes(77, "PNG", SIZE))
    (root / "mirrored.jpg").write_bytes(encode(ImageOps.mirror(original)))
    (root / "turned.jpg").write_bytes(encode(original.rotate(90, expand=True)))
    (root / "unrelated.png").write_bytes(picture_bytes(78, "PNG", SIZE))
    _, _, rows = run(tmp_path, root)
    assert all(rows[p]["match"] == "none" for p in rows)
    assert rows["/original.png"]["group"] == rows["/mirrored.jpg"]["group"] \
        == rows["/turned.jpg"]["group"] != rows["/unrelated.png"]["group"]
    (tmp_path / "second").mkdir()
    _, _, plain = run(tmp_path / "second", root, "--no-dihedral")
    assert len({plain[p]["group"] for p in ("/original.png", "/mirrored.jpg",
                                            "/turned.jpg")}) == 3
