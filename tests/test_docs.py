"""Documentation is checked by tests: an undocumented option fails (datasette's habit)."""

from pathlib import Path

from safeguard.cli import main

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_triage_option_is_documented():
    text = (DOCS / "triage.md").read_text()
    command = main.commands["triage"]
    options = [o for p in command.params for o in p.opts if o.startswith("--")]
    assert options, "the triage command has options"
    missing = [o for o in options if f"`{o}" not in text]
    assert missing == []


def test_every_exit_code_is_documented():
    """Every code of the one ExitCode enum has its row in the examiner's guide, and the
    README's summary names it."""
    from safeguard.cli import ExitCode

    text = (DOCS / "triage.md").read_text()
    readme = (DOCS.parent / "README.md").read_text()
    [summary] = [line for line in readme.splitlines() if line.startswith("- Exit codes:")]
    assert len(ExitCode) == 4
    for code in ExitCode:
        assert f"| {code.value} |" in text, code
        assert f" {code.value} " in summary, code
