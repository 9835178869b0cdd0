"""A unit's own reference set (--reference DIR): the documented ground-truth format, read
strictly, and its items checked beside the built-in ones under ids of their own."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from safeguard.cli import main
from safeguard.demo.media import picture_bytes
from safeguard.validate.groundtruth import FILE_NAME, GroundTruthError, load
from safeguard.validate.runner import ValidationOptions, validate

WHEN = 1_700_000_000  # 2023-11-14T22:13:20Z


def unit_set(folder: Path, *, size_error: int = 0) -> Path:
    """A unit's reference set as a unit writes it: its evidence, and the ground truth."""
    evidence = folder / "evidence" / "exhibit-7"
    evidence.mkdir(parents=True)
    files = {"photo.jpg": picture_bytes(7), "notes/read me.txt": b"unit reference text\n"}
    expected = []
    for name, data in files.items():
        path = evidence / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (WHEN, WHEN))
        expected.append({"path": f"/{name}", "size": len(data) + size_error,
                         "modified": "2023-11-14T22:13:20Z",
                         "type": "image" if name.endswith(".jpg") else "other",
                         "md5": hashlib.md5(data).hexdigest(),
                         "sha1": hashlib.sha1(data).hexdigest(),
                         "sha256": hashlib.sha256(data).hexdigest(),
                         "known_good": False, "match": "none"})
    truth: dict[str, Any] = {
        "format": "safeguard-groundtruth/1", "name": "Unit set 7",
        "items": [{"id": "exhibit-7", "title": "A folder of the unit's",
                   "evidence": "evidence/exhibit-7", "kind": "directory", "files": expected}],
    }
    (folder / FILE_NAME).write_text(json.dumps(truth))
    return folder


def test_a_units_set_is_checked_under_its_own_ids(tmp_path: Path) -> None:
    right = unit_set(tmp_path / "right")
    wrong = unit_set(tmp_path / "wrong", size_error=1)
    validation = validate(ValidationOptions(
        out=tmp_path / "out", references=[right, wrong], items=["card-split"],
        groups=["listing", "digests", "counts", "outcomes"]))
    results = {a.id: a for a in validation.assertions}
    for name in ("R1-LIST-exhibit-7", "R1-DIG-exhibit-7", "R1-EV-exhibit-7", "CNT-R1-main",
                 "OUT-R1-main"):
        assert results[name].passed, results[name].observed
    assert not results["R2-LIST-exhibit-7"].passed
    assert "/photo.jpg: size " in results["R2-LIST-exhibit-7"].observed
    assert not results["CNT-R2-main"].passed
    assert "bytes:" in results["CNT-R2-main"].observed
    assert results["LIST-card-split"].passed


def test_the_built_in_data_is_itself_a_reference_set(tmp_path: Path) -> None:
    from safeguard.validate.reference import build_reference

    built = build_reference(tmp_path / "ref", 5, items=["card-split", "archive-not-examined"])
    again = load(tmp_path / "ref")
    assert again.as_dict() == built.as_dict()
    assert [item.exit_status for item in again.items] == [0, 4]


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t["items"][0].update(colour="red"), "item 'exhibit-7': unknown field(s) colour"),
    (lambda t: t["items"][0]["files"][0].update(size="12"), "size has the wrong kind of value"),
    (lambda t: t["items"][0]["files"][0].update(match="maybe"), "match must be one of"),
    (lambda t: t["items"][0].update(evidence="evidence/gone"), "evidence/gone does not exist"),
    (lambda t: t.update(format="other/2"), "format is 'other/2'"),
    (lambda t: t["items"][0].pop("kind"), "item 'exhibit-7': missing kind"),
    (lambda t: t["items"][0].pop("id"), "items[0]: missing id"),
])
def test_a_mistake_in_the_ground_truth_is_named(tmp_path: Path, change: Any,
                                                message: str) -> None:
    folder = unit_set(tmp_path / "unit")
    truth = json.loads((folder / FILE_NAME).read_text())
    change(truth)
    (folder / FILE_NAME).write_text(json.dumps(truth))
    with pytest.raises(GroundTruthError, match=re.escape(message)):
        load(folder)


def test_the_command_refuses_a_bad_reference_in_one_line(tmp_path: Path) -> None:
    folder = unit_set(tmp_path / "unit")
    (folder / FILE_NAME).write_text("{not json")
    result = CliRunner().invoke(main, ["validate", "--out", str(tmp_path / "out"),
                                       "--reference", str(folder)])
    assert result.exit_code == 3, result.output
    assert "Error: " in result.output and "groundtruth.json" in result.output
    assert "Traceback" not in result.output


def test_the_command_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    result = CliRunner().invoke(main, ["validate", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "give an empty folder" in result.output
    assert (tmp_path / "mine.txt").exists()


def test_an_unknown_group_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["validate", "--groups", "listing,speed"])
    assert result.exit_code == 2 and "unknown group(s) speed" in result.output
