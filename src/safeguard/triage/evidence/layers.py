"""Virtual disks and encrypted volumes opened through the libyal libraries, one layer on
another, down to the disk or volume The Sleuth Kit walks.

    file ─ QCOW2 / VMDK / VHD / VHDX / DMG / sparse image (a container)
         ─ LUKS1 / BitLocker (unlocked with the examiner's credential)
         ─ the media: a partition table or a file system, walked by TSK (tsk.py)

Each layer is a libyal handle that reads at an offset (`read_buffer_at_offset`) and knows
its size; the next layer opens it as a file object (`LayerFile`), and the last is handed
to TSK as an image (`LayerImgInfo`), so deleted files are recovered inside a virtual disk
exactly as inside a raw image. Every file a container is stored in (its extents, its
parent disk) is opened here through `open_readonly`: the libraries never open a path.

Why the bindings directly and not dfVFS: the walk, the deleted-file rules and the
addresses already live on TSK (tsk.py); dfVFS would bring a second walk with its own path
specifications, and a dozen dependencies. Each library used here is one small binding.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pytsk3

from ..errors import EvidenceError, NotThisFormat
from ..readonly import open_readonly_file
from .formats import CONTAINER, HEAD_BYTES, TAIL_BYTES, Recognised, identify
from .keys import KEY, PASSWORD, RECOVERY, VolumeKeys
from .positioned import PositionedReader


class NotRead(NotThisFormat):
    """Recognised, and not read: the evidence is reported as one item with a warning
    naming the format and `reason` (no key given, parent disk missing, no reader)."""

    def __init__(self, recognised: Recognised, reason: str) -> None:
        super().__init__(f"{recognised.name}: {reason}")
        self.recognised = recognised
        self.reason = reason


class LayerFile(PositionedReader):
    """Anything with `read_at`/`size` (a layer, a TSK image) as a file object, for the
    libyal library of the next layer."""

    def __init__(self, read_at: Callable[[int, int], bytes], size: int) -> None:
        super().__init__()
        self._read_at = read_at
        self._size = size

    def size(self) -> int:
        return self._size

    def read_at(self, offset: int, n: int) -> bytes:
        want = min(n, self._size - offset)
        return self._read_at(offset, want) if want > 0 else b""


@dataclass
class Stack:
    """The layers opened over one piece of evidence, outermost first; `read_at` and
    `size` are the innermost's. `names` says what was opened ("QCOW2", "LUKS1")."""

    handles: list[Any] = field(default_factory=list)
    files: list[BinaryIO] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    size: int = 0
    read_at: Callable[[int, int], bytes] | None = None

    def push(self, handle: Any, name: str, size: int) -> None:
        self.handles.append(handle)
        self.names.append(name)
        self.size = size
        self.read_at = lambda offset, n: bytes(handle.read_buffer_at_offset(n, offset))

    def head(self) -> tuple[bytes, bytes]:
        assert self.read_at is not None
        head = self.read_at(0, min(self.size, HEAD_BYTES))
        tail = self.read_at(max(self.size - TAIL_BYTES, 0), min(self.size, TAIL_BYTES))
        return head, tail

    def close(self) -> None:
        for handle in reversed(self.handles):
            close = getattr(handle, "close", None)  # a logical volume has none
            if close is not None:
                with contextlib.suppress(OSError):
                    close()
        self.handles = []
        for f in self.files:
            f.close()
        self.files = []


class LayerImgInfo(pytsk3.Img_Info):  # type: ignore[misc]  # pytsk3 is untyped
    """The innermost layer of a stack, as an image TSK walks. TSK calls `read` with the
    owning DiskImage's lock held, so no handle is used by two threads at once."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def read(self, offset: int, size: int) -> bytes:
        want = min(size, self.stack.size - offset)
        if want <= 0:
            return b""
        assert self.stack.read_at is not None
        return self.stack.read_at(offset, want)

    def get_size(self) -> int:
        return self.stack.size

    def close(self) -> None:
        self.stack.close()


# Containers read here, by the name formats.identify gives them.
CONTAINERS = ("QCOW", "QCOW2", "VMDK", "VHD", "VHDX", "DMG (UDIF)", "Apple sparse image")
# Encrypted volumes unlocked here.
UNLOCKED = ("LUKS1", "BitLocker", "BitLocker To Go")
# Why a format of formats.py is not read (docs/evidence.md's table says the same).
NO_READER = {
    "LUKS2": "LUKS2 is not supported by the LUKS reader (libluksde reads LUKS1): not examined",
    "LUKS": "unknown LUKS version: not examined",
    "VMDK (ESX sparse)": "ESX sparse (COWD) extents are not supported: not examined",
    "VDI (VirtualBox)": "no VDI reader in this version: not examined",
    "AFF": "AFF (version 1) has no maintained reader: not examined",
    "AFF4": "AFF4 has no maintained reader in this version: not examined",
    "EWF logical (L01)": "logical evidence files (L01) are not supported: not examined",
    "Parallels": "a Parallels data file is read through its DiskDescriptor.xml, "
                 "not found beside it: not examined",
    "Core Storage": "Core Storage (FileVault 2 on older macOS) is not supported: "
                    "not examined",
    "APFS volume": "an APFS volume is read inside its container (the NXSB superblock), "
                   "not alone: not examined",
    "ReFS": "ReFS has no reader: not examined",
    "Btrfs": "Btrfs has no reader: not examined",
    "F2FS": "F2FS has no reader: not examined",
    "UDF": "UDF is not read in this version: not examined",
}


def reason_not_read(recognised: Recognised) -> str:
    return NO_READER.get(recognised.name, "no reader for this format: not examined")


def _readonly(path: Path, stack: Stack) -> BinaryIO:
    try:
        f = open_readonly_file(path, follow=True)
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    stack.files.append(f)
    stack.paths.append(path)
    return f


def open_stack(path: Path, keys: VolumeKeys | None, where: str) -> Stack | None:
    """The layers over the evidence file `path`, or None when it starts with no container
    and no encrypted volume (a raw image: tsk.py's). NotRead when a layer is recognised
    and cannot be read; EvidenceError when one is damaged or a credential is wrong."""
    first = identify(*_file_ends(path))
    if first is None or (first.kind != CONTAINER and not first.encrypted):
        return None
    if first.name.startswith("EWF"):
        return None  # ewf.py's
    stack = Stack()
    try:
        if first.kind == CONTAINER:
            if first.name not in CONTAINERS:
                raise NotRead(first, reason_not_read(first))
            _open_container(first, path, stack, where)
            inner = identify(*stack.head())
            if inner is None or not inner.encrypted:
                return stack
        else:
            inner = first
            f = _readonly(path, stack)
            size = f.seek(0, 2)
            stack.size = size
            stack.read_at = lambda offset, n: _pread(f, offset, n)
        unlock(inner, stack, keys, Path(where).name, "", where)
    except BaseException:
        stack.close()
        raise
    return stack


def _pread(f: BinaryIO, offset: int, n: int) -> bytes:
    return os.pread(f.fileno(), n, offset)


def _file_ends(path: Path) -> tuple[bytes, bytes]:
    try:
        with open_readonly_file(path, follow=True) as f:
            head = f.read(HEAD_BYTES)
            size = f.seek(0, 2)
            f.seek(max(size - TAIL_BYTES, 0))
            return head, f.read(TAIL_BYTES)
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _open_container(recognised: Recognised, path: Path, stack: Stack, where: str) -> None:
    from . import virtualdisks

    handle, detail = virtualdisks.open_handle(recognised, path, lambda p: _readonly(p, stack),
                                              where)
    stack.detail.update(detail)
    stack.push(handle, recognised.name, int(handle.get_media_size()))


def unlock(recognised: Recognised, stack: Stack, keys: VolumeKeys | None, evidence: str,
           partition: str, where: str) -> None:
    """Push the unlocked volume onto `stack` (whose innermost layer is the encrypted
    volume), with the first credential that fits. NotRead without one; EvidenceError when
    none of those given unlocks it. The credential never appears in a message."""
    if recognised.name not in UNLOCKED:
        raise NotRead(recognised, reason_not_read(recognised))
    credentials = keys.for_volume(evidence, partition) if keys else []
    if not credentials:
        raise NotRead(recognised, "encrypted, no key given: not examined")
    assert stack.read_at is not None
    source = LayerFile(stack.read_at, stack.size)
    tried: list[str] = []
    for credential in credentials:
        volume = _volume_handle(recognised)
        try:
            _apply(recognised, volume, credential.kind, credential.secret.reveal())
            volume.open_file_object(source)
            if volume.is_locked() and not volume.unlock():
                volume.close()
                tried.append(credential.kind)
                continue
        except (OSError, ValueError, TypeError) as exc:
            _quiet_close(volume)
            if "unable to open" in str(exc) and not tried:
                raise EvidenceError(f"{where}: {recognised.name} volume cannot be opened "
                                    "(damaged?)") from None
            tried.append(credential.kind)
            continue
        stack.push(volume, recognised.name, int(volume.get_size()))
        stack.detail.setdefault("unlocked", []).append(
            {"volume": recognised.name, "partition": partition or None,
             "with": credential.kind})
        return
    raise EvidenceError(f"{where}: {recognised.name} volume: none of the credentials given "
                        f"unlocks it ({', '.join(tried)})")


def _volume_handle(recognised: Recognised) -> Any:
    if recognised.name.startswith("LUKS"):
        import pyluksde

        return pyluksde.volume()
    import pybde

    return pybde.volume()


def _apply(recognised: Recognised, volume: Any, kind: str, value: str) -> None:
    """Give the credential to the library before opening (libyal reads the key material
    while it opens the volume)."""
    if kind == PASSWORD:
        volume.set_password(value)
    elif kind == RECOVERY:
        if not recognised.name.startswith("BitLocker"):
            raise ValueError("a recovery password is for BitLocker")
        volume.set_recovery_password(value)
    elif kind == KEY:
        if recognised.name.startswith("LUKS"):
            volume.set_key(bytes.fromhex(value))
        elif Path(value).is_file():  # a BitLocker startup key (.BEK file)
            volume.read_startup_key(value)
        else:
            volume.set_keys(bytes.fromhex(value), b"")


def _quiet_close(volume: Any) -> None:
    with contextlib.suppress(OSError, ValueError):
        volume.close()


def sample(read_at: Callable[[int, int], bytes], size: int) -> Recognised | None:
    """What a region (a partition) holds, by its signature."""
    head = read_at(0, min(size, HEAD_BYTES))
    tail = read_at(max(size - TAIL_BYTES, 0), min(size, TAIL_BYTES)) if size else b""
    return identify(head, tail)



def open_partition(read_at: Callable[[int, int], bytes], size: int, keys: VolumeKeys | None,
                   evidence: str, partition: str, where: str) -> tuple[Stack | None, str]:
    """A partition The Sleuth Kit found no file system in: (the unlocked volume, "") when
    it is an encrypted volume a credential unlocks, else (None, why it is not read).
    "" for the reason when its signature names nothing (TSK's own reason stands)."""
    found = sample(read_at, size)
    if found is None:
        return None, ""
    if not found.encrypted:
        return None, f"{found.name} ({found.kind}): {reason_not_read(found)}"
    stack = Stack(size=size, read_at=read_at)
    try:
        unlock(found, stack, keys, evidence, partition, where)
    except NotRead as exc:
        return None, f"{found.name} ({found.kind}): {exc.reason}"
    except EvidenceError as exc:
        return None, str(exc).removeprefix(f"{where}: ")
    return stack, ""


def partition_filesystem(img: Any, keys: VolumeKeys | None, where: str, label: str,
                         offset: int, length: int, desc: str, error: str
                         ) -> tuple[Any, Stack | None, str, str]:
    """A partition TSK found no file system in (`error` is TSK's reason): (file system,
    unlocked layer, label, "") when it is an encrypted volume a credential unlocks, else
    (None, None, label, why it is not read, naming its format where its signature does)."""
    length = max(min(length, int(img.get_size()) - offset), 0)
    stack, problem = open_partition(lambda o, n: bytes(img.read(offset + o, n)), length, keys,
                                    Path(where).name, label, where)
    if stack is None:
        return None, None, label, problem or (
            f"no file system The Sleuth Kit can read ({desc}): {error}")
    label = f"{label[:-1]}, {' '.join(stack.names)})"  # p2 (sector 2048, LUKS1)
    fs, error = _open_fs(LayerImgInfo(stack))
    if fs is None:
        stack.close()
        return None, None, label, (f"{' '.join(stack.names)} volume unlocked, but no file "
                                   f"system The Sleuth Kit can read in it: {error}")
    return fs, stack, label, ""


def _open_fs(img: Any) -> tuple[Any, str]:
    try:
        return pytsk3.FS_Info(img, offset=0), ""
    except OSError as exc:
        return None, str(exc)
