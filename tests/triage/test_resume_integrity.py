"""A resumed run finishes the run it was, over the evidence it was, or refuses; a damaged
journal is a clear error; two runs never share an output folder (the review's "Resume and
concurrency")."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeguard.cli import ExitCode, main
from safeguard.demo.media import picture_bytes
from safeguard.triage.errors import ResumeRefused
from safeguard.triage.outdir import OutputFolder
from safeguard.triage.pipeline import TriageOptions, triage

from .killing import kill_after


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["triage", *args, "--quiet"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, " ".join(result.output.split())  # the console wraps lines


def interrupted_run(evidence: Path, out: Path) -> None:
    """A finished run made to look interrupted: reports gone, journal kept."""
    code, output = cli(str(evidence), "--out", str(out), "--no-perceptual")
    assert code in (0, 4), output
    for name in ("report.json", "files.csv", "report.html", "case.vics.json"):
        (out / name).unlink()


def test_resume_refuses_an_image_replaced_at_the_same_path(
    fat16_image: Path, ext4_image: Path, tmp_path: Path
) -> None:
    evidence = tmp_path / "ev.raw"
    shutil.copyfile(fat16_image, evidence)
    out = tmp_path / "out"
    interrupted_run(evidence, out)
    shutil.copyfile(ext4_image, evidence)
    code, output = cli(str(evidence), "--out", str(out), "--no-perceptual", "--resume")
    assert code == ExitCode.USAGE
    assert "not the evidence the interrupted run examined" in output
    assert not (out / "report.json").exists()


def test_resume_refuses_a_change_the_samples_miss(fat16_image: Path, tmp_path: Path) -> None:
    evidence = tmp_path / "ev.raw"
    shutil.copyfile(fat16_image, evidence)
    out = tmp_path / "out"
    interrupted_run(evidence, out)
    # One byte changed between the sampled blocks: only the whole-image digest sees it.
    with open(evidence, "r+b") as f:
        f.seek(64 * 1024 + 5)
        byte = f.read(1)
        f.seek(64 * 1024 + 5)
        f.write(bytes([byte[0] ^ 0xFF]))
    options = TriageOptions(out_dir=out, workers=2, perceptual=None, resume=True)
    with pytest.raises(ResumeRefused, match="SHA-256 is now"):
        triage([str(evidence)], options)
    assert not (out / "report.json").exists()


def test_resume_refuses_a_file_changed_in_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "seized"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(picture_bytes(1))
    (folder / "b.jpg").write_bytes(picture_bytes(2))
    out = tmp_path / "out"
    interrupted_run(folder, out)
    (folder / "a.jpg").write_bytes(picture_bytes(3) + b"longer")
    code, output = cli(str(folder), "--out", str(out), "--no-perceptual", "--resume")
    assert code == ExitCode.USAGE and "a.jpg" in output and "changed since" in output


def test_an_unchanged_resume_still_reports(fat16_image: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    interrupted_run(fat16_image, out)
    code, output = cli(str(fat16_image), "--out", str(out), "--no-perceptual", "--resume")
    assert code in (0, 4), output
    assert (out / "report.json").exists()


@pytest.mark.parametrize("damage", ["random", "truncated", "record"])
def test_a_damaged_journal_is_a_clear_error(damage: str, tmp_path: Path) -> None:
    folder = tmp_path / "seized"
    folder.mkdir()
    for i in range(5):
        (folder / f"{i}.bin").write_bytes(os.urandom(100))
    out = tmp_path / "out"
    interrupted_run(folder, out)
    journal = out / "journal.sqlite"
    if damage == "random":
        journal.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        con = sqlite3.connect(journal)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        data = journal.read_bytes()
        journal.write_bytes(data[: len(data) // 2])
        for leftover in out.glob("journal.sqlite-*"):
            leftover.unlink()
    else:
        con = sqlite3.connect(journal)
        con.execute("UPDATE records SET data = '[1, 2]' WHERE key = (SELECT min(key) FROM records)")
        con.commit()
        con.close()
    code, output = cli(str(folder), "--out", str(out), "--no-perceptual", "--resume")
    assert code == ExitCode.USAGE, output
    assert "journal" in output and "cannot be" in output
    assert "Traceback" not in output


def test_a_second_run_into_a_busy_output_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "seized"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"a")
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path;"
         "from safeguard.triage.outdir import OutputFolder;"
         "f = OutputFolder(Path(sys.argv[1])); f.__enter__(); print('held', flush=True);"
         "time.sleep(60)", str(out)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        for extra in ((), ("--resume",)):
            code, output = cli(str(folder), "--out", str(out), *extra)
            assert code == ExitCode.USAGE
            assert "in use by another triage run" in output and str(holder.pid) in output
    finally:
        holder.kill()
        holder.wait()
    # The lock dies with its process (kill -9 included): the folder is usable again.
    code, output = cli(str(folder), "--out", str(out))
    assert code == 0, output
    with OutputFolder(out):
        pass


@pytest.mark.slow
def test_a_run_killed_inside_a_large_archive_resumes_inside_it(tmp_path: Path) -> None:
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for i in range(30_000):
            z.writestr(f"d{i // 1000:02d}/f{i:05d}.txt", b"benign %d" % i)
    command = [sys.executable, "-m", "safeguard.cli", "triage", str(archive), "--workers",
               "1", "--quiet", "--no-perceptual"]
    out = tmp_path / "interrupted"
    committed = kill_after([*command, "--out", str(out)], out / "journal.sqlite", 2000)
    assert 2000 <= committed < 30_001  # records were journalled before the archive ended
    subprocess.run([*command, "--out", str(out), "--resume"], check=True)
    full = tmp_path / "full"
    subprocess.run([*command, "--out", str(full)], check=True)
    assert (out / "files.csv").read_bytes() == (full / "files.csv").read_bytes()
    with open(full / "files.csv", newline="") as f:
        assert sum(1 for _ in csv.DictReader(f)) == 30_001
    stats = json.loads((out / "runs.jsonl").read_text().splitlines()[-1])
    assert stats["skipped"] >= committed - 1
