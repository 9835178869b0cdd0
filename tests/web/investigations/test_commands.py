"""`safeguard serve --worker` runs a worker beside the server and stops it with it;
`safeguard worker` is a top-level command."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from click.testing import CliRunner

import safeguard.cli.serve as serve_commands
from safeguard.cli import main


class FakeProcess:
    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.terminated = False

    def poll(self) -> int | None:
        return 0 if self.terminated else None

    def terminate(self) -> None:
        self.terminated = True

    def wait(self, timeout: float | None = None) -> int:
        return 0


@pytest.mark.django_db
def test_serve_with_a_worker_starts_it_and_stops_it_afterwards(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[FakeProcess] = []

    def fake_popen(argv: list[str]) -> FakeProcess:
        started.append(FakeProcess(argv))
        return started[-1]

    def fake_serve(app: Any, **options: Any) -> None:
        assert started and not started[0].terminated  # running while the server serves

    monkeypatch.setattr(serve_commands.subprocess, "Popen", fake_popen)
    monkeypatch.setattr("waitress.serve", fake_serve)
    # The SIGTERM handler serve installs would outlive the test.
    monkeypatch.setattr("signal.signal", lambda *args: None)
    result = CliRunner().invoke(main, ["serve", "--worker", "--no-migrate"])
    assert result.exit_code == 0, result.output
    assert started[0].argv == [sys.executable, "-m", "safeguard.cli", "worker"]
    assert started[0].terminated
    assert "Triage worker started" in result.output


def test_worker_is_a_top_level_command() -> None:
    result = CliRunner().invoke(main, ["worker", "--help"])
    assert result.exit_code == 0, result.output
    assert "--once" in result.output
    assert "--stale-after" in result.output
