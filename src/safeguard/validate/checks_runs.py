"""Checks of whole runs: known-bad matching complete and no false positives, perceptual
matches reported as perceptual, report.json's figures equal to the ground truth, the
documented warnings and exit codes, and the evidence left as it was.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from safeguard.triage import DEFAULT_DISTANCE

from .assertions import Assertion, RunView, assertion, expected_rows, shorten, unusable
from .groundtruth import ExpectedFile, ReferenceItem, ReferenceSet

INTERNAL_ERROR = "internal error while examining"  # the engine's words for a reader's bug


# What each assertion checks, as the report states it.
CHECKS = {
    "HS-EXACT": ("Every file whose digest is in the known-bad set is reported as an exact match "
                 "in its category (no false negatives)"),
    "HS-CLEAN": ("No file outside the known-bad set is reported as a match, exact or "
                 "perceptual (no false positives), and known-good files are set aside as "
                 "known-good"),
    "PER": ("Altered copies of known-bad pictures and videos are reported as perceptual "
            f"matches within the threshold ({DEFAULT_DISTANCE}) in their category, never as "
            "exact: in files.csv, in report.json's figures and in the VICS export "
            "(IsSuspected, not IsPrecategorized)"),
    "CNT": ("report.json's summary figures (files, bytes, images, videos, archives, "
            "known-good, unmatched, deleted, carved, in archives, in a shared location, "
            "warnings, exact and perceptual matches, and per category: images, videos, "
            "unique, deleted, exact, perceptual, in a shared location) equal those the "
            "documented rules give from the ground truth"),
    "OUT": ("The run ends with the documented exit code and warnings, and never crashes "
            "(no exception, no 'internal error' row)"),
}


def _files(reference: ReferenceSet, items: Sequence[ReferenceItem]
           ) -> list[tuple[str, ExpectedFile]]:
    return [(reference.label_of(item), f) for item in items for f in item.files]


def check_exact(view: RunView, reference: ReferenceSet, items: Sequence[ReferenceItem],
                scope: str) -> Assertion | None:
    exact = [(label, f) for label, f in _files(reference, items) if f.match == "exact"]
    if not exact:
        return None
    checks = CHECKS["HS-EXACT"]
    expected = f"{len(exact)} exact matches"
    if failed := unusable(view, f"HS-EXACT-{scope}", "hashsets", checks, expected):
        return failed
    problems = []
    for label, f in exact:
        rows = expected_rows(view, label, f)
        if rows and (rows[0]["match"], rows[0]["category"]) != ("exact", f.category):
            problems.append(f"{f.where()}: match {rows[0]['match']} "
                            f"{rows[0]['category'] or ''}, expected exact {f.category}")
        elif not rows:
            problems.append(f"{f.where()}: not listed")
    return assertion(f"HS-EXACT-{scope}", "hashsets", checks, expected, problems=problems,
                     ok=f"{len(exact)} of {len(exact)} reported exact, in their categories")


def check_no_false_positives(view: RunView, reference: ReferenceSet,
                             items: Sequence[ReferenceItem], scope: str) -> Assertion | None:
    files = _files(reference, items)
    clean = [(label, f) for label, f in files if f.match == "none"]
    good = [(label, f) for label, f in files if f.known_good]
    if not clean:
        return None
    checks = CHECKS["HS-CLEAN"]
    expected = f"{len(clean)} files not matched, {len(good)} of them known-good"
    if failed := unusable(view, f"HS-CLEAN-{scope}", "hashsets", checks, expected):
        return failed
    problems = []
    for label, f in clean:
        for row in expected_rows(view, label, f)[:1]:
            if row["match"] != "none":
                problems.append(f"{f.where()}: reported {row['match']} match "
                                f"({row['category']}), expected none")
            if (row["known_good"] == "true") != f.known_good:
                problems.append(f"{f.where()}: known_good {row['known_good']}, expected "
                                f"{str(f.known_good).lower()}")
    return assertion(f"HS-CLEAN-{scope}", "hashsets", checks, expected, problems=problems,
                     ok=f"none of the {len(clean)} matched; {len(good)} set aside as known-good")


def check_perceptual(view: RunView, reference: ReferenceSet, items: Sequence[ReferenceItem],
                     scope: str) -> Assertion | None:
    wanted = [(label, f) for label, f in _files(reference, items) if f.match == "perceptual"]
    if not wanted:
        return None
    checks = CHECKS["PER"]
    expected = f"{len(wanted)} perceptual matches"
    if failed := unusable(view, f"PER-{scope}", "perceptual", checks, expected):
        return failed
    problems: list[str] = []
    md5s = set()
    for label, f in wanted:
        rows = expected_rows(view, label, f)
        if not rows:
            problems.append(f"{f.where()}: not listed")
            continue
        row = rows[0]
        md5s.add(row["md5"])
        if (row["match"], row["category"]) != ("perceptual", f.category):
            problems.append(f"{f.where()}: match {row['match']} {row['category']}, expected "
                            f"perceptual {f.category}")
        elif not row["distance"] or int(row["distance"]) > DEFAULT_DISTANCE:
            problems.append(f"{f.where()}: distance {row['distance'] or '(none)'}")
    reported = (view.report.get("summary") or {}).get("matches", {}).get("perceptual")
    if reported != len(wanted) and all(item.complete for item in items):
        problems.append(f"report.json summary.matches.perceptual is {reported}, "
                        f"expected {len(wanted)}")
    problems += _vics_problems(view.run.out / "case.vics.json", md5s)
    return assertion(f"PER-{scope}", "perceptual", checks, expected, problems=problems,
                     ok=f"{len(wanted)} reported perceptual, with distances, never exact")


def _vics_problems(path: Path, md5s: set[str]) -> list[str]:
    try:
        media = json.loads(path.read_text("utf-8"))["value"][0]["Media"]
    except (OSError, ValueError, KeyError, IndexError) as exc:
        return [f"case.vics.json cannot be read: {exc}"]
    problems = []
    for entry in media:
        if entry.get("MD5") in md5s and not (entry.get("IsSuspected") is True
                                             and entry.get("IsPrecategorized") is False):
            problems.append(f"VICS Media {entry.get('MediaID')}: IsSuspected "
                            f"{entry.get('IsSuspected')}, IsPrecategorized "
                            f"{entry.get('IsPrecategorized')}")
    return problems


# ---------------------------------------------------------------------------- figures


def expected_figures(files: Sequence[ExpectedFile], warnings: int | None) -> dict[str, Any]:
    """report.json's summary as the documented rules make it from the ground truth
    (docs/report-format.md "summary"); None where the ground truth does not say."""

    def count(test: Any, needs: str = "") -> int | None:
        if needs and any(getattr(f, needs) is None for f in files):
            return None
        return sum(1 for f in files if test(f))

    def unique(selected: list[ExpectedFile]) -> int | None:
        if any(f.sha1 is None for f in selected):
            return None
        return len({f.sha1 for f in selected})

    sizes = [f.size for f in files]
    figures: dict[str, Any] = {
        "files": len(files),
        "bytes": None if None in sizes else sum(s for s in sizes if s is not None),
        "images": count(lambda f: f.type == "image", "type"),
        "videos": count(lambda f: f.type == "video", "type"),
        "archives": count(lambda f: f.type == "archive", "type"),
        "known_good": count(lambda f: f.known_good),
        "unmatched_images": count(lambda f: f.type == "image" and f.match == "none"
                                  and not f.known_good, "type"),
        "unmatched_videos": count(lambda f: f.type == "video" and f.match == "none"
                                  and not f.known_good, "type"),
        "deleted": count(lambda f: f.deleted),
        "carved": 0,
        "in_archives": count(lambda f: bool(f.archive)),
        "in_shared_location": count(lambda f: f.shared_location),
        "warnings": warnings,
        "embedded": count(lambda f: f.embedded, "embedded"),
        "thumbnails": count(lambda f: f.thumbnail, "thumbnail"),
        "thumbnails_original_not_found": count(lambda f: f.thumbnail and f.original_not_found,
                                               "original_not_found"),
        "matches.exact": count(lambda f: f.match == "exact"),
        "matches.perceptual": count(lambda f: f.match == "perceptual"),
    }
    for name in sorted({f.category for f in files if f.match != "none"}):
        matched = [f for f in files if f.match != "none" and f.category == name]
        images = [f for f in matched if f.type == "image"]
        videos = [f for f in matched if f.type == "video"]
        figures |= {
            f"categories.{name}.images": len(images),
            f"categories.{name}.videos": len(videos),
            f"categories.{name}.unique_images": unique(images),
            f"categories.{name}.unique_videos": unique(videos),
            f"categories.{name}.deleted": sum(f.deleted for f in matched),
            f"categories.{name}.exact": sum(f.match == "exact" for f in matched),
            f"categories.{name}.perceptual": sum(f.match == "perceptual" for f in matched),
            f"categories.{name}.in_shared_location_images":
                sum(f.shared_location for f in images),
            f"categories.{name}.in_shared_location_videos":
                sum(f.shared_location for f in videos),
            f"categories.{name}.carved": 0,
            f"categories.{name}.embedded": _stated(matched, "embedded"),
            f"categories.{name}.thumbnails": _stated(matched, "thumbnail"),
            f"categories.{name}.thumbnails_original_not_found": _stated(
                [f for f in matched if f.thumbnail], "original_not_found"),
        }
    return figures


def _stated(files: list[ExpectedFile], flag: str) -> int | None:
    """How many of `files` have `flag` true; None when one does not say."""
    values = [getattr(f, flag) for f in files]
    return None if None in values else sum(bool(v) for v in values)


def _reported(summary: dict[str, Any], name: str) -> Any:
    value: Any = summary
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def check_counts(view: RunView, reference: ReferenceSet, items: Sequence[ReferenceItem],
                 scope: str) -> Assertion | None:
    if not all(item.complete for item in items):
        return None
    files = [f for item in items for f in item.files]
    quiet = all(item.warnings_complete for item in items)
    figures = expected_figures(files, sum(len(i.warnings) for i in items) if quiet else None)
    checked = {k: v for k, v in figures.items() if v is not None}
    checks = CHECKS["CNT"]
    expected = f"{len(checked)} figures" + (f" ({len(figures) - len(checked)} not stated by "
                                            "the ground truth)" if len(checked) < len(figures)
                                            else "")
    if failed := unusable(view, f"CNT-{scope}", "counts", checks, expected):
        return failed
    summary = view.report.get("summary") or {}
    problems = [f"{name}: {_reported(summary, name)}, expected {value}"
                for name, value in checked.items() if _reported(summary, name) != value]
    reported_categories = set(summary.get("categories") or {})
    expected_categories = {k.split(".")[1] for k in figures if k.startswith("categories.")}
    if reported_categories != expected_categories:
        problems.append(f"categories {sorted(reported_categories)}, expected "
                        f"{sorted(expected_categories)}")
    return assertion(f"CNT-{scope}", "counts", checks, expected, problems=problems,
                     ok=f"{len(checked)} figures equal (files {figures['files']}, exact "
                        f"{figures['matches.exact']}, perceptual {figures['matches.perceptual']})")


# --------------------------------------------------------------------------- outcomes


def check_outcome(view: RunView, reference: ReferenceSet, items: Sequence[ReferenceItem],
                  scope: str) -> Assertion:
    """The run's exit code and warnings are the documented ones, and nothing crashed."""
    status = max(item.exit_status for item in items)
    wanted = [(reference.label_of(item), w) for item in items for w in item.warnings]
    complete = all(item.warnings_complete for item in items)
    checks = CHECKS["OUT"]
    expected = (f"exit {status}; " + (shorten(f"{w.stage}: …{w.contains}…" for _, w in wanted)
                                      if wanted else "no warnings")
                + ("" if complete or not wanted else " (others allowed)"))
    if view.run.crash:
        return Assertion(f"OUT-{scope}", "outcomes", checks, expected,
                         f"crashed: {view.run.crash}", False, scope)
    problems: list[str] = []
    if view.run.status != status:
        problems.append(f"exit {view.run.status}, expected {status}")
    matched: set[int] = set()
    for label, w in wanted:
        hits = [i for i, got in enumerate(view.warnings)
                if got.get("stage") == w.stage and w.contains in str(got.get("message"))
                and str(got.get("address", "")).startswith(label)]
        if not hits:
            problems.append(f"no {w.stage} warning containing {w.contains!r}")
        matched.update(hits)
    if complete:
        problems += [f"unexpected warning: {w.get('address')}: {w.get('stage')}: "
                     f"{w.get('message')}" for i, w in enumerate(view.warnings)
                     if i not in matched]
    problems += [f"internal error: {w.get('address')}: {w.get('message')}"
                 for w in view.warnings if INTERNAL_ERROR in str(w.get("message"))]
    counted = Counter(str(w.get("stage")) for w in view.warnings)
    ok = f"exit {view.run.status}; " + (", ".join(f"{n} {s}" for s, n in sorted(counted.items()))
                                        + " warning(s)" if counted else "no warnings")
    return assertion(f"OUT-{scope}", "outcomes", checks, expected, problems=problems, ok=ok,
                     item=scope)


RUN_CHECKS = {
    "hashsets": [check_exact, check_no_false_positives],
    "perceptual": [check_perceptual],
    "counts": [check_counts],
}
