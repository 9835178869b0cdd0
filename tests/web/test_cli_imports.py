"""The web commands import the platform inside their functions (the engine's commands
must not load Django), so a module moved or renamed would fail only when the command
runs: every name they import is checked here, with Django set up."""

from __future__ import annotations

import importlib

from ..test_cli_layout import CLI, imports_of


def test_every_name_the_commands_import_exists() -> None:
    missing = []
    checked = 0
    for path in sorted(CLI.glob("*.py")):
        for module, name in sorted(imports_of(path), key=str):
            if not module.startswith(("safeguard", "django", "waitress", "rich")):
                continue
            checked += 1
            try:
                found = importlib.import_module(module)
                if name is not None and not hasattr(found, name):
                    importlib.import_module(f"{module}.{name}")
            except ImportError as exc:
                missing.append(f"{path.name}: {module} {name or ''}: {exc}")
    assert checked > 50
    assert missing == []
