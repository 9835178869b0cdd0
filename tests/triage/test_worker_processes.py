"""The files of folders are examined in worker processes (workers.py): the same reports
as on threads, a worker that dies has its batches redone, and a run whose main process
is killed leaves no worker behind."""

from __future__ import annotations

import io
import os
import signal
import threading
import time
import zipfile
from pathlib import Path

import pytest

from safeguard.demo.media import picture_bytes
from safeguard.triage import EvidenceError, TriageOptions, triage
from safeguard.triage import workers as worker_module
from safeguard.triage.batches import DoneKeys, member_prefix
from safeguard.triage.records import Address


def evidence(root: Path, files: int = 400) -> Path:
    """Small files, pictures, and an archive of pictures with a nested archive."""
    blob = os.urandom(64 * 1024)
    for i in range(files):
        folder = root / f"d{i // 100}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i:04d}.bin").write_bytes(blob[: 100 + (i * 331) % 60000]
                                               + i.to_bytes(4, "little"))
    for i in range(4):
        (root / f"p{i}.jpg").write_bytes(picture_bytes(i))
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("copy.jpg", picture_bytes(1))
    with zipfile.ZipFile(root / "photos.zip", "w") as z:
        z.writestr("a/p7.jpg", picture_bytes(7))
        z.writestr("inner.zip", inner.getvalue())
    return root


def same_csv(a: Path, b: Path) -> bool:
    return (a / "files.csv").read_bytes() == (b / "files.csv").read_bytes()


def test_processes_and_threads_write_the_same_reports(tmp_path: Path) -> None:
    root = evidence(tmp_path / "seized")
    on_processes = triage([str(root)], TriageOptions(out_dir=tmp_path / "p", workers=2))
    on_threads = triage([str(root)], TriageOptions(out_dir=tmp_path / "t", workers=2,
                                                   worker_processes=False))
    assert on_processes.status == on_threads.status == 0
    assert same_csv(tmp_path / "p", tmp_path / "t")
    assert on_processes.summary == on_threads.summary
    assert on_processes.summary.files == 400 + 4 + 1 + 3  # the zip, its 2 members, the copy


def test_a_worker_process_that_dies_has_its_batches_redone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = evidence(tmp_path / "seized", files=3000)
    monkeypatch.setattr(worker_module.LocalProcesses, "BATCH_FILES", 16)
    started: list[worker_module.LocalProcesses] = []
    real_init = worker_module.LocalProcesses.__init__

    def watched_init(self: worker_module.LocalProcesses, *args: object) -> None:
        real_init(self, *args)  # type: ignore[arg-type]
        started.append(self)

    monkeypatch.setattr(worker_module.LocalProcesses, "__init__", watched_init)
    killed: list[int] = []

    def kill_one() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if started and any(w.outstanding for w in started[0].workers):
                worker = next(w for w in started[0].workers if w.outstanding)
                os.kill(worker.process.pid, signal.SIGKILL)
                killed.append(worker.process.pid)
                return
            time.sleep(0.001)

    killer = threading.Thread(target=kill_one)
    killer.start()
    outcome = triage([str(root)], TriageOptions(out_dir=tmp_path / "p", workers=2))
    killer.join()
    assert killed and outcome.status == 0
    triage([str(root)], TriageOptions(out_dir=tmp_path / "t", worker_processes=False))
    assert same_csv(tmp_path / "p", tmp_path / "t")


def test_a_batch_that_kills_its_workers_stops_the_run_naming_its_items(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = evidence(tmp_path / "seized", files=10)
    (root / "zz-crash.bin").write_bytes(b"crash")

    real = worker_module.examine_batch

    def crashing(batch, settings, emit=None):  # type: ignore[no-untyped-def]
        if any(packed[0][1] == "/zz-crash.bin" for packed in batch.entries):
            # As a parser's crash in C would (SIGKILL: no core file, no faulthandler dump).
            os.kill(os.getpid(), signal.SIGKILL)
        return real(batch, settings, emit)

    monkeypatch.setattr(worker_module, "examine_batch", crashing)
    with pytest.raises(EvidenceError, match=r"zz-crash\.bin.*died 2 times \(killed by SIGKILL\)"):
        triage([str(root)], TriageOptions(out_dir=tmp_path / "out", workers=2))


def test_resumed_batches_carry_the_members_already_done() -> None:
    archive = Address("ev", "/a.zip", "p1", "FAT16", "12")
    member = archive.member("/x.jpg")
    nested = member.member("/y.jpg")
    neighbour = Address("ev", "/a.zip2", "p1", "FAT16", "13")
    done = {a.key(): "1:2.0" for a in (archive, member, nested, neighbour)}
    assert member_prefix(archive) == "ev\x1fp1\x1f/a.zip\x1e"
    assert DoneKeys(done).inside(archive) == {member.key(): "1:2.0", nested.key(): "1:2.0"}
    assert DoneKeys({}).inside(archive) == {}
