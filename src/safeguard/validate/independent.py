"""Independent implementations the engine's results are compared with: The Sleuth Kit's
own command-line tools (mmls finds the partitions, fls lists every file, icat extracts
each one's bytes, hashed here with hashlib) and Python's hashlib over whole files.

The engine reads disk images through pytsk3, the same library; the command-line tools
are its authors' own reading of it, and a mistake in the engine's walk, in its handling
of deleted names or in its reads shows as a difference. Which files count as user files
follows docs/evidence.md "Which files are listed": TSK's virtual files, NTFS system
files, volume labels and $OrphanFiles are left out on both sides.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_PARTITION = re.compile(r"^\d+:\s+(\d+(?::\d+)?)\s+(\d+)\s+(\d+)\s+(\d+)")


class ToolMissing(RuntimeError):
    """A Sleuth Kit tool is not installed (Debian package sleuthkit)."""


@dataclass(frozen=True)
class TskFile:
    start: int  # the partition's first sector (0: a bare file system)
    path: str
    deleted: bool
    address: str
    md5: str
    sha1: str
    sha256: str
    size: int


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(f"{name} not found: install the Debian package sleuthkit")
    return found


def image_arguments(parts: list[Path], kind: str) -> list[str]:
    """How TSK's tools are told of the image: an E01 by its first segment (libewf finds
    the others), a split raw set by every piece in order."""
    if kind == "e01":
        return ["-i", "ewf", str(parts[0])]
    return ["-i", "raw", *map(str, parts)]


def partition_starts(image: list[str]) -> list[int]:
    """mmls's allocated partitions (start sectors), or [0] for a bare file system."""
    done = subprocess.run([tool("mmls"), *image], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return [0]
    starts = [int(m.group(2)) for line in done.stdout.splitlines()
              if (m := _PARTITION.match(line.strip()))]
    return starts or [0]


def listing(image: list[str]) -> tuple[list[TskFile], list[str]]:
    """Every regular user file fls lists in every partition, with icat's bytes hashed;
    and the partitions fls could not read (no file system it knows)."""
    found: list[TskFile] = []
    unread: list[str] = []
    for start in partition_starts(image):
        offset = ["-o", str(start)] if start else []
        done = subprocess.run([tool("fls"), *offset, "-r", "-p", *image], capture_output=True,
                              text=True, errors="surrogateescape", check=False)
        if done.returncode != 0:
            unread.append(f"sector {start}: {done.stderr.strip() or 'fls failed'}")
            continue
        for line in done.stdout.splitlines():
            entry = _regular_file(line)
            if entry is None:
                continue
            path, deleted, address = entry
            data = subprocess.run([tool("icat"), *offset, *image, address],
                                  capture_output=True, check=False).stdout
            found.append(TskFile(start, path, deleted, address, hashlib.md5(data).hexdigest(),
                                 hashlib.sha1(data).hexdigest(),
                                 hashlib.sha256(data).hexdigest(), len(data)))
    return found, unread


def _regular_file(line: str) -> tuple[str, bool, str] | None:
    kind, _, name = line.partition("\t")
    fields = kind.split()
    # "r/r": a regular file; "-/r": its name's type is gone (deleted on NTFS).
    if not fields or not fields[0].endswith("/r") or "(realloc)" in kind:
        return None
    if name.startswith("$") or "/$" in name or name.endswith("(Volume Label Entry)"):
        return None
    address = fields[-1].rstrip(":")
    if address.split("-")[0] == "0":
        return None  # a name with no metadata left
    return "/" + name, "*" in fields, address


def file_digest(path: Path) -> str:
    """SHA-256 of a whole file, read with hashlib."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def sector_of(partition: str) -> int:
    """The start sector in the engine's partition label, "p1 (sector 2048)"; 0 for none."""
    found = re.search(r"\(sector (\d+)\)", partition)
    return int(found.group(1)) if found else 0
