"""`safeguard hashset`: output, exit codes (0 ok, 2 usage, 3 input) and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from safeguard.cli.hashset import hashset
from safeguard.triage.hashsets.formats import Vics

MD5 = "8f398c463a6df480210a1459f81409d5"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def run(home: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(hashset, ["--home", str(home), *args], input=input)


def one_line_error(result: Result, code: int) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_it_imports_lists_and_shows_a_set(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    Vics.write_example(path)
    result = run(home, "import", str(path), "--name", "case", "--kind", "known-bad")
    assert result.exit_code == 0, result.output
    assert "Imported 'case' (known-bad, vics): 3 entries [md5, sha1], 0 skipped" in result.output
    sha256 = result.output.split("source sha256 ")[1].split()[0]
    assert len(sha256) == 64

    listed = run(home, "list")
    assert listed.exit_code == 0, listed.output
    assert "case" in listed.output and "vics" in listed.output and sha256[:12] in listed.output

    shown = run(home, "show", "case")
    assert shown.exit_code == 0, shown.output
    assert f"source sha256:  {sha256}" in shown.output
    assert "scheme:         uk" in shown.output
    assert "category map:   0=uncategorised, 1=A, 2=B, 3=C" in shown.output


def test_home_comes_from_the_environment(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "l.md5"
    path.write_text(f"{MD5}\n")
    runner = CliRunner(env={"SAFEGUARD_HOME": str(home)})
    result = runner.invoke(hashset, ["import", str(path), "--name", "l", "--kind", "known-good"])
    assert result.exit_code == 0, result.output
    assert (home / "hashsets" / "l" / "manifest.json").exists()


def test_home_may_follow_the_subcommand_and_wins_there(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "l.md5"
    path.write_text(f"{MD5}\n")
    other = tmp_path / "other"
    args = ["import", str(path), "--name", "l", "--kind", "known-bad", "--home", str(home)]
    result = CliRunner().invoke(hashset, ["--home", str(other), *args])
    assert result.exit_code == 0, result.output
    assert (home / "hashsets" / "l").is_dir()
    assert not (other / "hashsets").exists()
    assert "l" in CliRunner().invoke(hashset, ["list", "--home", str(home)]).output


def test_an_empty_store_says_so(home: Path) -> None:
    result = run(home, "list")
    assert result.exit_code == 0
    assert "No hash sets in" in result.output


def test_a_missing_file_is_an_input_error_naming_it(home: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    line = one_line_error(
        run(home, "import", str(missing), "--name", "x", "--kind", "known-bad"), 3
    )
    assert str(missing) in line


def test_malformed_json_is_an_input_error_naming_it(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"@odata.context": "x#Media", "value": [', encoding="utf-8")
    result = run(home, "import", str(path), "--name", "x", "--kind", "known-bad")
    assert f"{path}: line 1: not valid JSON" in one_line_error(result, 3)


def test_skipped_rows_are_reported_as_warnings(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "l.md5"
    path.write_text(f"{MD5}\nnot-hex\n")
    result = run(home, "import", str(path), "--name", "l", "--kind", "known-bad")
    assert result.exit_code == 0, result.output
    assert "1 entries [md5], 1 skipped" in result.output
    assert f"Warning: {path}: line 2: not a checksum line" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--category-map", "1:A"],
        ["--scheme", "fr"],
        ["--format", "xml"],
        ["--kind", "known-bad", "--name", "../x"],
    ],
)
def test_bad_options_are_usage_errors(home: Path, tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "l.md5"
    path.write_text(f"{MD5}\n")
    base = ["import", str(path), "--name", "l", "--kind", "known-bad"]
    result = run(home, *base, *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_an_existing_name_is_a_usage_error_until_replace(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "l.md5"
    path.write_text(f"{MD5}\n")
    args = ["import", str(path), "--name", "l", "--kind", "known-bad"]
    assert run(home, *args).exit_code == 0
    assert "--replace" in one_line_error(run(home, *args), 2)
    assert run(home, *args, "--replace").exit_code == 0


def test_unknown_sets_are_input_errors(home: Path) -> None:
    for command in ("show", "verify"):
        assert "no hash set named 'nope'" in one_line_error(run(home, command, "nope"), 3)


def test_verify_and_remove(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "l.md5"
    path.write_text(f"{MD5}\n")
    assert run(home, "import", str(path), "--name", "l", "--kind", "known-bad").exit_code == 0
    verified = run(home, "verify", "l")
    assert verified.exit_code == 0 and "matches" in verified.output
    assert run(home, "remove", "l", input="n\n").exit_code == 2
    removed = run(home, "remove", "l", "--yes")
    assert removed.exit_code == 0, removed.output
    assert "No hash sets" in run(home, "list").output
