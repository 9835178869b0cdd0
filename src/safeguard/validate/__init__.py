"""`safeguard validate`: a method-validation report a unit can file (issue 21).

Builds reference data with known ground truth from a seed, runs the engine on it as
examiners run it, checks every assertion against the ground truth and independent
implementations, and writes validation.html, validation.pdf and validation.json
(docs/validation.md).

    result = validate(ValidationOptions(out=Path("validation")))
    write_reports(result)          # {"json": …, "html": …, "pdf": …}
    result.outcome()               # "PASSED: all 124 assertions passed"

The names are loaded on first use: registering the command with `safeguard` must not
load the image libraries the validation uses.
"""

from __future__ import annotations

from typing import Any

_LAZY = {"Validation": "runner", "ValidationOptions": "runner", "validate": "runner",
         "write_reports": "reports", "REPORTS": "reports"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_LAZY)
