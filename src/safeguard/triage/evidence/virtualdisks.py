"""One virtual disk opened through its libyal library, with the files it is stored in.

- QCOW2/3 (libqcow): a disk with a backing file reads through it (the parent found beside
  it, by the name the child records);
- VMDK (libvmdk): monolithic or split, sparse or flat (the descriptor names the extent
  files, opened beside it), and a snapshot with its parent;
- VHD and VHDX (libvhdi): fixed, dynamic, and differential with the parent beside it;
- DMG (UDIF, compressed or not) and Apple sparse images (libmodi).

`open_file` opens every file read-only (readonly.py) and is the only way a file is
opened: the libraries are handed file objects, never a path. A parent that is not beside
the child makes the disk unreadable, and says so (layers.NotRead).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import EvidenceError
from .formats import Recognised, probe

OpenFile = Callable[[Path], BinaryIO]
# Differential disks whose parents are themselves differential: deeper is damage.
MAX_PARENTS = 16


def open_handle(recognised: Recognised, path: Path, open_file: OpenFile,
                where: str) -> tuple[Any, dict[str, Any]]:
    """(the library's handle over the disk's media, what the report says about it)."""
    return _open(recognised, path, open_file, where, 0)


def _open(recognised: Recognised, path: Path, open_file: OpenFile, where: str,
          depth: int) -> tuple[Any, dict[str, Any]]:
    if depth > MAX_PARENTS:
        raise EvidenceError(f"{where}: more than {MAX_PARENTS} parent disks: not read")
    name = recognised.name
    try:
        if name.startswith("QCOW"):
            return _qcow(recognised, path, open_file, where, depth)
        if name == "VMDK":
            return _vmdk(recognised, path, open_file, where, depth)
        if name in ("VHD", "VHDX"):
            return _vhdi(recognised, path, open_file, where, depth)
        return _modi(recognised, path, open_file)
    except OSError as exc:
        raise EvidenceError(f"{where}: {name} disk image cannot be opened (damaged?): "
                            f"{_last_reason(exc)}") from exc


def _last_reason(exc: OSError) -> str:
    """libyal chains its reasons, outermost first: the innermost says what is wrong."""
    parts = [p.strip() for p in str(exc).split(". ") if p.strip()]
    return parts[-1].rstrip(".") if parts else str(exc)


def _parent(recognised: Recognised, child: Path, recorded: str, where: str) -> Path:
    """The parent disk a differential disk records, looked for beside the child (the
    recorded path is the acquiring machine's: C:\\VMs\\base.vhdx, /var/lib/base.qcow2)."""
    from .layers import NotRead

    base = re.split(r"[\\/]", recorded.strip())[-1]
    candidate = child.parent / base
    if base and candidate.is_file():
        return candidate
    raise NotRead(recognised, f"{recognised.name} differential: parent {base or recorded!r} "
                              "not found beside it: not examined")


def _child_of(recognised: Recognised, parent: Path, where: str) -> Recognised:
    from .layers import NotRead

    found = probe(parent)
    if found is None or found.name.rstrip("23") != recognised.name.rstrip("23"):
        raise NotRead(recognised, f"{recognised.name} differential: its parent {parent.name} "
                                  f"is not a {recognised.name} disk: not examined")
    return found


def _qcow(recognised: Recognised, path: Path, open_file: OpenFile, where: str,
          depth: int) -> tuple[Any, dict[str, Any]]:
    import pyqcow

    handle = pyqcow.file()
    handle.open_file_object(open_file(path))
    detail: dict[str, Any] = {"format": recognised.name}
    backing = handle.get_backing_filename()
    if backing:
        parent_path = _parent(recognised, path, backing, where)
        parent, parent_detail = _open(_child_of(recognised, parent_path, where), parent_path,
                                      open_file, where, depth + 1)
        handle.set_parent(parent)
        detail["parent"] = {"file": parent_path.name, **parent_detail}
    if handle.is_locked():
        from .layers import NotRead

        raise NotRead(recognised, "QCOW encrypted disk: not examined")
    return handle, detail


def _vmdk(recognised: Recognised, path: Path, open_file: OpenFile, where: str,
          depth: int) -> tuple[Any, dict[str, Any]]:
    import pyvmdk

    handle = pyvmdk.handle()
    handle.open_file_object(open_file(path))
    extents = []
    for descriptor in handle.extent_descriptors:
        filename = descriptor.filename
        extents.append(filename)
    paths = [path.parent / re.split(r"[\\/]", name)[-1] for name in extents]
    if len(paths) == 1 and recognised.name == "VMDK" and _embeds_descriptor(path):
        # A monolithic sparse disk is its own extent, whatever it has been renamed to
        # since (its embedded descriptor keeps the name it was created with).
        paths = [path]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise EvidenceError(f"{where}: VMDK extent file(s) missing beside the descriptor: "
                            f"{', '.join(missing)}")
    handle.open_extent_data_files_as_file_objects([open_file(p) for p in paths])
    detail: dict[str, Any] = {"format": "VMDK", "disk_type": _type_name(
        pyvmdk.disk_types, handle.get_disk_type()), "extents": [p.name for p in paths]}
    parent_name = handle.get_parent_filename()
    if parent_name:
        parent_path = _parent(recognised, path, parent_name, where)
        parent, parent_detail = _open(recognised, parent_path, open_file, where, depth + 1)
        handle.set_parent(parent)
        detail["parent"] = {"file": parent_path.name, **parent_detail}
    return handle, detail


def _vhdi(recognised: Recognised, path: Path, open_file: OpenFile, where: str,
          depth: int) -> tuple[Any, dict[str, Any]]:
    import pyvhdi

    handle = pyvhdi.file()
    handle.open_file_object(open_file(path))
    disk_type = _type_name(pyvhdi.disk_types, handle.get_disk_type())
    detail: dict[str, Any] = {"format": recognised.name, "disk_type": disk_type}
    if disk_type == "differential":
        recorded = handle.get_parent_filename() or ""
        parent_path = _parent(recognised, path, recorded, where)
        parent, parent_detail = _open(_child_of(recognised, parent_path, where), parent_path,
                                      open_file, where, depth + 1)
        handle.set_parent(parent)
        detail["parent"] = {"file": parent_path.name, **parent_detail}
    return handle, detail


def _modi(recognised: Recognised, path: Path, open_file: OpenFile) -> tuple[Any, dict[str, Any]]:
    import pymodi

    handle = pymodi.handle()
    handle.open_file_object(open_file(path))
    return handle, {"format": recognised.name}


def _type_name(types: Any, value: int) -> str:
    for name in dir(types):
        if name.isupper() and getattr(types, name) == value:
            return name.lower().replace("_", " ")
    return str(value)


def _embeds_descriptor(path: Path) -> bool:
    """A sparse extent (KDMV) with its descriptor inside: a monolithic sparse VMDK."""
    from ..readonly import read_head

    try:
        head = read_head(path, 4)
    except OSError:
        return False
    return head == b"KDMV"
