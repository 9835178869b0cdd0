"""A package's names loaded when first used (PEP 562), not when the package is.

`safeguard.triage` and its `hashsets` name what callers use; importing them all with the
package cost a triage ~65 ms of start-up before its workers were forked, for report
writers, hash set formats and an item reader it uses only at the end or never
(tests/triage/test_startup_imports.py). Each package keeps its names' imports under
TYPE_CHECKING, for mypy and the import contracts, and a table of the same names and
modules for this function.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, modules: Mapping[str, str], namespace: dict[str, Any]
               ) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The package's `__getattr__` and `__dir__`: `modules` maps each lazy name to the
    module (relative to `package`) that defines it; `namespace` is the package's
    globals(), where a name is kept once loaded."""

    def __getattr__(name: str) -> object:
        module = modules.get(name)
        if module is None:
            # AttributeError, not ImportError: `from package import submodule` then
            # imports the submodule, as it would without this function.
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value  # once: later lookups do not come here
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *modules})

    return __getattr__, __dir__
