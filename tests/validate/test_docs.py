"""docs/validation.md is held to the code: its criteria and limitations are the report's
(statements.toml), each limitation another page states is still stated there, and the
ground-truth format, the groups, the options and the exit codes it documents are those
the code has."""

from __future__ import annotations

import argparse
import re
from dataclasses import fields
from pathlib import Path

import pytest

from safeguard.cli import validate as command
from safeguard.cli.exitcodes import ExitCode
from safeguard.validate.assertions import GROUPS
from safeguard.validate.checks_repeat import FILE_SYSTEMS, VOLUME_SYSTEMS
from safeguard.validate.groundtruth import (
    Absent,
    ExpectedFile,
    ExpectedWarning,
    HashSetFile,
    ReferenceItem,
)
from safeguard.validate.statements import BEGIN, END, limitations, markdown

ROOT = Path(__file__).parents[2]
PAGE = ROOT / "docs" / "validation.md"


def page() -> str:
    return PAGE.read_text(encoding="utf-8")


def flat(text: str) -> str:
    return " ".join(text.replace("**", "").split())


def test_the_statements_block_is_generated_from_statements_toml() -> None:
    text = page()
    block = text[text.index(BEGIN): text.index(END) + len(END)]
    assert block == markdown(), "run `python -m safeguard.validate.statements` and paste"


@pytest.mark.parametrize("limitation", [x for x in limitations() if x.doc],
                         ids=lambda x: x.id)
def test_a_limitation_another_page_states_is_still_stated_there(limitation) -> None:  # type: ignore[no-untyped-def]
    assert flat(limitation.quote) in flat((ROOT / limitation.doc).read_text("utf-8")), (
        f"{limitation.doc} no longer says {limitation.quote!r}: update {limitation.id}")


def test_the_file_systems_checked_for_coverage_are_those_evidence_md_names() -> None:
    evidence = (ROOT / "docs" / "evidence.md").read_text("utf-8")
    listed = re.search(r"every file\s+system TSK can read in it — (.*?), and also", evidence,
                       re.S)
    assert listed, "evidence.md's sentence listing the file systems moved: update this test"
    sentence = " ".join(listed.group(1).split()).replace("ext2/3/4", "ext2, ext3, ext4")
    assert [name.strip() for name in sentence.split(",")] == list(FILE_SYSTEMS)
    for name in VOLUME_SYSTEMS:
        assert name in evidence


def documented_names(heading: str) -> set[str]:
    """The first column of the table that follows `heading` (names in backticks)."""
    text = page()
    table = text[text.index(heading):].split("\n\n")[1]
    return {name for row in table.splitlines()[2:]
            for name in re.findall(r"`([a-z_0-9]+)`", row.split("|")[1])}


@pytest.mark.parametrize(("heading", "classes"), [
    ("The set:", ()),
    ("An item:", (ReferenceItem, ExpectedWarning, Absent)),
    ("A file (any field", (ExpectedFile,)),
])
def test_every_field_of_the_ground_truth_is_documented(heading: str, classes: tuple) -> None:  # type: ignore[type-arg]
    documented = documented_names(heading)
    if heading == "The set:":
        wanted = {"format", "name", "description", "seed", "case_number", "hashsets", "items"}
        assert documented >= wanted
        assert all(f"`{f.name}`" in page() for f in fields(HashSetFile))
        return
    top = classes[0]
    assert {f.name for f in fields(top)} <= documented
    for inner in classes[1:]:
        assert all(f"`{f.name}`" in page() for f in fields(inner))


def test_every_group_and_option_is_documented() -> None:
    text = page()
    for group in GROUPS:
        assert f"| `{group}` |" in text
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    for action in parser._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert f"`{flag}" in text, flag


def test_the_exit_codes_are_documented() -> None:
    text = page()
    for code in ExitCode:
        assert f"| {int(code)} |" in text


def test_make_validate_exists() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "\nvalidate:" in makefile and "safeguard validate" in makefile
