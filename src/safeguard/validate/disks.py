"""Disk images of the reference data: every file system the engine documents, in bare
volumes, MBR and GPT disks, split raw sets and E01 images (single and split), with deleted
files, a deleted folder, a picture in unallocated space and an ext4 file deleted the way
the Linux kernel deletes (nothing left to recover).

Built with the ordinary Debian tools through safeguard.demo.diskimages (no mounting, no
root): mkfs.* and mtools, debugfs, mkntfs and ntfscp, sfdisk, ewfacquire. NTFS files
deleted by the NTFS driver come from the repository's fixture
(tests/data/ntfs-deleted.raw.gz), since NTFS cannot be changed without mounting.
"""

from __future__ import annotations

import dataclasses
import gzip
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from safeguard.demo.diskimages import (
    build_e01,
    build_exfat_image,
    build_ext4_image,
    build_fat_image,
    build_ntfs_image,
    build_partitioned_image,
    split_raw_image,
)

from . import virtual
from .groundtruth import ExpectedFile, ReferenceItem
from .packing import Expectations, Member, packed, write_files, zip_of

if TYPE_CHECKING:
    from .reference import Content

Wanted = Callable[[str], bool]
NTFS_FIXTURE = Path(__file__).resolve().parents[3] / "tests" / "data" / "ntfs-deleted.raw.gz"
UNALLOCATED_FROM_END = 256 * 1024  # where in a FAT16 volume the unallocated picture lies


class Volume:
    """One file system: the files written, those deleted afterwards, what to expect."""

    def __init__(self, fs: str, files: dict[str, Member], deleted: dict[str, Member],
                 *, folder_deleted: str = "", short_names: dict[str, str] | None = None
                 ) -> None:
        self.fs = fs
        self.files = files
        self.deleted = deleted
        # A folder deleted whole with everything in it (mdeltree, debugfs rmdir).
        self.folder_deleted = folder_deleted
        # A deleted FAT 8.3 name loses its first letter (evidence.md): name → as listed.
        self.short_names = short_names or {}

    def expect(self, content: Content, partition: str = "") -> list[ExpectedFile]:
        expected = Expectations(content.catalogue, partition=partition, filesystem=self.fs)
        expected.add_all(self.files)
        for path, member in self.deleted.items():
            expected.add(self.short_names.get(path, path), member, deleted=True)
        return expected.files

    def gone(self) -> list[str]:
        """What the builder deletes: the folder whole, the other files one by one."""
        inside = (self.folder_deleted + "/") if self.folder_deleted else None
        singles = [p for p in self.deleted if not (inside and p.startswith(inside))]
        return [*([self.folder_deleted] if self.folder_deleted else []), *singles]

    def build(self, path: Path) -> Path:
        every = packed(self.files | self.deleted)
        gone = self.gone()
        if self.fs.startswith("FAT"):
            return build_fat_image(path, every, gone, fat_bits=int(self.fs[3:]))
        if self.fs == "exFAT":
            return build_exfat_image(path, every, gone)
        if self.fs == "NTFS":
            return build_ntfs_image(path, every)
        return build_ext4_image(path, every, gone, fs_type=self.fs, size_mb=16)


def _label(number: int, start: int) -> str:
    return f"p{number} (sector {start})"


# --------------------------------------------------------------------------- volumes


def fat12(c: Content) -> Volume:
    return Volume("FAT12", {
        "DCIM/100CANON/IMG_0001.JPG": Member(c.unrelated[1], "image"),
        "DCIM/100CANON/IMG_0002.JPG": Member(c.graded, "image"),
        "MISC/readme.txt": Member(b"A camera card, synthetic.\n", "other"),
    }, {
        "DCIM/100CANON/Deleted Holiday Photo.jpg": Member(c.unrelated[2], "image"),
        "gone.txt": Member(b"short-named note, deleted\n", "other"),
    }, short_names={"gone.txt": "_one.txt"})


def fat16(c: Content) -> Volume:
    return Volume("FAT16", {
        "DCIM/100DEMO/IMG_0101.JPG": Member(c.unrelated[3], "image"),
        "DCIM/100DEMO/IMG_0102.JPG": Member(c.graded, "image"),
        "Documents/list.txt": Member(b"Bread, milk, stamps.\n", "other"),
    }, {
        "DCIM/100DEMO/Removed Picture.jpg": Member(c.deleted, "image"),
        "Old Stuff/meeting notes.txt": Member(b"Notes of a meeting, deleted.\n", "other"),
        "Old Stuff/Old Scan.png": Member(c.png, "image"),
    }, folder_deleted="Old Stuff")


def ext2(c: Content) -> Volume:
    return Volume("ext2", {
        "home/sam/notes.txt": Member(b"ext2 home folder.\n", "other"),
        "home/sam/photo.jpg": Member(c.unrelated[4], "image"),
    }, {"home/sam/removed.jpg": Member(c.unrelated[5], "image")})


def ntfs(c: Content) -> Volume:
    return Volume("NTFS", {
        "IMG_0100.JPG": Member(c.unrelated[6], "image"),
        "driver.sys": Member(c.system[1], "other"),
        "letter.txt": Member(b"Dear reader, this is synthetic.\n", "other"),
        "tiny.bin": Member(b"\x01\x02\x03", "other"),  # small enough to stay in its MFT record
    }, {})


def fat32(c: Content) -> Volume:
    return Volume("FAT32", {
        "Pictures/mirror.jpg": Member(c.mirror, "image"),
        "Pictures/IMG_0201.JPG": Member(c.unrelated[7], "image"),
        "Pictures/web.webp": Member(c.webp, "image"),
    }, {"Pictures/Deleted Graded.jpg": Member(c.deleted, "image")})


def exfat(c: Content) -> Volume:
    return Volume("exFAT", {
        "Camera/IMG_0301.JPG": Member(c.unrelated[0], "image"),
        "Camera/clip-notes.txt": Member(b"exFAT card notes.\n", "other"),
    }, {"Camera/deleted-shot.jpg": Member(c.resized_original, "image")})


def ext3(c: Content) -> Volume:
    return Volume("ext3", {
        "srv/share/a.gif": Member(c.gif, "image"),
        "srv/share/readme.txt": Member(b"ext3 share.\n", "other"),
    }, {"srv/share/gone.jpg": Member(c.shared, "image")})


def ext4(c: Content) -> Volume:
    inner = {"Camera/old_1.jpg": Member(c.unrelated[3], "image"),
             "Camera/old_2.jpg": Member(c.graded, "image")}
    return Volume("ext4", {
        "home/sam/Pictures/beach.jpg": Member(c.graded, "image"),
        "home/sam/Pictures/beach_small.jpg": Member(c.resized, "image"),
        "home/sam/Pictures/cat.jpg": Member(c.unrelated[1], "image"),
        "home/sam/Backups/phone.zip": Member(zip_of(packed(inner)), "archive", inner),
        "usr/lib/libdemo.so": Member(c.system[1], "other"),
    }, {"home/sam/Pictures/removed.jpg": Member(c.deleted, "image"),
        "Old Trash/throwaway.txt": Member(b"A file in a deleted folder.\n", "other")},
        folder_deleted="Old Trash")


# ----------------------------------------------------------------------------- items


def build_disks(folder: Path, scratch: Path, content: Content, wanted: Wanted,
                ntfs_fixture: Path | None = None) -> list[ReferenceItem]:
    evidence = folder / "evidence"
    evidence.mkdir(exist_ok=True)
    items: list[ReferenceItem] = []
    if wanted("card-split"):
        items.append(_card_split(evidence, fat12(content).build(scratch / "card.img"),
                                 content))
    if wanted("luks-no-key"):
        items.append(virtual.locked_volume(evidence, content))
    if wanted("phone-ufdr"):
        items.append(virtual.phone_extraction(evidence, content))
    if any(wanted(name) for name in ("disk-mbr", "disk-mbr-e01", *virtual.ITEM_IDS)):
        mbr, expected = _mbr_disk(evidence, scratch, content)
        absent = [content.catalogue.absent(content.unallocated,
                                           "a JPEG in unallocated space of the FAT16 volume",
                                           "L-CARVING")]
        if wanted("disk-mbr"):
            items.append(ReferenceItem(
                id="disk-mbr", title="An MBR disk: FAT16 (a deleted folder, a picture in "
                "unallocated space), ext2 and NTFS partitions", evidence="evidence/disk-mbr.dd",
                kind="raw", files=expected, absent=absent, tsk=True,
                exercises=["raw image", "MBR", "FAT16", "ext2", "NTFS", "deleted files",
                           "deleted folder", "unallocated space"]))
        if wanted("disk-mbr-e01"):
            folder_e01 = evidence / "disk-mbr-e01"
            folder_e01.mkdir()
            segments = build_e01(mbr, folder_e01 / "disk", segment_size=1024 * 1024,
                                 case_number="VALIDATION", description="MBR reference disk")
            items.append(ReferenceItem(
                id="disk-mbr-e01", title=f"The MBR disk as an E01 in {len(segments)} segments "
                "of 1 MiB", evidence=_rel(segments[0], folder),
                parts=[_rel(s, folder) for s in segments], kind="e01", files=expected,
                absent=absent, verified=True, tsk=True,
                exercises=["E01", "E01 split", "MBR", "FAT16", "ext2", "NTFS"]))
        items += virtual.virtual_disks(evidence, mbr, expected, wanted)
    if wanted("disk-gpt"):
        items.append(_gpt_disk(evidence, scratch, content))
    if wanted("laptop-e01"):
        items.append(_laptop_e01(evidence, scratch, content))
    if wanted("disc-iso"):
        items.append(_disc(evidence, scratch, content))
    fixture = ntfs_fixture or NTFS_FIXTURE
    if wanted("ntfs-deleted") and fixture.is_file():
        items.append(_ntfs_deleted(evidence, fixture))
    return items


def _rel(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def _card_split(evidence: Path, image: Path, content: Content) -> ReferenceItem:
    volume = fat12(content)
    pieces = split_raw_image(image, evidence / "card", 1024 * 1024)
    folder = evidence.parent
    return ReferenceItem(
        id="card-split", title=f"A FAT12 camera card as a split raw image ({len(pieces)} "
        "pieces), a long-named and a short-named file deleted",
        evidence=_rel(pieces[0], folder), parts=[_rel(p, folder) for p in pieces], kind="raw",
        files=volume.expect(content), tsk=True,
        exercises=["raw image", "split raw", "FAT12", "deleted files"])


def _mbr_disk(evidence: Path, scratch: Path, content: Content
              ) -> tuple[Path, list[ExpectedFile]]:
    volumes = [fat16(content), ext2(content), ntfs(content)]
    images = [v.build(scratch / f"mbr-{v.fs}.img") for v in volumes]
    # A picture written straight into free clusters at the end of the FAT16 volume: on
    # the disk, named by no directory entry.
    with open(images[0], "r+b") as fat:
        fat.seek(images[0].stat().st_size - UNALLOCATED_FROM_END)
        fat.write(content.unallocated)
    disk = evidence / "disk-mbr.dd"
    starts = build_partitioned_image(disk, images, scheme="mbr")
    expected = [f for n, (v, start) in enumerate(zip(volumes, starts, strict=True), start=1)
                for f in v.expect(content, _label(n, start))]
    return disk, expected


def _gpt_disk(evidence: Path, scratch: Path, content: Content) -> ReferenceItem:
    volumes = [fat32(content), exfat(content), ext3(content)]
    images = [v.build(scratch / f"gpt-{v.fs}.img") for v in volumes]
    disk = evidence / "disk-gpt.dd"
    starts = build_partitioned_image(disk, images, scheme="gpt")
    expected = [f for n, (v, start) in enumerate(zip(volumes, starts, strict=True), start=1)
                for f in v.expect(content, _label(n, start))]
    return ReferenceItem(
        id="disk-gpt", title="A GPT disk: FAT32, exFAT and ext3 partitions, each with a "
        "deleted file", evidence="evidence/disk-gpt.dd", kind="raw", files=expected, tsk=True,
        exercises=["raw image", "GPT", "FAT32", "exFAT", "ext3", "deleted files"])


def _laptop_e01(evidence: Path, scratch: Path, content: Content) -> ReferenceItem:
    volume = ext4(content)
    wiped = {"home/sam/Pictures/wiped.jpg": Member(content.unrelated[2], "image")}
    image = build_ext4_image(scratch / "laptop.img",
                             packed(volume.files | volume.deleted | wiped), volume.gone(),
                             size_mb=16)
    _delete_as_the_kernel_does(image, "/home/sam/Pictures/wiped.jpg")
    segments = build_e01(image, evidence / "laptop", case_number="VALIDATION",
                         description="ext4 reference volume")
    expected = volume.expect(content)
    empty = content.catalogue.expect("/home/sam/Pictures/wiped.jpg", b"", "empty",
                                     filesystem="ext4", deleted=True)
    expected.append(dataclasses.replace(
        empty, recoverable=False,
        note="deleted as the Linux kernel deletes (size and extents cleared): nothing to "
             "recover, listed with size 0"))
    return ReferenceItem(
        id="laptop-e01", title="An ext4 volume as a single-segment E01: pictures, a zip, "
        "files deleted with debugfs (recoverable), a deleted folder, and a file deleted as "
        "the kernel deletes (not recoverable)", evidence=_rel(segments[0], evidence.parent),
        parts=[_rel(s, evidence.parent) for s in segments], kind="e01", files=expected,
        verified=True, tsk=True,
        exercises=["E01", "ext4", "deleted files", "deleted folder", "zip in a disk image",
                   "unrecoverable deleted file"])


def _delete_as_the_kernel_does(image: Path, path: str) -> None:
    """Delete `path` with debugfs, then clear its size and extent tree (entry count 0) as
    the kernel's truncate does: the name stays, the content's place is gone."""
    out = subprocess.run(["debugfs", "-R", f"stat {path}", str(image)], capture_output=True,
                         text=True, check=True).stdout
    inode = out.split("Inode:")[1].split()[0]
    script = image.with_suffix(".debugfs")
    script.write_text(f"rm {path}\nsif <{inode}> block[0] 0x0000F30A\nsif <{inode}> size 0\n")
    subprocess.run(["debugfs", "-w", "-f", str(script), str(image)], capture_output=True,
                   check=True)
    script.unlink()


def _disc(evidence: Path, scratch: Path, content: Content) -> ReferenceItem:
    """An ISO 9660 disc with Rock Ridge and Joliet names (genisoimage): the names as
    written, in mixed case and with spaces."""
    files = {"DCIM/photo_0001.jpg": Member(content.unrelated[5], "image"),
             "Documents/Read Me.txt": Member(b"A disc of the reference data.\n", "other"),
             "Documents/graded copy.jpg": Member(content.graded, "image")}
    stage = scratch / "disc"
    write_files(stage, packed(files))
    disc = evidence / "disc.iso"
    tool = shutil.which("genisoimage")
    if tool is None:
        raise FileNotFoundError("genisoimage not found: install the Debian package "
                                "genisoimage (scripts/install-system-deps.sh)")
    subprocess.run([tool, "-quiet", "-R", "-J", "-V", "REFDISC", "-o", str(disc), str(stage)],
                   check=True, capture_output=True)
    expected = Expectations(content.catalogue, filesystem="ISO9660")
    expected.add_all(files)
    # The engine gives no times for ISO 9660 files (its documentation promises none).
    return ReferenceItem(
        id="disc-iso", title="An ISO 9660 disc image with Rock Ridge and Joliet names",
        evidence="evidence/disc.iso", kind="raw", tsk=True,
        files=[dataclasses.replace(f, modified=None) for f in expected.files],
        exercises=["ISO 9660"])


def _ntfs_deleted(evidence: Path, fixture: Path) -> ReferenceItem:
    image = evidence / "ntfs-deleted.raw"
    image.write_bytes(gzip.decompress(fixture.read_bytes()))
    # Its content is what scripts/make-ntfs-deleted-fixture.sh wrote (pictures of an
    # earlier Pillow): digests are checked against TSK's icat, not stated here.
    files = [ExpectedFile(path=p, filesystem="NTFS", deleted=d, type=t)
             for p, d, t in (("/keep.jpg", False, "image"), ("/pic.jpg", True, "image"),
                             ("/gone.txt", True, "other"), ("/dir/sub/deep.jpg", True, "image"),
                             ("/dir/stay.txt", True, "other"))]
    return ReferenceItem(
        id="ntfs-deleted", title="An NTFS volume whose files the NTFS driver deleted "
        "(ntfs-3g): a file in clusters, one resident in its MFT record, a folder tree",
        evidence="evidence/ntfs-deleted.raw", kind="raw", files=files, tsk=True,
        exercises=["raw image", "NTFS", "deleted files", "deleted folder"])
