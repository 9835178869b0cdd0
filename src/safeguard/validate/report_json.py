"""validation.json: the whole result for programs and for the unit's records — the
outcome, the criteria, every assertion with its differences, the reference data, the
limitations and the environment. The HTML and PDF are laid out from the same dict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .assertions import GROUPS
from .groundtruth import ReferenceSet
from .runner import Validation
from .statements import criteria, limitations

FORMAT = "safeguard-validation/1"


def criterion_results(validation: Validation) -> list[dict[str, Any]]:
    """Each criterion with the assertions of its groups: passed, failed, or not run."""
    out = []
    for criterion in criteria():
        mine = [a for a in validation.assertions if a.group in criterion.groups]
        failed = [a.id for a in mine if not a.passed]
        result = "not run" if not mine else "FAILED" if failed else "passed"
        out.append({"id": criterion.id, "text": criterion.text, "groups": list(criterion.groups),
                    "assertions": len(mine), "failed": failed, "result": result})
    return out


def _reference(reference: ReferenceSet, folder: Path) -> dict[str, Any]:
    try:
        where = reference.folder.relative_to(folder).as_posix()
    except ValueError:
        where = str(reference.folder)
    return {
        "name": reference.name, "folder": where, "seed": reference.seed,
        "description": reference.description,
        "hashsets": [{"name": h.name, "kind": h.kind, "file": h.file} for h in reference.hashsets],
        "items": [{
            "id": item.id, "title": item.title, "evidence": item.evidence, "kind": item.kind,
            "parts": len(item.all_parts()), "files": len(item.files),
            "deleted": sum(f.deleted for f in item.files),
            "exit_status": item.exit_status,
            "warnings": [f"{w.stage}: {w.contains}" if w.contains else f"a {w.stage} warning"
                         for w in item.warnings],
            "verified": item.verified,
            "exercises": item.exercises,
        } for item in reference.items],
    }


def as_dict(validation: Validation) -> dict[str, Any]:
    options = validation.options
    return {
        "format": FORMAT,
        "outcome": validation.outcome(),
        "scope": validation.scope(),
        "passed": bool(validation.assertions) and not validation.failed,
        "started": validation.started,
        "finished": validation.finished,
        "seconds": validation.seconds,
        "stages": validation.stages,
        "options": {"seed": options.seed, "quick": options.quick, "groups": list(options.groups),
                    "references": [str(p) for p in options.references]},
        "criteria": criterion_results(validation),
        "groups": [{"name": name, "title": title,
                    "assertions": sum(a.group == name for a in validation.assertions),
                    "failed": sum(a.group == name and not a.passed
                                  for a in validation.assertions)}
                   for name, title in GROUPS.items()],
        "assertions": [a.as_dict() for a in validation.assertions],
        "reference_sets": [_reference(r, options.out) for r in validation.references],
        "runs": [{"name": run.name, "evidence": len(run.evidence), "exit": run.status,
                  "crash": run.crash, "seconds": round(run.seconds, 1)}
                 for run in validation.runs],
        "limitations": [{"id": x.id, "text": x.text, "doc": x.doc} for x in limitations()],
        "environment": validation.environment,
    }


def write_json(data: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=True) + "\n")
    return path
