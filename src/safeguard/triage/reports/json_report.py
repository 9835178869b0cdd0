"""report.json: the run in one machine-readable document.

Deterministic by construction: two runs over the same evidence with the same options
produce the same bytes apart from `started` and `finished`. Keys are written in a fixed
order (categories in scheme order, which sort_keys would break), mappings that arrive
from outside (options, evidence detail) have their keys sorted, sets become sorted lists,
and warnings are sorted, since parallel workers report them in no fixed order.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from enum import Enum
from pathlib import Path, PurePath
from typing import Any

from ..records import TriageWarning
from ..results import TriageResult
from ._common import atomic_text
from .summary import Summary


def plain(value: Any) -> Any:
    """`value` as JSON-ready data with a single spelling: sorted keys, lists, strings.

    Options may carry paths, tuples, sets or enums; anything else unknown becomes its
    `str`, so a report is never lost to an option that json cannot encode.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        # NaN and infinity are not JSON; written as text rather than invalid output.
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Mapping):
        items = ((str(key), plain(item)) for key, item in value.items())
        return dict(sorted(items))
    if isinstance(value, set | frozenset):
        return sorted((plain(item) for item in value), key=_sort_key)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return str(value)


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _values(document: Mapping[str, Any]) -> dict[str, Any]:
    """A record's own dict keeps its key order (fixed by its `as_dict`); values made plain."""
    return {key: plain(value) for key, value in document.items()}


def sorted_warnings(warnings: list[TriageWarning]) -> list[TriageWarning]:
    """Warnings in a fixed order: by address, then stage, then message."""
    return sorted(warnings, key=TriageWarning.sort_key)


def report_dict(result: TriageResult, summary: Summary) -> dict[str, Any]:
    """The whole report.json document, in its written key order."""
    return {
        "tool": {"name": result.tool, "version": result.version},
        "started": result.started,
        "finished": result.finished,
        "options": plain(result.options),
        "digests": list(result.digests),
        "evidence": [_values(evidence.as_dict()) for evidence in result.evidence],
        "hashsets": [_values(hashset.as_dict()) for hashset in result.hashsets],
        "summary": summary.as_dict(),
        "warnings": [warning.as_dict() for warning in sorted_warnings(result.warnings)],
    }


def write_json(path: Path, result: TriageResult, summary: Summary) -> None:
    """Write report.json (ASCII, indented, newline-terminated) to `path`, atomically."""
    text = json.dumps(report_dict(result, summary), indent=2, ensure_ascii=True)
    with atomic_text(path) as out:
        out.write(text + "\n")
