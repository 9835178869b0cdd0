"""A real Dask cluster on this machine: a `dask scheduler` and `dask worker` processes on
127.0.0.1, on free ports, stopped and removed afterwards (the tests and bench/cluster.py;
an examiner trying `--cluster` on one machine).

    with local_cluster(workers=2) as cluster:
        triage(paths, TriageOptions(out_dir=out, cluster=cluster.address))
        cluster.kill_worker(0)   # as a machine lost mid-run

Each worker runs with one thread and no nanny: a killed worker stays dead, as a machine
that went away, and the scheduler gives its batches to the others.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STARTUP_SECONDS = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _dask() -> list[str]:
    """The `dask` command of this environment."""
    beside = Path(sys.executable).parent / "dask"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "dask"]


@dataclass
class LocalCluster:
    address: str
    folder: Path
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def add_worker(self, threads: int = 1) -> subprocess.Popen[bytes]:
        number = len(self.workers)
        log = (self.folder / f"worker-{number}.log").open("wb")
        worker = subprocess.Popen(
            [*_dask(), "worker", self.address, "--host", "127.0.0.1", "--nthreads",
             str(threads), "--no-nanny", "--no-dashboard", "--name", f"worker-{number}",
             "--local-directory", str(self.folder / f"worker-{number}")],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.workers.append(worker)
        return worker

    def kill_worker(self, number: int) -> None:
        """SIGKILL a worker, as a machine that went away."""
        worker = self.workers[number]
        worker.send_signal(signal.SIGKILL)
        worker.wait()

    def wait_for_workers(self, count: int) -> None:
        import distributed

        connect: Any = distributed.Client  # untyped
        with connect(self.address, timeout=STARTUP_SECONDS, set_as_default=False) as client:
            client.wait_for_workers(count, timeout=STARTUP_SECONDS)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                         for p in sorted(self.folder.glob("*.log")))

    def stop(self) -> None:
        for process in (*self.workers, self.scheduler):
            if process.poll() is None:
                process.terminate()
        for process in (*self.workers, self.scheduler):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def local_cluster(workers: int = 2, threads: int = 1) -> Iterator[LocalCluster]:
    """A scheduler and `workers` workers of `threads` threads each, ready when entered."""
    folder = Path(tempfile.mkdtemp(prefix="safeguard-dask-"))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = (folder / "scheduler.log").open("wb")
    scheduler = subprocess.Popen(
        [*_dask(), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    log.close()
    cluster = LocalCluster(address, folder, scheduler)
    try:
        for _ in range(workers):
            cluster.add_worker(threads)
        deadline = time.monotonic() + STARTUP_SECONDS
        while scheduler.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.1)
        if scheduler.poll() is not None:
            raise RuntimeError(f"the Dask scheduler did not start:\n{cluster.logs()}")
        cluster.wait_for_workers(workers)
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
