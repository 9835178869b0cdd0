"""Every setting the web platform reads from the environment is in docs/web.md."""

from __future__ import annotations

import ast
from pathlib import Path

import safeguard.web

WEB = Path(safeguard.web.__file__).resolve().parent
DOC = Path(__file__).resolve().parents[2] / "docs" / "web.md"
HELPERS = {"raw", "env_str", "env_optional", "env_bool", "env_int", "env_list", "env_choice",
           "env_path"}


def names_read() -> dict[str, str]:
    """NAME -> file, for every env helper call with a literal name under safeguard/web."""
    found: dict[str, str] = {}
    for path in WEB.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.args[0]
            if name in HELPERS and isinstance(first, ast.Constant) and isinstance(
                first.value, str
            ):
                found[first.value] = str(path.relative_to(WEB))
    return found


def test_it_finds_the_settings() -> None:
    names = names_read()
    assert {"SAFEGUARD_MODE", "SAFEGUARD_SECRET_KEY", "DATABASE_URL",
            "SAFEGUARD_IDLE_MINUTES"} <= set(names)


def test_every_setting_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = sorted(name for name in names_read() if f"`{name}`" not in text)
    assert missing == [], f"undocumented in docs/web.md: {missing}"


def test_the_environment_is_read_only_through_the_helpers() -> None:
    # Otherwise a setting could slip past the check above.
    offenders = []
    for path in WEB.rglob("*.py"):
        if path.name == "env.py":
            continue
        source = path.read_text(encoding="utf-8")
        if "os.environ.get(" in source or "os.getenv(" in source or "environ[" in source:
            offenders.append(str(path.relative_to(WEB)))
    assert offenders == []


def test_the_file_variant_is_documented() -> None:
    assert "_FILE" in DOC.read_text(encoding="utf-8")
