"""The ground-truth format: a reference set is a folder holding evidence and
`groundtruth.json`, which says what a correct triage reports of each evidence item.

The built-in reference data is written in this format (reference.py), and a unit's own
reference sets (`safeguard validate --reference DIR`) use it too; docs/validation.md
("Ground truth") documents every field. Reading is strict: an unknown field, a missing
one or a value of the wrong kind is a GroundTruthError naming the file and the item, so
a typing mistake in a unit's ground truth cannot quietly weaken a check.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

FILE_NAME = "groundtruth.json"
FORMAT = "safeguard-groundtruth/1"
FILE_TYPES = ("image", "video", "archive", "other", "empty")
MATCHES = ("exact", "perceptual", "none")


class GroundTruthError(ValueError):
    """A ground-truth file that cannot be used; the message names the file and item."""


@dataclass(frozen=True)
class ExpectedFile:
    """One file the engine must report. `None` means "not stated": not checked.

    `path` may hold `*` (any characters, as in fnmatch) where the documentation leaves
    the name of an item inside a container open (a PDF's picture "/page 1/image 1*").
    """

    path: str
    partition: str = ""
    filesystem: str = ""
    archive: str = ""
    deleted: bool = False
    # A deleted file whose content is gone: the engine must say so (a warning naming it).
    recoverable: bool = True
    size: int | None = None
    modified: str | None = None
    type: str | None = None
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    match: str = "none"
    category: str = ""
    known_good: bool = False
    shared_location: bool = False
    # Found inside another file (a document's picture, an attachment), a thumbnail read
    # out of a thumbnail cache, and such a thumbnail's original absent (files.csv).
    embedded: bool | None = None
    thumbnail: bool | None = None
    original_not_found: bool | None = None
    # PDQ of the picture by the reference implementation (pdqhash, full decode).
    pdq: str | None = None
    note: str = ""

    def key(self) -> tuple[str, str, str, str, bool]:
        return (self.partition, self.filesystem, self.archive, self.path, self.deleted)

    @property
    def pattern(self) -> bool:
        return "*" in self.path

    def where(self) -> str:
        parts = [p for p in (self.partition, self.filesystem) if p]
        inner = f"{self.archive}!{self.path}" if self.archive else self.path
        return " › ".join([*parts, inner]) + (" (deleted)" if self.deleted else "")


@dataclass(frozen=True)
class ExpectedWarning:
    """A warning the engine must give: its stage, and text its message must contain."""

    stage: str
    contains: str


@dataclass(frozen=True)
class Absent:
    """Content on the evidence that the engine is documented not to report (a known
    limitation): no record may carry its SHA-1."""

    what: str
    sha1: str
    limitation: str = ""


@dataclass
class ReferenceItem:
    """One evidence item (one path given to the triage, with the files it consists of)."""

    id: str
    title: str
    evidence: str
    kind: str
    # Every file that makes up the item (split pieces, E01 segments), for the checks
    # that the evidence is unchanged; `evidence` alone when empty.
    parts: list[str] = field(default_factory=list)
    exit_status: int = 0
    warnings: list[ExpectedWarning] = field(default_factory=list)
    # True: the run may give no warning beyond `warnings`.
    warnings_complete: bool = True
    files: list[ExpectedFile] = field(default_factory=list)
    # True: the engine lists exactly `files`; False: at least these.
    complete: bool = True
    absent: list[Absent] = field(default_factory=list)
    # The stored acquisition hash check an E01 must report (report.json `verified`).
    verified: bool | None = None
    # A disk image The Sleuth Kit's own tools read: its listing and digests are compared
    # with mmls/fls/icat too.
    tsk: bool = False
    exercises: list[str] = field(default_factory=list)

    def all_parts(self) -> list[str]:
        return self.parts or [self.evidence]


@dataclass(frozen=True)
class HashSetFile:
    """A hash set list to import for the run (paths relative to the reference folder)."""

    file: str
    name: str
    kind: str
    format: str | None = None


@dataclass
class ReferenceSet:
    folder: Path
    name: str
    description: str = ""
    seed: int | None = None
    case_number: str = ""
    hashsets: list[HashSetFile] = field(default_factory=list)
    items: list[ReferenceItem] = field(default_factory=list)

    def path_of(self, relative: str) -> Path:
        return self.folder / relative

    def label_of(self, item: ReferenceItem) -> str:
        """The evidence path given to the triage: the label its records carry."""
        return str(self.path_of(item.evidence))

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "description": self.description,
            "seed": self.seed,
            "case_number": self.case_number,
            "hashsets": [asdict(h) for h in self.hashsets],
            "items": [_item_dict(item) for item in self.items],
        }


def _item_dict(item: ReferenceItem) -> dict[str, Any]:
    data = asdict(item)
    # Defaults left out: the file stays readable, and says only what was stated.
    data["files"] = [
        {k: v for k, v in asdict(f).items() if v != _FILE_DEFAULTS[k] or k == "path"}
        for f in item.files
    ]
    return data


_FILE_DEFAULTS = {f.name: f.default for f in fields(ExpectedFile)}


def save(reference: ReferenceSet) -> Path:
    path = reference.folder / FILE_NAME
    path.write_text(json.dumps(reference.as_dict(), indent=1, sort_keys=False) + "\n")
    return path


def load(folder: Path) -> ReferenceSet:
    """The reference set in `folder`; GroundTruthError naming what is wrong."""
    path = Path(folder) / FILE_NAME
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise GroundTruthError(f"{path}: no ground-truth file (docs/validation.md)") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise GroundTruthError(f"{path}: cannot be read as JSON: {exc}") from exc
    reader = _Reader(path)
    top = reader.object(data, "the file", required={"format", "name", "items"},
                        optional={"description", "seed", "case_number", "hashsets"})
    if top["format"] != FORMAT:
        raise GroundTruthError(f"{path}: format is {top['format']!r}, expected {FORMAT!r}")
    reference = ReferenceSet(
        folder=Path(folder),
        name=reader.text(top["name"], "name"),
        description=reader.text(top.get("description", ""), "description"),
        seed=top.get("seed"),
        case_number=reader.text(top.get("case_number", ""), "case_number"),
        hashsets=[reader.hashset(h, i) for i, h in enumerate(reader.array(
            top.get("hashsets", []), "hashsets"))],
        items=[reader.item(it, i) for i, it in enumerate(reader.array(top["items"], "items"))],
    )
    ids = [item.id for item in reference.items]
    if len(set(ids)) != len(ids):
        raise GroundTruthError(f"{path}: item ids repeat: {sorted(ids)}")
    for item in reference.items:
        for part in item.all_parts():
            if not reference.path_of(part).exists():
                raise GroundTruthError(f"{path}: item {item.id!r}: {part} does not exist")
    for hashset in reference.hashsets:
        if not reference.path_of(hashset.file).is_file():
            raise GroundTruthError(f"{path}: hash set {hashset.name!r}: {hashset.file} is missing")
    return reference


class _Reader:
    """Checks each part of the JSON against the dataclasses, naming where it went wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> GroundTruthError:
        return GroundTruthError(f"{self.path}: {where}: {problem}")

    def object(self, value: Any, where: str, required: set[str],
               optional: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be a JSON object")
        missing = sorted(required - value.keys())
        unknown = sorted(value.keys() - required - optional)
        if missing:
            raise self.fail(where, f"missing {', '.join(missing)}")
        if unknown:
            raise self.fail(where, f"unknown field(s) {', '.join(unknown)}")
        return value

    def array(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, "must be a JSON array")
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(where, "must be text")
        return value

    def fields_of(self, cls: type, value: Any, where: str) -> dict[str, Any]:
        known = {f.name: f for f in fields(cls)}
        required = {n for n, f in known.items()
                    if f.default is MISSING and f.default_factory is MISSING}
        data = self.object(value, where, required, set(known) - required)
        for name, given in data.items():
            expected = _JSON_KINDS[str(known[name].type)]
            if not isinstance(given, expected) or (isinstance(given, bool)
                                                   and bool not in expected):
                raise self.fail(where, f"{name} has the wrong kind of value: {given!r}")
        return data

    def hashset(self, value: Any, index: int) -> HashSetFile:
        data = self.fields_of(HashSetFile, value, f"hashsets[{index}]")
        if data["kind"] not in ("known-bad", "known-good"):
            raise self.fail(f"hashsets[{index}]", "kind must be known-bad or known-good")
        return HashSetFile(**data)

    def item(self, value: Any, index: int) -> ReferenceItem:
        named = isinstance(value, dict) and isinstance(value.get("id"), str)
        where = f"item {value['id']!r}" if named else f"items[{index}]"
        data = self.fields_of(ReferenceItem, value, where)
        data["warnings"] = [ExpectedWarning(**self.fields_of(ExpectedWarning, w, where))
                            for w in data.get("warnings", [])]
        data["absent"] = [Absent(**self.fields_of(Absent, a, where))
                          for a in data.get("absent", [])]
        files = []
        for n, f in enumerate(data.get("files", [])):
            spec = self.fields_of(ExpectedFile, f, f"{where} files[{n}]")
            if spec.get("type") not in (None, *FILE_TYPES):
                raise self.fail(f"{where} files[{n}]", f"type must be one of {FILE_TYPES}")
            if spec.get("match", "none") not in MATCHES:
                raise self.fail(f"{where} files[{n}]", f"match must be one of {MATCHES}")
            files.append(ExpectedFile(**spec))
        data["files"] = files
        return ReferenceItem(**data)


# JSON kinds of each annotation (the annotations are strings: `from __future__`).
_JSON_KINDS: Mapping[str, tuple[type, ...]] = {
    "str": (str,), "bool": (bool,), "int": (int,), "int | None": (int, type(None)),
    "str | None": (str, type(None)), "bool | None": (bool, type(None)),
    "list[str]": (list,), "list[ExpectedWarning]": (list,), "list[ExpectedFile]": (list,),
    "list[Absent]": (list,),
}
