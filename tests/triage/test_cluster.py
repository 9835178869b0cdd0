"""Triage on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on
127.0.0.1 (free ports), started for this module and stopped after, as
scripts/with-postgres.sh starts PostgreSQL. The demo case (two disk images and a zip)
triaged through them reports exactly as on one machine, also when a worker is killed
mid-run; a killed coordinator resumes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from safeguard.triage import TriageOptions, read_run, triage
from safeguard.triage.batches import Batch, ExamineSettings
from safeguard.triage.cluster import DaskCluster
from safeguard.triage.cluster.evidence import difference, fingerprint
from safeguard.triage.cluster.local import LocalCluster, local_cluster
from safeguard.triage.cluster.tasks import OtherEvidence, run_batch
from safeguard.triage.evidence import open_evidence
from safeguard.triage.expansion import ExpansionLimits

from .killing import kill_after
from .same_reports import assert_same_reports

DEMO_EVIDENCE = ("usb-stick.dd", "laptop.E01", "shared-folder.zip")


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with local_cluster(workers=2) as started:
        yield started


def demo_command(demo_case: Path, out: Path) -> list[str]:
    """The triage run_demo made of the demo case (safeguard.demo.case), into `out`."""
    return [sys.executable, "-m", "safeguard.cli", "triage",
            *(str(demo_case / "evidence" / name) for name in DEMO_EVIDENCE),
            "--out", str(out), "--hashset", "demo-vics", "--hashset", "demo-nsrl",
            "--case-number", "DEMO-0001", "--home", str(demo_case / "home"), "--quiet"]


def batches_run(cluster: LocalCluster) -> int:
    from distributed import Client

    def count(dask_scheduler) -> int:  # type: ignore[no-untyped-def]
        prefix = dask_scheduler.task_prefixes.get("safeguard-batch")
        return 0 if prefix is None else int(prefix.state_counts.get("memory", 0))

    with Client(cluster.address, set_as_default=False) as client:
        return int(client.run_on_scheduler(count))


def test_the_demo_case_on_a_cluster_reports_as_on_one_machine(
        demo_case: Path, cluster: LocalCluster, tmp_path: Path) -> None:
    before = batches_run(cluster)
    out = tmp_path / "cluster"
    result = subprocess.run([*demo_command(demo_case, out), "--cluster", cluster.address],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + cluster.logs()
    assert_same_reports(out, demo_case / "report")
    # The images and the zip were examined by the workers, one batch each at least.
    assert batches_run(cluster) - before >= 3


@pytest.mark.slow
def test_a_killed_coordinator_resumes_on_the_cluster(cluster: LocalCluster,
                                                     tmp_path: Path) -> None:
    root = tmp_path / "many"
    blob = os.urandom(16 * 1024)
    for i in range(2000):
        folder = root / f"d{i // 200:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i:05d}.bin").write_bytes(blob[: 512 + (i * 37) % 15000]
                                               + i.to_bytes(4, "little"))
    command = [sys.executable, "-m", "safeguard.cli", "triage", str(root), "--quiet",
               "--no-perceptual"]
    interrupted = tmp_path / "interrupted"
    committed = kill_after([*command, "--out", str(interrupted), "--cluster", cluster.address],
                           interrupted / "journal.sqlite", 500)
    assert 500 <= committed < 2000
    resumed = subprocess.run([*command, "--out", str(interrupted), "--resume", "--cluster",
                              cluster.address], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    full = tmp_path / "full"
    subprocess.run([*command, "--out", str(full)], check=True)
    assert (interrupted / "files.csv").read_bytes() == (full / "files.csv").read_bytes()
    runs = [json.loads(line) for line in (interrupted / "runs.jsonl").read_text().splitlines()]
    assert runs[-1]["skipped"] >= committed
    assert runs[-1]["examined"] + runs[-1]["skipped"] == 2000


def test_a_worker_that_sees_other_evidence_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"a" * 100_000)
    mine = fingerprint(str(folder / "a.bin"))
    (folder / "a.bin").write_bytes(b"a" * 99_999 + b"b")  # the same size, the end differs
    assert difference("a.bin", mine, fingerprint(str(folder / "a.bin"))) == (
        "the content of a.bin differs")
    assert "cannot read" in difference("x", mine, fingerprint(str(tmp_path / "missing")))
    listing = fingerprint(str(folder))
    (folder / "b.bin").write_bytes(b"b")
    assert difference("evidence", listing, fingerprint(str(folder))) == (
        "evidence holds other files")
    # On its first batch, a worker that joined late checks the same.
    source = open_evidence(str(folder))
    batch = Batch(1, 0, str(folder))
    for entry in source.entries(lambda warning: None):
        batch.add(entry, {})
    settings = ExamineSettings(("md5",), False, ExpansionLimits())
    with pytest.raises(OtherEvidence, match="holds other files"):
        run_batch(batch, settings, [str(folder)], [listing])
    assert run_batch(batch, settings, [str(folder)], [fingerprint(str(folder))]).examined == 2


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from safeguard.triage import UsageError
    from safeguard.triage.cluster import local

    monkeypatch.setattr("safeguard.triage.cluster.CONNECT_SECONDS", 2)
    (tmp_path / "evidence").mkdir()
    address = f"tcp://127.0.0.1:{local.free_port()}"
    options = TriageOptions(out_dir=tmp_path / "out", cluster=address)
    with pytest.raises(UsageError, match="cannot reach the Dask scheduler"):
        triage([str(tmp_path / "evidence")], options)


def test_a_worker_killed_mid_run_changes_no_figure(
        demo_case: Path, cluster: LocalCluster, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The module's last test: the cluster has one worker left after it."""
    from distributed import Client

    # One item a batch, so that the scheduler has batches on both workers while it runs.
    monkeypatch.setattr(DaskCluster, "BATCH_FILES", 1)
    evidence = [str(demo_case / "evidence" / name) for name in DEMO_EVIDENCE]
    local = read_run(demo_case / "report")
    options = TriageOptions(out_dir=tmp_path / "out", cluster=cluster.address,
                            hashsets=_demo_sets(demo_case), case_number="DEMO-0001")
    failed: list[BaseException] = []

    def coordinate() -> None:
        try:
            triage(evidence, options)
        except BaseException as exc:
            failed.append(exc)

    run = threading.Thread(target=coordinate)
    with Client(cluster.address, set_as_default=False) as client:
        run.start()
        victim = _busy_worker(client, run)
        cluster.kill_worker(victim)
        killed_mid_run = run.is_alive()
        run.join(timeout=120)
    assert killed_mid_run and not run.is_alive() and not failed, (failed, cluster.logs())
    ours = read_run(tmp_path / "out")
    assert ours.summary == local.summary
    assert_same_reports(tmp_path / "out", demo_case / "report")


def _demo_sets(demo_case: Path) -> list[object]:
    from safeguard.triage import HashSetStore

    store = HashSetStore(demo_case / "home" / "hashsets")
    return [store.open("demo-vics"), store.open("demo-nsrl")]


def _busy_worker(client: object, run: threading.Thread) -> int:
    """The number of a worker the scheduler has given a batch to, as soon as one has."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and run.is_alive():
        for address, keys in client.processing().items():  # type: ignore[attr-defined]
            if keys:
                name = client.scheduler_info()["workers"][address]["name"]  # type: ignore[attr-defined]
                return int(str(name).rsplit("-", 1)[1])
        time.sleep(0.01)
    raise AssertionError("no batch reached a worker before the run ended")
