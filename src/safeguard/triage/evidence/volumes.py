"""Regions (a whole image, a partition, a logical volume) The Sleuth Kit finds no file
system in, opened by their signature:

- an LVM2 physical volume (libvslvm): each logical volume of its volume group is a volume
  of its own, labelled `lvm vg0/home` (or `p2 (sector 2048, lvm vg0/home)` inside a
  partition), and its file system is opened like a partition's: TSK first, then below;
- XFS, HFS+ (where TSK refuses it) and APFS (each volume of the container): through
  their libyal libraries (yalfs.py).

None when the signature names none of these: the caller's own reason stands (an encrypted
volume to unlock, a format named and not read).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytsk3

from .formats import Recognised
from .keys import VolumeKeys
from .layers import LayerFile, LayerImgInfo, Stack, reason_not_read, sample
from .tskwalk import Volume, tsk_volume
from .yalfs import READ, open_filesystems

ReadAt = Callable[[int, int], bytes]
LVM = "LVM2"
# Logical volumes inside logical volumes (a PV on an LV) are rare; deeper is damage.
MAX_NESTING = 4


def sublabel(label: str, suffix: str) -> str:
    """`p2 (sector 2048)` and `lvm vg0/home` → `p2 (sector 2048, lvm vg0/home)`."""
    if not suffix:
        return label
    if not label:
        return suffix
    if label.endswith(")"):
        return f"{label[:-1]}, {suffix})"
    return f"{label} ({suffix})"


def region_volumes(read_at: ReadAt, size: int, label: str, offset: int,
                   keys: VolumeKeys | None, evidence: str, depth: int = 0
                   ) -> list[Volume] | None:
    """The volumes of a region TSK found no file system in, or None when its signature
    names no format read here."""
    found = sample(read_at, size)
    if found is None or (found.name != LVM and found.name not in READ):
        return None
    if found.name == LVM:
        return _logical_volumes(found, read_at, size, label, offset, keys, evidence, depth)
    return _native(found, read_at, size, label, offset, keys, evidence)


def _native(found: Recognised, read_at: ReadAt, size: int, label: str, offset: int,
            keys: VolumeKeys | None, evidence: str) -> list[Volume]:
    try:
        opened = open_filesystems(found.name, LayerFile(read_at, size), keys, evidence, label)
    except OSError as exc:
        reason = str(exc).split(". ")[-1].rstrip(".") or str(exc)
        return [Volume(label, offset, None, "", {"label": label},
                       f"{found.name} ({found.kind}) cannot be opened (damaged?): {reason}")]
    volumes = []
    for suffix, fs, problem in opened:
        name = sublabel(label, suffix)
        detail: dict[str, Any] = {"label": name, "filesystem": fs.name if fs else None}
        volumes.append(Volume(name, offset, fs, fs.name if fs else "", detail, problem))
    return volumes


def _logical_volumes(found: Recognised, read_at: ReadAt, size: int, label: str, offset: int,
                     keys: VolumeKeys | None, evidence: str, depth: int) -> list[Volume]:
    import pyvslvm

    if depth >= MAX_NESTING:
        return [Volume(label, offset, None, "", {"label": label},
                       f"LVM2 nested more than {MAX_NESTING} deep: not examined")]
    source = LayerFile(read_at, size)
    handle = pyvslvm.handle()
    try:
        handle.open_file_object(source)
        handle.open_physical_volume_files_as_file_objects([source])
        group = handle.get_volume_group()
        logical = [group.get_logical_volume(n)
                   for n in range(group.get_number_of_logical_volumes())]
    except OSError as exc:
        reason = str(exc).split(". ")[-1].rstrip(".") or str(exc)
        return [Volume(label, offset, None, "", {"label": label},
                       f"{found.name} ({found.kind}) cannot be opened (damaged, or a volume "
                       f"group spread over other disks?): {reason}")]
    if not logical:
        return [Volume(label, offset, None, "", {"label": label},
                       f"LVM2 volume group {group.get_name()!r} holds no logical volume")]
    volumes: list[Volume] = []
    for number, lv in enumerate(logical):
        name = sublabel(label, f"lvm {group.get_name()}/{lv.get_name()}")
        # The group's handle is closed with the first logical volume's layer (the disk
        # closes all its volumes together).
        volumes.extend(_logical_volume(handle if number == 0 else None, lv, name, offset, keys,
                                       evidence, depth))
    return volumes


def _logical_volume(handle: Any, lv: Any, label: str, offset: int, keys: VolumeKeys | None,
                    evidence: str, depth: int) -> list[Volume]:
    """One logical volume's file system (TSK first, then by its signature)."""
    size = int(lv.get_size())
    stack = Stack()
    if handle is not None:
        stack.handles.append(handle)
    stack.push(lv, "LVM2", size)
    detail: dict[str, Any] = {"label": label, "sectors": size // 512, "filesystem": None}
    assert stack.read_at is not None
    read_at = stack.read_at
    try:
        fs = pytsk3.FS_Info(LayerImgInfo(stack), offset=0)
    except OSError as exc:
        inner = region_volumes(read_at, size, label, offset, keys, evidence, depth + 1)
        if inner is not None:
            for volume in inner:
                volume.layer = volume.layer or stack
                volume.detail = {**detail, **volume.detail}
            return inner
        found = sample(read_at, size)
        problem = (f"{found.name} ({found.kind}): {reason_not_read(found)}" if found else
                   f"no file system The Sleuth Kit can read: {exc}")
        return [Volume(label, offset, None, "", detail, problem, layer=stack)]
    volume = tsk_volume(label, 0, fs, size)
    volume.offset = offset
    detail["filesystem"] = volume.filesystem
    volume.detail = detail
    volume.layer = stack
    return [volume]
