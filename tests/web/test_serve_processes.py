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
    env.pop("SAFEGUARD_CACHE", None)
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
        # The rate limits' shared cache: serve made its table.
        with connection.cursor() as cursor:
            assert "safeguard_cache" in connection.introspection.table_names(cursor)
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == 0, output
    assert "2 server processes" in output
    assert not any(_alive(pid) for pid in children)
