"""docs/hashsets.md documents every format, scheme, option and store file (datasette's rule)."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguard.cli.hashset import hashset
from safeguard.triage.hashsets import FORMATS, SCHEMES
from safeguard.triage.hashsets.categories import UNMAPPED_PREFIX

DOC = Path(__file__).resolve().parents[3] / "docs" / "hashsets.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_format_is_documented(doc: str) -> None:
    for fmt in FORMATS:
        assert f"`{fmt.NAME}`" in doc, fmt.NAME


def test_every_scheme_and_its_default_map_is_documented(doc: str) -> None:
    for scheme in SCHEMES.values():
        assert f"`{scheme.NAME}`" in doc
        for code, name in scheme.default_map.items():
            assert f"| {code} | {name} |" in doc, (scheme.NAME, code)
    assert UNMAPPED_PREFIX in doc


def test_every_cli_option_is_documented(doc: str) -> None:
    options = {opt for p in hashset.params for opt in getattr(p, "opts", [])}
    for command in hashset.commands.values():
        assert f"hashset {command.name}" in doc, command.name
        options |= {o for p in command.params for o in p.opts if o.startswith("--")}
    for option in options:
        assert f"`{option}" in doc, option


def test_the_pdq_locations_and_store_files_are_documented(doc: str) -> None:
    for needle in ("MediaMetadata", '"PDQ"', "pdq", "manifest.json", "meta.json", "entries.sqlite"):
        assert needle in doc, needle
