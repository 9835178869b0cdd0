"""Each kind of assertion fails, naming itself and what it found, when the engine's
results are wrong: a digest, a deleted file's recovery, and the determinism of the
reports are broken here one at a time (the engine's outputs are altered after a real run,
through the one function the validation runs the engine with)."""

from __future__ import annotations

import csv
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from safeguard.validate import engine
from safeguard.validate.runner import Validation, ValidationOptions, validate

Rows = list[dict[str, str]]


def rewrite_files_csv(out: Path, change: Callable[[Rows], None]) -> None:
    path = out / "files.csv"
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = list(reader.fieldnames or []), list(reader)
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fields, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def tamper(monkeypatch: pytest.MonkeyPatch, run_name: str,
           change: Callable[[Rows], None]) -> None:
    real = engine.run_triage

    def run_then_alter(name: str, *args: object, **kwargs: object) -> engine.EngineRun:
        run = real(name, *args, **kwargs)  # type: ignore[arg-type]
        if name == run_name:
            rewrite_files_csv(run.out, change)
        return run

    monkeypatch.setattr(engine, "run_triage", run_then_alter)


def small(tmp_path: Path, *groups: str) -> Validation:
    """The FAT12 card (split raw, two deleted files) alone."""
    return validate(ValidationOptions(out=tmp_path / "out", items=["card-split"],
                                      groups=groups))


def failed(validation: Validation) -> dict[str, str]:
    return {a.id: a.observed for a in validation.failed}


def test_the_card_alone_passes(tmp_path: Path) -> None:
    validation = small(tmp_path, "digests", "deleted", "determinism")
    assert validation.failed == [], [a.observed for a in validation.failed]
    assert {a.id for a in validation.assertions} == {"EV-card-split", "DIG-card-split",
                                                     "TSK-card-split", "DEL-card-split",
                                                     "DET-01"}


def test_a_wrong_digest_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def break_a_digest(rows: Rows) -> None:
        row = next(r for r in rows if r["path"] == "/MISC/readme.txt")
        row["sha1"] = hashlib.sha1(b"something else").hexdigest()

    tamper(monkeypatch, "main", break_a_digest)
    validation = small(tmp_path, "digests")
    found = failed(validation)
    assert set(found) == {"DIG-card-split", "TSK-card-split"}
    assert "/MISC/readme.txt: sha1 " in found["DIG-card-split"]
    assert "icat's bytes give" in found["TSK-card-split"]
    assert validation.outcome().startswith("FAILED: 2 of 3 assertions failed (")
    assert "DIG-card-split" in validation.outcome()


def test_a_deleted_file_not_recovered_is_named(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def recover_zeros(rows: Rows) -> None:
        row = next(r for r in rows if r["deleted"] == "true" and r["path"].endswith(".jpg"))
        zeros = bytes(int(row["size"]))
        row["md5"], row["sha1"], row["sha256"] = (hashlib.md5(zeros).hexdigest(),
                                                  hashlib.sha1(zeros).hexdigest(),
                                                  hashlib.sha256(zeros).hexdigest())

    tamper(monkeypatch, "main", recover_zeros)
    found = failed(small(tmp_path, "deleted"))
    assert list(found) == ["DEL-card-split"]
    assert "Deleted Holiday Photo.jpg (deleted): md5 " in found["DEL-card-split"]
    assert "the original's is" in found["DEL-card-split"]


def test_a_deleted_file_reported_live_is_named(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def undelete(rows: Rows) -> None:
        next(r for r in rows if r["deleted"] == "true")["deleted"] = "false"

    tamper(monkeypatch, "main", undelete)
    found = failed(small(tmp_path, "deleted", "listing"))
    assert set(found) == {"DEL-card-split", "LIST-card-split"}
    assert "not found as deleted" in found["DEL-card-split"]


def test_reports_that_differ_between_two_runs_are_named(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    def reorder(rows: Rows) -> None:
        rows[0], rows[1] = rows[1], rows[0]

    tamper(monkeypatch, "main again", reorder)
    validation = small(tmp_path, "determinism")
    found = failed(validation)
    assert list(found) == ["DET-01"]
    assert "files.csv differs from byte" in found["DET-01"]
    assert validation.outcome() == "FAILED: 1 of 1 assertions failed (DET-01)"


def test_an_engine_that_crashes_is_a_failure_naming_the_exception(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crashing(*args: object) -> list[str]:
        return [sys.executable, "-c", "raise RuntimeError('reader broke')"]

    monkeypatch.setattr(engine, "command", crashing)
    validation = validate(ValidationOptions(out=tmp_path / "out",
                                            items=["archive-not-examined"],
                                            groups=["outcomes", "listing"]))
    found = failed(validation)
    assert set(found) == {"OUT-archive-not-examined", "LIST-archive-not-examined"}
    assert found["OUT-archive-not-examined"] == (
        "crashed: exit 1: RuntimeError: reader broke (File \"<string>\", line 1, in <module>)")
    assert "no reports to check" in found["LIST-archive-not-examined"]
