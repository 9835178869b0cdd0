"""`safeguard serve --processes N`: N waitress processes sharing one port, on PostgreSQL;
refused on SQLite with one line; all stopped by one SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.db import connection

from safeguard.cli import main


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.django_db
def test_sqlite_refuses_several_processes_with_one_line() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite refusal: checked in the SQLite run")
    result = CliRunner().invoke(main, ["serve", "--processes", "2", "--port", "8124"])
    assert result.exit_code == 2
    assert "--processes needs PostgreSQL" in result.output


@pytest.mark.postgres
@pytest.mark.django_db
def test_several_processes_serve_one_port_and_stop_together(tmp_path: Path) -> None:
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"{base}/{connection.settings_dict['NAME']}",
           "SAFEGUARD_MODE": "demo", "SAFEGUARD_HOME": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "safeguard.web.settings"}
    server = subprocess.Popen(
        [sys.executable, "-m", "safeguard.cli", "serve", "--no-migrate", "--processes", "2",
         "--threads", "2", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(children := _children(server.pid)) < 2:
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            assert time.monotonic() < deadline, "the server processes did not start"
            time.sleep(0.2)
        assert len(children) == 2
        for _ in range(6):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/",
                                        timeout=30) as response:
                assert response.status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == 0, output
    assert "2 server processes" in output
    assert not any(_alive(pid) for pid in children)


SCRIPT = """
import os, signal, socket, subprocess, sys, threading, time
import django
django.setup()
from safeguard.web.server import serve_forked

worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.3)"])
sock = socket.create_server(("127.0.0.1", 0))
threading.Timer(1.5, lambda: os.kill(os.getpid(), signal.SIGTERM)).start()
started = time.monotonic()
status = serve_forked(lambda s: time.sleep(60), sock, 2)
print(status, round(time.monotonic() - started, 1), worker.wait(timeout=5))
"""


def test_the_worker_beside_the_server_is_not_taken_for_a_server_process() -> None:
    """A worker started beside the server (`--worker`) that exits must not stop the
    server processes, and stays the caller's to collect; SIGTERM stops them all."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.web.settings",
           "PYTHONPATH": os.pathsep.join(filter(None, [".", os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    status, seconds, worker = done.stdout.split()
    assert status == "0"           # stopped by the signal, not by a dying child
    assert float(seconds) >= 1.4   # the worker's exit at 0.3 s did not stop the servers
    assert worker == "0"           # still there for the caller to collect
