"""The command line is a layer above the engine and the web platform: nothing below it
imports it (no cycle), and it sets Django up in one place. tests/web/test_cli_imports.py
checks that what its commands import inside their functions exists."""

from __future__ import annotations

import ast
from pathlib import Path

import safeguard

PACKAGE = Path(safeguard.__file__).parent
CLI = PACKAGE / "cli"


def imports_of(path: Path) -> set[tuple[str, str | None]]:
    """(module, name) for every `from module import name` in `path`, relative imports
    resolved, and (module, None) for every `import module`, wherever they stand."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = ".".join(parts[:-1])  # a package's __init__ and its modules: the same
    found: set[tuple[str, str | None]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                above = package.split(".")
                base = above[: len(above) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            found.update((name, alias.name) for alias in node.names)
    return found


def imported_modules(path: Path) -> set[str]:
    return {f"{module}.{name}" if name else module for module, name in imports_of(path)} | {
        module for module, _ in imports_of(path)}


def test_nothing_below_the_command_line_imports_it() -> None:
    below = [p for p in PACKAGE.rglob("*.py") if CLI not in p.parents]
    assert len(below) > 100
    offenders = sorted(
        str(p.relative_to(PACKAGE)) for p in below
        if any(m == "safeguard.cli" or m.startswith("safeguard.cli.")
               for m in imported_modules(p)))
    assert offenders == []


def test_relative_imports_are_resolved() -> None:
    found = imports_of(CLI / "root.py")
    assert ("safeguard.cli.triage", "triage_command") in found
    assert ("safeguard", "__version__") in found
    assert ("safeguard.cli.root", "main") in imports_of(CLI / "__init__.py")


def test_django_is_set_up_in_one_place() -> None:
    calls = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                   if "django.setup()" in p.read_text(encoding="utf-8"))
    assert calls == ["cli/django_setup.py"]
