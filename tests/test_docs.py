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
    from safeguard.triage import pipeline

    text = (DOCS / "triage.md").read_text()
    codes = (pipeline.EXIT_OK, pipeline.EXIT_USAGE, pipeline.EXIT_INPUT, pipeline.EXIT_WARNINGS)
    for code in codes:
        assert f"| {code} |" in text
