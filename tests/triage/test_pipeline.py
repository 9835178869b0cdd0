"""The whole run: reports, exit codes, evidence left untouched, resume after kill -9."""

import csv
import hashlib
import json
import os
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from safeguard.cli import main
from safeguard.demo.media import picture_bytes

from .killing import kill_after


def snapshot(root):
    """Every file's bytes and times under root: the evidence must come out unchanged,
    access times included (read before the content, which this read would update)."""
    out = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            st = os.stat(path)
            with open(path, "rb") as f:
                out[path] = (hashlib.sha256(f.read()).hexdigest(), st.st_mtime_ns, st.st_atime_ns)
    return out


@pytest.fixture
def seized(tmp_path):
    root = tmp_path / "seized"
    (root / "photos").mkdir(parents=True)
    for i in range(6):
        (root / "photos" / f"p{i}.jpg").write_bytes(picture_bytes(i))
    (root / "photos" / "copy-of-p0.jpg").write_bytes(picture_bytes(0))
    (root / "system.dll").write_bytes(b"MZ benign system file " * 50)
    (root / "notes.txt").write_text("benign")
    # Access times two days old: any ordinary read would now update them (relatime).
    old = time.time() - 2 * 86400
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            os.utime(path, (old, os.stat(path).st_mtime))
    return root


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SAFEGUARD_HOME", str(home))
    return home


def import_set(tmp_path, name, kind, text, suffix):
    path = tmp_path / f"{name}{suffix}"
    path.write_text(text)
    result = CliRunner().invoke(
        main, ["hashset", "import", str(path), "--name", name, "--kind", kind]
    )
    assert result.exit_code == 0, result.output


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def test_it_counts_known_bad_per_category_and_sets_known_good_aside(tmp_path, seized, home):
    import_set(
        tmp_path,
        "bad",
        "known-bad",
        f"md5,category,series\n{md5(picture_bytes(0))},A,demo-series\n{md5(picture_bytes(1))},C,\n",
        ".csv",
    )
    import_set(
        tmp_path,
        "good",
        "known-good",
        f"{md5(b'MZ benign system file ' * 50)}  system.dll\n",
        ".md5",
    )
    paths = [os.path.join(d, n) for d, _s, files in os.walk(seized) for n in files]
    atimes = {p: os.stat(p).st_atime_ns for p in paths}  # before anything reads them
    before = {p: v[:2] for p, v in snapshot(seized).items()}
    for p, atime in atimes.items():
        os.utime(p, ns=(atime, os.stat(p).st_mtime_ns))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["triage", str(seized), "--out", str(out), "--hashset", "bad", "--hashset", "good"]
    )
    assert result.exit_code == 0, result.output
    assert {p: os.stat(p).st_atime_ns for p in before} == atimes
    assert {p: v[:2] for p, v in snapshot(seized).items()} == before
    report = json.loads((out / "report.json").read_text())
    summary = report["summary"]
    assert summary["files"] == 9
    assert summary["images"] == 7
    assert summary["known_good"] == 1
    assert summary["unmatched_images"] == 4
    assert summary["categories"]["A"]["images"] == 2
    assert summary["categories"]["A"]["unique_images"] == 1
    assert summary["categories"]["C"]["images"] == 1
    assert [h["name"] for h in report["hashsets"]] == ["bad", "good"]
    rows = list(csv.DictReader((out / "files.csv").open()))
    assert len(rows) == 9
    matched = {r["path"]: r for r in rows if r["match"] == "exact"}
    assert set(matched) == {"/photos/p0.jpg", "/photos/copy-of-p0.jpg", "/photos/p1.jpg"}
    assert matched["/photos/p0.jpg"]["series"] == "demo-series"
    assert (out / "report.html").exists()
    vics = json.loads((out / "case.vics.json").read_text())
    assert len(vics["value"][0]["Media"]) == 6  # 7 images, one duplicate


def test_it_counts_files_in_a_file_sharing_programs_folder(tmp_path, seized, home):
    incoming = seized / "Users" / "sam" / "Downloads" / "eMule" / "Incoming"
    incoming.mkdir(parents=True)
    (incoming / "p0.jpg").write_bytes(picture_bytes(0))
    (seized / "share").mkdir()
    (seized / "share" / "p1.jpg").write_bytes(picture_bytes(1))
    import_set(tmp_path, "bad", "known-bad",
               f"md5,category\n{md5(picture_bytes(0))},A\n{md5(picture_bytes(1))},C\n", ".csv")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["triage", str(seized), "--out", str(out), "--hashset",
                                       "bad", "--shared-folder", "SHARE"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    a, c = (report["summary"]["categories"][name] for name in "AC")
    # p0: two copies in /photos, one in eMule's Incoming folder; p1: the examiner's folder.
    assert (a["images"], a["in_shared_location_images"]) == (3, 1)
    assert (c["images"], c["in_shared_location_images"]) == (2, 1)
    folders = report["options"]["shared_folders"]
    assert folders[0] == "eMule/Incoming" and folders[-1] == "SHARE"
    shared = {r["path"] for r in csv.DictReader((out / "files.csv").open())
              if r["shared_location"] == "true"}
    assert shared == {"/Users/sam/Downloads/eMule/Incoming/p0.jpg", "/share/p1.jpg"}
    refused = CliRunner().invoke(main, ["triage", str(seized), "--out", str(tmp_path / "o2"),
                                        "--shared-folder", "*"])
    assert refused.exit_code == 2 and "shared folder" in refused.output
    assert not (tmp_path / "o2").exists()


def test_it_exits_3_naming_a_missing_evidence_item_and_still_reports_the_rest(
    tmp_path, seized, home
):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["triage", str(seized), str(tmp_path / "missing.E01"), "--out", str(out)]
    )
    assert result.exit_code == 3, result.output
    report = json.loads((out / "report.json").read_text())
    assert report["summary"]["files"] == 9
    assert any("missing.E01" in w["address"] and w["stage"] == "open" for w in report["warnings"])


def test_it_exits_4_when_the_run_had_warnings(tmp_path, seized, home):
    (seized / "broken.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    result = CliRunner().invoke(main, ["triage", str(seized), "--out", str(tmp_path / "out")])
    assert result.exit_code == 4, result.output


def test_it_refuses_usage_errors_with_exit_2(tmp_path, seized, home):
    runner = CliRunner()
    assert (
        runner.invoke(
            main, ["triage", str(seized), "--out", str(tmp_path / "o"), "--digests", "crc"]
        ).exit_code
        == 2
    )
    inside = runner.invoke(main, ["triage", str(seized), "--out", str(seized / "reports")])
    assert inside.exit_code == 2 and "inside the evidence" in inside.output
    assert not (seized / "reports").exists()
    assert (
        runner.invoke(main, ["triage", str(seized), "--out", str(tmp_path / "o2")]).exit_code == 0
    )
    again = runner.invoke(main, ["triage", str(seized), "--out", str(tmp_path / "o2")])
    assert again.exit_code == 2 and "--resume" in again.output


def test_an_unknown_hashset_is_an_input_error(tmp_path, seized, home):
    result = CliRunner().invoke(
        main, ["triage", str(seized), "--out", str(tmp_path / "o"), "--hashset", "nope"]
    )
    assert result.exit_code == 3
    assert "nope" in result.output


def test_digests_can_be_chosen(tmp_path, seized, home):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["triage", str(seized), "--out", str(out), "--digests", "md5,sha1"]
    )
    assert result.exit_code == 0, result.output
    row = next(csv.DictReader((out / "files.csv").open()))
    assert row["md5"] and row["sha1"] and not row["sha256"]


@pytest.mark.slow
def test_a_run_killed_with_sigkill_resumes_to_the_same_report(tmp_path, home):
    root = tmp_path / "many"
    blob = os.urandom(64 * 1024)
    for i in range(4000):
        folder = root / f"d{i // 200:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i:05d}.bin").write_bytes(
            blob[: 1024 + (i * 37) % 60000] + i.to_bytes(4, "little")
        )
    command = [
        sys.executable,
        "-m",
        "safeguard.cli",
        "triage",
        str(root),
        "--workers",
        "1",
        "--quiet",
    ]
    interrupted = tmp_path / "interrupted"
    committed = kill_after([*command, "--out", str(interrupted)],
                           interrupted / "journal.sqlite", 600)
    assert 600 <= committed < 4000
    assert not (interrupted / "report.json").exists()

    resumed = subprocess.run(
        [*command, "--out", str(interrupted), "--resume"], capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    full = tmp_path / "full"
    subprocess.run([*command, "--out", str(full)], check=True)

    assert (interrupted / "files.csv").read_bytes() == (full / "files.csv").read_bytes()
    a = json.loads((interrupted / "report.json").read_text())
    b = json.loads((full / "report.json").read_text())
    assert a["summary"] == b["summary"] and a["summary"]["files"] == 4000
    stats = json.loads((interrupted / "runs.jsonl").read_text().splitlines()[-1])
    assert stats["skipped"] >= committed  # finished files were not hashed again
    assert stats["examined"] + stats["skipped"] == 4000
