"""NCMEC CyberTipline packages: the XML documents of a report XML, a folder or a ZIP,
grouped into reports with their file details and attached files (ncmec.py reads each).

    reports, warnings, refused = read_packages(path)
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from .ncmec import _NUMBER, MAX_XML, NcmecError, Report, _Doc, _local, _parse, build


def _members(path: Path) -> Iterator[tuple[str, bytes | None, Path | None, str]]:
    """(name, XML bytes or None, the attached file's path or None, the ZIP member)."""
    if path.is_dir():
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            rel = str(item.relative_to(path.parent))
            if item.suffix.lower() == ".xml":
                yield rel, item.read_bytes()[:MAX_XML + 1], None, ""
            elif item.suffix.lower() == ".zip":
                yield from _members(item)
            else:
                yield rel, None, item, ""
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                name = f"{path.name}/{info.filename}"
                if PurePosixPath(info.filename).suffix.lower() == ".xml":
                    if info.file_size > MAX_XML:
                        raise NcmecError(name, ["larger than 20 MB"])
                    yield name, archive.read(info), None, ""
                else:
                    yield name, None, path, info.filename
    else:
        yield path.name, path.read_bytes()[:MAX_XML + 1], None, ""


def read_packages(path: Path) -> tuple[list[Report], list[str], list[NcmecError]]:
    """Every report under `path`: (reports, warnings, refused reports). A report with any
    problem is refused whole (nothing half-imported); the others are returned."""
    reports: list[_Doc] = []
    details: dict[str, list[_Doc]] = {}
    attached: dict[str, tuple[Path, str]] = {}
    warnings: list[str] = []
    refused: list[NcmecError] = []
    for name, data, file_path, member in _members(path):
        if data is None:
            assert file_path is not None
            attached[PurePosixPath(member or file_path.name).name] = (file_path, member)
            continue
        try:
            doc = _parse(name, data)
        except NcmecError as exc:
            refused.append(exc)
            continue
        kind = _local(doc.root.tag)
        if kind == "report":
            reports.append(doc)
        elif kind == "fileDetails":
            number = (doc.root.findtext("{*}reportId") or doc.root.findtext("reportId")
                      or "").strip()
            details.setdefault(number, []).append(doc)
        else:
            refused.append(NcmecError(name, [f"root element <{kind}>: expected <report> or "
                                             "<fileDetails> (NCMEC CyberTipline)"]))
    read: list[Report] = []
    used: set[str] = set()
    for doc in reports:
        number = _number_of(doc, details, path)
        try:
            report = build(doc, number, sorted(details.get(number, []), key=lambda d: d.name),
                           attached)
        except NcmecError as exc:
            refused.append(exc)
        else:
            read.append(report)
        used.add(number)
    for number, docs in details.items():
        if number not in used:
            for doc in docs:
                refused.append(NcmecError(doc.name, [f"fileDetails/reportId {number!r}: no "
                                                     "report with that number here"]))
    named = {f.get("name") for r in read for f in r.document.get("files", [])}
    for name in sorted(set(attached) - named):
        warnings.append(f"{name}: not XML and not a file a report names: not read")
    return read, warnings, refused


def _number_of(doc: _Doc, details: dict[str, list[_Doc]], path: Path) -> str:
    """The CyberTipline report number. The report XML carries none (NCMEC assigns it), so
    it is the digits of the report file's name (`123456789.xml`), else the `reportId` of
    the package's file details when they name one report, else the folder's or ZIP's
    name."""
    own = _NUMBER.search(PurePosixPath(doc.name).name)
    if own:
        return own.group(1)
    numbered = [n for n in details if n]
    if len(numbered) == 1:
        return numbered[0]
    for candidate in (PurePosixPath(doc.name).parent.name, path.name):
        if match := _NUMBER.search(candidate):
            return match.group(1)
    return ""


