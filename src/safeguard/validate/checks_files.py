"""Checks of each evidence item's files: listed with the right path, size, time and type;
digests equal to hashlib over the bytes written and to TSK's icat; deleted files found,
recovered or reported as not recoverable; what a limitation hides not reported; PDQ
within the documented distance of the reference implementation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from .assertions import (
    Assertion,
    RunView,
    assertion,
    describe_key,
    expected_rows,
    explained,
    unusable,
)
from .groundtruth import ExpectedFile, ReferenceItem, ReferenceSet
from .independent import image_arguments, listing, sector_of

DIGESTS = ("md5", "sha1", "sha256")
# Sources whose evidence SHA-256 is that of the file(s) given: raw images (the pieces one
# after another), loose files and UFDR extractions.
WHOLE_FILE_DIGEST = ("raw", "file", "ufdr")
INPUT = 3  # the exit code of an evidence item that cannot be opened (docs/triage.md)
# docs/perceptual.md "Reference distance" and "Choosing DECODE_SIDE": every hash within 10
# bits of pdqhash on the full decode (tests/triage/media/test_pdq.py holds the same).
PDQ_REFERENCE_BOUND = 10

Check = Callable[[RunView, ReferenceSet, ReferenceItem], Assertion | None]


# What each assertion checks, as the report states it.
CHECKS = {
    "DIG": ("MD5, SHA-1 and SHA-256 of every file equal Python's hashlib over the bytes "
            "the ground truth says the file holds"),
    "TSK": ("The files of the file systems (live and deleted) and their MD5, SHA-1 and "
            "SHA-256 equal The Sleuth Kit's own tools: mmls partitions, fls -r -p lists, "
            "icat extracts, hashlib hashes"),
    "EV": ("The evidence item is read by the expected source, its SHA-256 equals "
           "hashlib's over its bytes (raw images and loose files), and an E01's stored "
           "hash check gives the expected result"),
    "DEL": ("Deleted files are listed as deleted; a recoverable one is recovered whole "
            "(its digests are the original's), one whose content is gone is reported so "
            "(a warning naming it, or nothing to read)"),
    "PDQ": ("Each picture's PDQ hash is within the documented distance of the reference "
            "implementation (pdqhash on the full-resolution decode)"),
    "ABS": ("Content on the evidence that the engine is documented not to extract is "
            "not reported (the known limitation named)"),
}


def check_listing(view: RunView, reference: ReferenceSet, item: ReferenceItem
                  ) -> Assertion | None:
    checks = ("Every file of the item is listed at its address (partition, file system, "
              "archive chain, path, deleted or not) with its size, modification time and type"
              + ("; nothing else is listed" if item.complete else ""))
    expected = _files(len(item.files)) + (", exactly" if item.complete else ", at least")
    if not item.files and item.complete is False:
        return None
    if failed := unusable(view, f"LIST-{item.id}", "listing", checks, expected, item):
        return failed
    label = reference.label_of(item)
    rows = view.rows_of(label)
    problems: list[str] = []
    wanted = explained(view, label, item.files)
    for f in item.files:
        found = expected_rows(view, label, f)
        if not found:
            problems.append(f"missing: {f.where()}")
            continue
        row = found[0]
        for name, want in (("size", f.size), ("type", f.type), ("modified", f.modified),
                           ("embedded", f.embedded), ("thumbnail", f.thumbnail),
                           ("original_not_found", f.original_not_found)):
            got = row.get(name, "")
            if want is not None and _cell(want) != got:
                problems.append(f"{f.where()}: {name} {got or '(none)'}, expected "
                                f"{_cell(want)}")
    if item.complete:
        problems += [f"not in the ground truth: {describe_key(key)}"
                     for key in sorted(rows) if key not in wanted]
        problems += [f"listed {len(found)} times: {describe_key(key)}"
                     for key, found in sorted(rows.items()) if len(found) > 1]
    return assertion(f"LIST-{item.id}", "listing", checks, expected, problems=problems,
                     ok=f"{_files(len(item.files))}, each at its address with its size, time "
                        f"and type" + (f"; {len(rows)} listed in all" if item.complete else ""),
                     item=item.id)


def _files(count: int) -> str:
    return "1 file" if count == 1 else f"{count} files"


def _cell(value: object) -> str:
    """A value as files.csv writes it."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def check_absent(view: RunView, reference: ReferenceSet, item: ReferenceItem
                 ) -> Assertion | None:
    if not item.absent:
        return None
    checks = CHECKS["ABS"]
    expected = "; ".join(f"{a.what}: no record ({a.limitation})" for a in item.absent)
    if failed := unusable(view, f"ABS-{item.id}", "listing", checks, expected, item):
        return failed
    seen = {row["sha1"] for rows in view.rows_of(reference.label_of(item)).values()
            for row in rows}
    problems = [f"{a.what} is reported (SHA-1 {a.sha1}): update the limitation "
                f"{a.limitation} and this ground truth" for a in item.absent if a.sha1 in seen]
    return assertion(f"ABS-{item.id}", "listing", checks, expected, problems=problems,
                     ok=f"none of the {len(item.absent)} reported, as documented",
                     item=item.id)


def check_digests(view: RunView, reference: ReferenceSet, item: ReferenceItem
                  ) -> Assertion | None:
    stated = [f for f in item.files if f.recoverable and any(getattr(f, d) for d in DIGESTS)]
    if not stated:
        return None
    checks = CHECKS["DIG"]
    expected = f"{len(stated)} files, 3 digests each"
    if failed := unusable(view, f"DIG-{item.id}", "digests", checks, expected, item):
        return failed
    label = reference.label_of(item)
    problems: list[str] = []
    for f in stated:
        found = expected_rows(view, label, f)
        if not found:
            continue  # LIST names it
        for name in DIGESTS:
            want = getattr(f, name)
            if want and found[0][name] != want:
                problems.append(f"{f.where()}: {name} {found[0][name] or '(none)'}, "
                                f"expected {want}")
    return assertion(f"DIG-{item.id}", "digests", checks, expected, problems=problems,
                     ok=f"{len(stated)} of {len(stated)} files: all three digests equal",
                     item=item.id)


def check_tsk(view: RunView, reference: ReferenceSet, item: ReferenceItem) -> Assertion | None:
    if not item.tsk:
        return None
    checks = CHECKS["TSK"]
    expected = "the same files, the same digests"
    if failed := unusable(view, f"TSK-{item.id}", "digests", checks, expected, item):
        return failed
    parts = [reference.path_of(p) for p in item.all_parts()]
    theirs, unread = listing(image_arguments(parts, item.kind))
    ours = {(sector_of(key[0]), key[3], key[4]): rows[0]
            for key, rows in view.rows_of(reference.label_of(item)).items()
            if not key[2] and not key[3].startswith("/$OrphanFiles")}
    problems = [f"fls cannot read the partition at {u}" for u in unread]
    seen = set()
    for t in theirs:
        key = (t.start, t.path, t.deleted)
        seen.add(key)
        row = ours.get(key)
        where = f"sector {t.start} {t.path}" + (" (deleted)" if t.deleted else "")
        if row is None:
            problems.append(f"fls lists {where}, the engine does not")
        elif not row["error"]:
            problems += [f"{where}: {name} {row[name]}, icat's bytes give {getattr(t, name)}"
                         for name in DIGESTS if row[name] != getattr(t, name)]
    problems += [f"the engine lists sector {k[0]} {k[1]}, fls does not" for k in sorted(ours)
                 if k not in seen]
    return assertion(f"TSK-{item.id}", "digests", checks, expected, problems=problems,
                     ok=f"{len(theirs)} files listed by fls; all listed by the engine with "
                        "icat's digests", item=item.id)


def check_evidence(view: RunView, reference: ReferenceSet, item: ReferenceItem
                   ) -> Assertion | None:
    if item.exit_status == INPUT:
        return None  # an item that cannot be opened: its outcome is OUT-'s to check
    checks = CHECKS["EV"]
    expected = f"read as {item.kind}" + ("" if item.verified is None else
                                         f", verified {str(item.verified).lower()}")
    if failed := unusable(view, f"EV-{item.id}", "digests", checks, expected, item):
        return failed
    info = view.evidence_info(reference.label_of(item))
    problems: list[str] = []
    if info is None:
        problems.append("the report has no evidence entry for the item")
    else:
        if info.get("kind") != item.kind:
            problems.append(f"read as {info.get('kind')}, expected {item.kind}")
        if item.verified is not None and info.get("verified") is not item.verified:
            problems.append(f"verified is {info.get('verified')}, expected {item.verified}")
        if item.kind in WHOLE_FILE_DIGEST and item.exit_status == 0:
            digest = hashlib.sha256()
            for part in item.all_parts():
                digest.update(reference.path_of(part).read_bytes())
            if info.get("sha256") != digest.hexdigest():
                problems.append(f"SHA-256 {info.get('sha256')}, hashlib gives "
                                f"{digest.hexdigest()}")
    return assertion(f"EV-{item.id}", "digests", checks, expected, problems=problems,
                     ok=expected + ("" if item.kind not in WHOLE_FILE_DIGEST
                                    or item.exit_status else "; SHA-256 equal"), item=item.id)


def check_deleted(view: RunView, reference: ReferenceSet, item: ReferenceItem
                  ) -> Assertion | None:
    deleted = [f for f in item.files if f.deleted]
    if not deleted:
        return None
    recoverable = [f for f in deleted if f.recoverable]
    checks = CHECKS["DEL"]
    expected = (f"{len(deleted)} deleted: {len(recoverable)} recovered, "
                f"{len(deleted) - len(recoverable)} reported not recoverable")
    if failed := unusable(view, f"DEL-{item.id}", "deleted", checks, expected, item):
        return failed
    label = reference.label_of(item)
    named = " ".join(str(w.get("address", "")) + " " + str(w.get("message", ""))
                     for w in view.warnings_of(label))
    problems: list[str] = []
    for f in deleted:
        found = expected_rows(view, label, f)
        if not found:
            problems.append(f"not found as deleted: {f.where()}")
            continue
        row = found[0]
        if f.recoverable:
            if row["error"]:
                problems.append(f"{f.where()}: not recovered: {row['error']}")
            problems += [f"{f.where()}: {n} {row[n]}, the original's is {getattr(f, n)}"
                         for n in DIGESTS if getattr(f, n) and row[n] != getattr(f, n)]
        elif row["size"] != "0" and not ("not recoverable" in row["error"]
                                         and f.path in named):
            problems.append(f"{f.where()}: its content is gone but it is reported as read "
                            f"(size {row['size']}, SHA-1 {row['sha1'] or '(none)'})")
    if item.complete:
        expected_keys = {f.key() for f in deleted}
        problems += [f"listed as deleted, not in the ground truth: {describe_key(key)}"
                     for key in sorted(view.rows_of(label)) if key[4] and key not in expected_keys]
    return assertion(f"DEL-{item.id}", "deleted", checks, expected, problems=problems,
                     ok=expected, item=item.id)


def check_pdq(view: RunView, reference: ReferenceSet, item: ReferenceItem) -> Assertion | None:
    pictures = [f for f in item.files if f.pdq]
    if not pictures:
        return None
    checks = CHECKS["PDQ"]
    expected = f"{len(pictures)} pictures, distance ≤ {PDQ_REFERENCE_BOUND} of 256 bits"
    if failed := unusable(view, f"PDQ-{item.id}", "perceptual", checks, expected, item):
        return failed
    label = reference.label_of(item)
    problems: list[str] = []
    largest = 0
    for f in pictures:
        found = expected_rows(view, label, f)
        if not found:
            continue
        distance = _distance(found[0]["pdq"], f)
        if distance is None:
            problems.append(f"{f.where()}: no PDQ hash reported")
            continue
        largest = max(largest, distance)
        if distance > PDQ_REFERENCE_BOUND:
            problems.append(f"{f.where()}: distance {distance} from the reference")
    return assertion(f"PDQ-{item.id}", "perceptual", checks, expected, problems=problems,
                     ok=f"{len(pictures)} pictures; largest distance {largest}", item=item.id)


def _distance(reported: str, expected: ExpectedFile) -> int | None:
    """Hamming distance of two 256-bit hashes in hex (computed here, not by the engine)."""
    if not reported or not expected.pdq:
        return None
    return (int(reported, 16) ^ int(expected.pdq, 16)).bit_count()


ITEM_CHECKS: dict[str, list[Check]] = {
    "listing": [check_listing, check_absent],
    "digests": [check_evidence, check_digests, check_tsk],
    "deleted": [check_deleted],
    "perceptual": [check_pdq],
}
