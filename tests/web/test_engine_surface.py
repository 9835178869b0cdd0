"""The web platform is a client of the engine's public surface: it imports `safeguard.triage`
and nothing inside it, and its choices for engine values are the engine's values."""

from __future__ import annotations

import ast
from pathlib import Path

import safeguard.triage
import safeguard.web
from safeguard.triage import FileType as EngineFileType
from safeguard.triage import Match, UkCategory
from safeguard.web.review.models import INDECENT, Category
from safeguard.web.triage_runs.models import FileType, MatchKind

WEB = Path(safeguard.web.__file__).resolve().parent


def engine_imports() -> dict[str, str]:
    """module -> file, for every import of the engine under safeguard/web."""
    found: dict[str, str] = {}
    for path in WEB.rglob("*.py"):
        package = ["safeguard", *path.relative_to(WEB.parent).parent.parts]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                names = [".".join([*base, node.module] if node.module else base)]
            for name in names:
                if name == "safeguard.triage" or name.startswith("safeguard.triage."):
                    found[name] = str(path.relative_to(WEB))
    return found


def test_the_web_imports_only_the_engines_package() -> None:
    imports = engine_imports()
    assert "safeguard.triage" in imports
    assert {name: where for name, where in imports.items() if name != "safeguard.triage"} == {}


def test_what_the_engine_exports_is_there() -> None:
    missing = [name for name in safeguard.triage.__all__ if not hasattr(safeguard.triage, name)]
    assert missing == []


def test_file_types_and_match_kinds_are_the_engines() -> None:
    assert [value for value, _ in FileType.choices] == [t.value for t in EngineFileType]
    assert [value for value, _ in MatchKind.choices] == [m.value for m in Match]


def test_the_indecent_categories_are_the_engines_uk_grading() -> None:
    assert [str(c) for c in INDECENT] == [c.value for c in UkCategory]
    assert Category.NOT_INDECENT.value not in {c.value for c in UkCategory}
