"""Writing reference files: folders with fixed times, zip and tar archives, and the
expected files they make (an archive's members with their chain of archives)."""

from __future__ import annotations

import io
import os
import tarfile
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from safeguard.demo.diskimages import FIXED_MTIME

from .catalogue import Catalogue
from .groundtruth import ExpectedFile


def write_files(root: Path, files: Mapping[str, bytes]) -> None:
    """`files` under `root`, every file and folder with the fixed time."""
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        os.utime(path, (FIXED_MTIME, FIXED_MTIME))


def zip_of(members: Mapping[str, bytes], *, stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            # Zip keeps a time without a zone; the engine reads it as UTC.
            info = zipfile.ZipInfo(name, time.gmtime(FIXED_MTIME)[:6])
            info.compress_type = method
            archive.writestr(info, data)
    return buffer.getvalue()


def tar_of(members: Mapping[str, bytes], mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), FIXED_MTIME
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@dataclass(frozen=True)
class Member:
    """A file to write (in a folder, an archive, a file system) and what it is; an
    archive carries its own members."""

    data: bytes
    kind: str
    members: Mapping[str, Member] | None = None
    # A document that is a zip (DOCX, ODF): its members are also "embedded" (files.csv).
    document: bool = False


def packed(members: Mapping[str, Member]) -> dict[str, bytes]:
    return {name: member.data for name, member in members.items()}


class Expectations:
    """Expected files of one item, archives opened as the engine must open them."""

    def __init__(self, catalogue: Catalogue, *, partition: str = "",
                 filesystem: str = "") -> None:
        self.catalogue = catalogue
        self.partition = partition
        self.filesystem = filesystem
        self.files: list[ExpectedFile] = []

    def add(self, path: str, member: Member, *, archive: str = "", deleted: bool = False,
            shared: bool = False, embedded: bool = False) -> None:
        """The file and, for an archive, everything in it (each member's path is its own
        and its chain the archives around it: report-format.md, files.csv)."""
        path = "/" + path.lstrip("/")
        self.files.append(self.catalogue.expect(path, member.data, member.kind,
                                                archive=archive, deleted=deleted,
                                                shared=shared, embedded=embedded,
                                                partition=self.partition,
                                                filesystem=self.filesystem))
        chain = f"{archive}!{path}" if archive else path
        for name, inner in (member.members or {}).items():
            self.add(name, inner, archive=chain, deleted=deleted, shared=shared,
                     embedded=member.document)

    def add_all(self, files: Mapping[str, Member], *, archive: str = "",
                shared: bool = False) -> None:
        for path, member in files.items():
            self.add(path, member, archive=archive, shared=shared)
