"""One set of exit codes for every command (safeguard.cli.ExitCode); the engine returns a
status (ExitStatus) and the command line maps it to its code."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from safeguard.cli import ExitCode, main
from safeguard.triage import ExitStatus, SummaryBuilder, TriageOutcome


def test_every_engine_status_maps_to_the_code_of_the_same_meaning() -> None:
    for status in ExitStatus:
        assert ExitCode.of(status) is ExitCode[status.name]
        assert int(ExitCode.of(status)) == int(status)
    assert {ExitCode.of(status) for status in ExitStatus} == set(ExitCode)


@pytest.mark.parametrize("status", list(ExitStatus))
def test_the_triage_command_exits_with_the_code_of_the_status_the_engine_returned(
    status: ExitStatus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evidence = tmp_path / "seized"
    evidence.mkdir()

    def engine(paths: list[str], options: object) -> TriageOutcome:
        return TriageOutcome(status=status, outputs={}, summary=SummaryBuilder().finish(0),
                             warnings=[])

    monkeypatch.setattr("safeguard.cli.triage.triage", engine)
    result = CliRunner().invoke(main, ["triage", str(evidence), "--out",
                                       str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == ExitCode.of(status), result.output


def test_a_command_that_fails_prints_one_line_and_its_code(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["hashset", "--home", str(tmp_path), "show", "absent"])
    assert result.exit_code == ExitCode.INPUT, result.output
    assert result.output.startswith("Error: ") and "absent" in result.output
    assert "Traceback" not in result.output
