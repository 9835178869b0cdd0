"""A Cellebrite UFDR (the Reader's report): a zip holding `report.xml` and the extracted
files, filed by category (`files/Image/…`), not by where they were on the phone.

`report.xml` (namespace http://pa.cellebrite.com/report/2.0, root `project`) lists each
file of the extraction as a `<file>` element: its file system (`fs`), its path on the
device (`path`), whether it was found deleted (`deleted="Deleted"`; "Intact" otherwise),
its id, its times (`<accessInfo><timestamp name="ModifyTime">`), and, in its metadata,
the member of the zip that holds its content (`<item name="Local Path">`). Each such
file is listed at its device path, with its deleted flag and times; its address is

    phone.ufdr › Apple iOS File System › /private/var/mobile/Media/DCIM/IMG_0001.JPG (inode <id>)

(the file system as the report names it; the report's file id as the inode). Members of
the zip that the report does not describe are listed at their path in the zip, so
nothing in the report's zip goes unexamined. A file the report lists with no content in
the zip (not extracted) has nothing to read: counted in one warning.
"""

from __future__ import annotations

import functools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, ClassVar, cast
from xml.etree import ElementTree

from ..errors import EvidenceError, NotThisFormat
from ..hashing import digest_path
from ..readonly import open_readonly_file
from ..records import Address, FileEntry, Times, TriageWarning, WarningSink
from .base import EvidenceInfo, Source
from .keys import VolumeKeys

NAMESPACE = "{http://pa.cellebrite.com/report/2.0}"
REPORT = "report.xml"
STAGE = "ufdr"


@dataclass(frozen=True, slots=True)
class _File:
    """One `<file>` of report.xml with its content in the zip."""

    fs: str
    path: str
    identifier: str
    deleted: bool
    member: str
    times: Times


def _seconds(text: str | None) -> float | None:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def _report_name(archive: zipfile.ZipFile) -> str | None:
    return next((name for name in archive.namelist() if name.lower() == REPORT), None)


def _files(archive: zipfile.ZipFile, report: str) -> tuple[list[_File], int]:
    """The report's files whose content the zip holds (in device path order), and how
    many it lists without content. ElementTree.ParseError when the XML is damaged."""
    members = {name.replace("\\", "/").lower(): name for name in archive.namelist()}
    found: list[_File] = []
    missing = 0
    with archive.open(report) as stream:
        for _event, element in ElementTree.iterparse(stream):
            if element.tag != f"{NAMESPACE}file":
                continue
            local = ""
            times: dict[str, float | None] = {}
            for item in element.iter(f"{NAMESPACE}item"):
                if item.get("name") == "Local Path":
                    local = (item.text or "").strip().replace("\\", "/")
            for stamp in element.iter(f"{NAMESPACE}timestamp"):
                times[stamp.get("name") or ""] = _seconds(stamp.text)
            member = members.get(local.lower()) if local else None
            if member is None:
                missing += 1
            else:
                path = element.get("path") or ""
                found.append(_File(
                    fs=element.get("fs") or "", path=path if path.startswith("/") else "/" + path,
                    identifier=element.get("id") or "",
                    deleted=(element.get("deleted") or "").lower() == "deleted", member=member,
                    times=Times(modified=times.get("ModifyTime"),
                                accessed=times.get("AccessTime"),
                                created=times.get("CreationTime"))))
            element.clear()
    found.sort(key=lambda f: (f.path, f.identifier))
    return found, missing


class UfdrSource(Source):
    """A Cellebrite UFDR: the phone's files at their device paths, deleted flags kept."""

    NAME: ClassVar[str] = "ufdr"

    def __init__(self, path: Path, label: str, archive: zipfile.ZipFile, report: str,
                 stream: BinaryIO) -> None:
        super().__init__(path, label)
        self.archive = archive
        self.report = report
        self._stream = stream

    @classmethod
    def open(cls, path: Path, label: str, *, keys: VolumeKeys | None = None) -> UfdrSource:
        path = Path(path)
        if not path.is_file():
            raise NotThisFormat(f"{path}: not a file")
        try:
            stream = open_readonly_file(path, follow=True)
        except OSError as exc:
            raise NotThisFormat(f"{path}: cannot be read here: {exc}") from exc
        try:
            if stream.read(4) != b"PK\x03\x04":
                raise NotThisFormat(f"{path}: not a zip")
            stream.seek(0)
            archive = zipfile.ZipFile(stream)
            report = _report_name(archive)
            if report is None or not _is_cellebrite(archive, report):
                archive.close()
                raise NotThisFormat(f"{path}: a zip without a Cellebrite report.xml")
        except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, OSError, EOFError) as exc:
            # zipfile refuses a damaged directory (or a name flagged UTF-8 that is not)
            # outright: the archive source reads such a zip member by member instead.
            stream.close()
            raise NotThisFormat(f"{path}: not a readable zip ({exc})") from exc
        except BaseException:
            stream.close()
            raise
        return cls(path, label, archive, report, stream)

    def entries(self, warn: WarningSink) -> Iterator[FileEntry]:
        try:
            files, missing = _files(self.archive, self.report)
        except (ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise EvidenceError(f"{self.label}: report.xml cannot be read: {exc}") from exc
        if missing:
            warn(TriageWarning(Address.of_evidence(self.label), STAGE,
                               f"report.xml lists {missing} file(s) whose content is not in "
                               "the UFDR (not extracted): nothing to read"))
        described = {f.member for f in files} | {self.report}
        for found in files:
            info = self.archive.getinfo(found.member)
            yield FileEntry(
                address=Address(self.label, found.path, filesystem=found.fs,
                                inode=found.identifier),
                size=info.file_size, times=found.times, deleted=found.deleted,
                opener=functools.partial(self._open_member, found.member))
        for info in sorted(self.archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or info.filename in described:
                continue
            yield FileEntry(address=Address(self.label, "/" + info.filename.lstrip("/")),
                            size=info.file_size,
                            opener=functools.partial(self._open_member, info.filename))

    def _open_member(self, member: str) -> BinaryIO:
        try:
            return cast(BinaryIO, self.archive.open(member))
        except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
            raise EvidenceError(f"{self.label}: {member}: cannot be read: {exc}") from exc

    def describe(self, warn: WarningSink) -> EvidenceInfo:
        digested = digest_path(self.path, ("sha256",), follow=True)
        return EvidenceInfo(path=str(self.path), kind=self.NAME, size=digested.size,
                            sha256=digested.digests["sha256"],
                            detail={"report": self.report})

    def files(self) -> list[Path]:
        return [self.path]

    def close(self) -> None:
        self.archive.close()
        self._stream.close()


def _is_cellebrite(archive: zipfile.ZipFile, report: str) -> bool:
    """report.xml's root element is Cellebrite's `project`."""
    try:
        with archive.open(report) as stream:
            for _event, element in ElementTree.iterparse(stream, events=("start",)):
                return bool(element.tag == f"{NAMESPACE}project")
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError):
        return False
    return False

