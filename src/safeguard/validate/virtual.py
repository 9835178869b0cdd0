"""Containers of the reference data (no root, no device-mapper): the MBR disk as QCOW2,
VMDK, VHD and VHDX written by qemu-img (the engine must read each as it reads the raw
disk), a LUKS1 volume formatted by cryptsetup and given without its password
(recognised, reported as one item with a warning), and a phone extraction in the
Cellebrite UFDR layout."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from safeguard.demo.diskimages import FIXED_MTIME

from .groundtruth import ExpectedFile, ExpectedWarning, ReferenceItem
from .packing import Expectations, Member

if TYPE_CHECKING:
    from .reference import Content

Wanted = Callable[[str], bool]
# qemu-img's format names, and the file name each disk gets.
FORMATS = {"qcow2": "disk.qcow2", "vmdk": "disk.vmdk", "vpc": "disk.vhd", "vhdx": "disk.vhdx"}
TITLES = {"qcow2": "QCOW2", "vmdk": "VMDK (sparse)", "vpc": "VHD (dynamic)", "vhdx": "VHDX"}
ITEM_IDS = tuple(f"disk-mbr-{'vhd' if fmt == 'vpc' else fmt}" for fmt in FORMATS)
LUKS_PASSWORD = "reference volume 21"  # never given to the triage: the volume stays shut


def qemu_img(*args: str) -> None:
    tool = shutil.which("qemu-img")
    if tool is None:
        raise FileNotFoundError("qemu-img not found: install the Debian package qemu-utils "
                                "(scripts/install-system-deps.sh)")
    subprocess.run([tool, *args], check=True, capture_output=True)


def virtual_disks(evidence: Path, mbr: Path, expected: list[ExpectedFile],
                  wanted: Wanted) -> list[ReferenceItem]:
    items = []
    for fmt, name in FORMATS.items():
        item_id = f"disk-mbr-{'vhd' if fmt == 'vpc' else fmt}"
        if not wanted(item_id):
            continue
        target = evidence / item_id / name
        target.parent.mkdir()
        qemu_img("convert", "-O", fmt, str(mbr), str(target))
        items.append(ReferenceItem(
            id=item_id, title=f"The MBR disk as a {TITLES[fmt]} virtual disk (qemu-img)",
            evidence=target.relative_to(evidence.parent).as_posix(), kind="container",
            files=expected, exercises=[TITLES[fmt], "MBR", "FAT16", "ext2", "NTFS"]))
    return items


def locked_volume(evidence: Path, content: Content) -> ReferenceItem:
    """A LUKS1 volume formatted by cryptsetup on a plain file (no root, no device-mapper):
    nothing is ever unlocked, so its payload is left as formatted."""
    target = evidence / "locked" / "volume.luks"
    target.parent.mkdir()
    with target.open("wb") as f:
        f.truncate(4 * 1024 * 1024)
    tool = shutil.which("cryptsetup") or shutil.which("cryptsetup", path="/usr/sbin:/sbin")
    if tool is None:
        raise FileNotFoundError("cryptsetup not found: install the Debian package "
                                "cryptsetup-bin (scripts/install-system-deps.sh)")
    # The fewest PBKDF2 iterations LUKS1 allows: quick to format, never opened here.
    subprocess.run([tool, "luksFormat", "--type", "luks1", "-q", "--pbkdf", "pbkdf2",
                    "--pbkdf-force-iterations", "1000", str(target)],
                   input=LUKS_PASSWORD.encode(), check=True, capture_output=True)
    os.utime(target, (FIXED_MTIME, FIXED_MTIME))
    expected = Expectations(content.catalogue)
    expected.add("volume.luks", Member(target.read_bytes(), "other"))
    return ReferenceItem(
        id="luks-no-key", title="A LUKS1 encrypted volume given without its password: "
        "recognised, reported as one item", evidence="evidence/locked/volume.luks",
        kind="recognised", exit_status=4, files=expected.files,
        warnings=[ExpectedWarning("open", "encrypted, no key given: not examined")],
        exercises=["LUKS1 (recognised, no key)"])


# A Cellebrite UFDR (the Reader's report): report.xml in the namespace below lists each
# file's file system, device path, id, deleted state, times and the zip member holding it
# (the engine's evidence/ufdr.py describes the reading).
UFDR_NAMESPACE = "http://pa.cellebrite.com/report/2.0"
UFDR_FS = "Apple iOS File System"


def phone_extraction(evidence: Path, content: Content) -> ReferenceItem:
    dcim = "/private/var/mobile/Media/DCIM/100APPLE"
    files = {  # device path: (zip member, deleted, content)
        f"{dcim}/IMG_0001.JPG": ("files\\Image\\IMG_0001.JPG", False, content.graded),
        f"{dcim}/IMG_0002.JPG": ("files\\Image\\IMG_0002.JPG", True, content.unrelated[3]),
        "/private/var/mobile/Containers/Data/notes.txt":
            ("files\\Text\\notes.txt", False, b"a synthetic note on a phone\n"),
    }
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000+00:00", time.gmtime(FIXED_MTIME))
    elements = "".join(
        f'<file fs="{UFDR_FS}" path="{path}" id="file-{n}" deleted="'
        f'{"Deleted" if gone else "Intact"}"><accessInfo><timestamp name="ModifyTime">{stamp}'
        f'</timestamp></accessInfo><metadata section="File"><item name="Local Path">'
        f"<![CDATA[{member}]]></item></metadata></file>"
        for n, (path, (member, gone, _)) in enumerate(files.items(), start=1))
    report = (f'<?xml version="1.0" encoding="utf-8"?><project id="reference" '
              f'name="Reference phone" xmlns="{UFDR_NAMESPACE}"><taggedFiles>{elements}'
              "</taggedFiles></project>")
    undescribed = ("files/Other/untagged.bin", b"a member the report does not describe\n")
    target = evidence / "phone" / "reference.ufdr"
    target.parent.mkdir()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.xml", report)
        for member, _, data in files.values():
            archive.writestr(member.replace("\\", "/"), data)
        archive.writestr(*undescribed)
    expected = Expectations(content.catalogue, filesystem=UFDR_FS)
    for path, (_, gone, data) in files.items():
        expected.add(path, Member(data, "image" if path.endswith(".JPG") else "other"),
                     deleted=gone)
    loose = Expectations(content.catalogue)
    loose.add(undescribed[0], Member(undescribed[1], "other"))
    return ReferenceItem(
        id="phone-ufdr", title="A Cellebrite UFDR phone extraction: pictures at their device "
        "paths (one found deleted), a note, a member the report does not describe",
        evidence="evidence/phone/reference.ufdr", kind="ufdr",
        files=[*expected.files, *(dataclasses.replace(f, modified=None) for f in loose.files)],
        exercises=["UFDR", "deleted files"])
