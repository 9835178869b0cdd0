"""Folders and loose files as evidence."""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import ContentNotFound, EvidenceError, NotThisFormat
from ..readonly import open_readonly, open_readonly_file
from ..records import Address, FileEntry, Times, TriageWarning, WarningSink
from .base import EvidenceInfo, Source
from .keys import VolumeKeys


def _opener(path: str, follow: bool = False) -> BinaryIO:
    # Unbuffered: hashing reads in large chunks into its own buffers.
    return open_readonly_file(path, follow=follow)


def _times(st: os.stat_result) -> Times:
    created = getattr(st, "st_birthtime", None)
    return Times(modified=st.st_mtime, accessed=st.st_atime, changed=st.st_ctime, created=created)


class DirectorySource(Source):
    """A folder tree. Symbolic links are never followed, so the walk cannot leave the
    evidence; they are not files of the evidence and are not listed."""

    NAME = "directory"

    @classmethod
    def open(cls, path: Path, label: str, *, keys: VolumeKeys | None = None
             ) -> DirectorySource:
        if not path.is_dir():
            raise NotThisFormat(f"{path} is not a folder")
        if not os.access(path, os.R_OK | os.X_OK):
            raise EvidenceError(f"{label}: the folder cannot be read (permission denied)")
        return cls(path, label)

    def entries(self, warn: WarningSink) -> Iterator[FileEntry]:
        yield from self._walk(str(self.path), "", warn)

    def _walk(self, folder: str, relative: str, warn: WarningSink) -> Iterator[FileEntry]:
        try:
            with os.scandir(folder) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            warn(TriageWarning(Address(self.label, relative or "/"), "walk", _reason(exc)))
            return
        for item in items:
            rel = f"{relative}/{item.name}"
            try:
                st = item.stat(follow_symlinks=False)
            except OSError as exc:
                warn(TriageWarning(Address(self.label, rel), "walk", _reason(exc)))
                continue
            if stat.S_ISDIR(st.st_mode):
                yield from self._walk(item.path, rel, warn)
            elif stat.S_ISREG(st.st_mode):
                yield FileEntry(
                    address=Address(self.label, rel, inode=""),
                    size=st.st_size,
                    opener=functools.partial(_opener, item.path),
                    times=_times(st),
                    local_path=item.path,
                )

    def describe(self, warn: WarningSink) -> EvidenceInfo:
        # A folder has no single digest of its own; each file's digests are in files.csv.
        return EvidenceInfo(path=self.label, kind=self.NAME)

    def open_item(self, address: Address, *, deleted: bool = False) -> BinaryIO:
        """The path under the folder: no `..`, and no symbolic link on the way, as the walk
        never follows one."""
        parts = [part for part in address.outer_path.split("/") if part]
        if not parts or any(part in (".", "..") for part in parts):
            raise _not_found(address, "not a path inside the evidence folder")
        current = self.path
        for part in parts[:-1]:
            current = current / part
            try:
                mode = os.lstat(current).st_mode
            except OSError as exc:
                raise _not_found(address, f"folder missing: {exc.strerror}") from exc
            if not stat.S_ISDIR(mode):  # a symbolic link, or no longer a folder
                raise _not_found(address, f"{current.name} is not a folder of the evidence")
        target = current / parts[-1]
        try:
            if not stat.S_ISREG(os.lstat(target).st_mode):
                raise _not_found(address, "not a regular file any more")
            # O_NOFOLLOW as well: a link swapped in after the check is refused.
            return open(open_readonly(target), "rb")
        except OSError as exc:
            raise _not_found(address, f"cannot open: {exc.strerror or exc}") from exc

    def estimate(self) -> int:
        """Total bytes of regular files, for the progress bar (a cheap metadata walk)."""
        total = 0
        for root, _dirs, files in os.walk(self.path):
            for name in files:
                try:
                    st = os.lstat(os.path.join(root, name))
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    total += st.st_size
        return total


class FileSource(Source):
    """A single loose file (a photo, an archive, an unrecognised blob). Its evidence digest
    is the SHA-256 of the file's own record, so the file is read once, not twice."""

    NAME = "file"
    SELF_DIGESTING = True

    @classmethod
    def open(cls, path: Path, label: str, *, keys: VolumeKeys | None = None) -> FileSource:
        try:
            st = path.stat()
        except OSError as exc:
            raise EvidenceError(f"{label}: {_reason(exc)}") from exc
        if not stat.S_ISREG(st.st_mode):
            raise NotThisFormat(f"{path} is not a regular file")
        try:
            open_readonly_file(path, follow=True).close()
        except OSError as exc:
            raise EvidenceError(f"{label}: {_reason(exc)}") from exc
        return cls(path, label)

    def entries(self, warn: WarningSink) -> Iterator[FileEntry]:
        st = self.path.stat()
        # The evidence named may be a link to the file: read the file it names.
        real = os.path.realpath(self.path)
        yield FileEntry(
            address=Address(self.label, "/" + self.path.name),
            size=st.st_size,
            opener=functools.partial(_opener, real),
            times=_times(st),
            local_path=real,
        )

    def describe(self, warn: WarningSink) -> EvidenceInfo:
        return EvidenceInfo(path=self.label, kind=self.NAME, size=self.path.stat().st_size)

    def estimate(self) -> int:
        return self.path.stat().st_size

    def open_item(self, address: Address, *, deleted: bool = False) -> BinaryIO:
        if address.outer_path != "/" + self.path.name:
            raise _not_found(address, "the evidence is a single file with another name")
        return open_readonly_file(self.path, follow=True)

    def files(self) -> list[Path]:
        return [self.path]


def _not_found(address: Address, why: str) -> ContentNotFound:
    return ContentNotFound(f"{address}: {why}")


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
