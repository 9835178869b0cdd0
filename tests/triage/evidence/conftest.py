"""Virtual disks and encrypted volumes, written by the real tools from the session's raw
images (qemu-img for QCOW2, VMDK, VHD, VHDX and LUKS1; cryptsetup for LUKS2): the raw
image read through TSK is each one's oracle."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PASSWORD = "correct horse 7"  # a test volume's password: the tests look for it in outputs


def qemu_img(*args: str) -> None:
    tool = shutil.which("qemu-img")
    if tool is None:
        raise RuntimeError("qemu-img is missing: install qemu-utils "
                           "(scripts/install-system-deps.sh)")
    for _attempt in range(5):
        done = subprocess.run([tool, *args], capture_output=True)
        # qemu-img times PBKDF2 with getrusage before it encrypts a LUKS volume, and on
        # a busy machine that timing sometimes comes back unusable: the same command
        # then succeeds when run again.
        if done.returncode == 0 or b"accurate CPU usage" not in done.stderr:
            break
    done.check_returncode()


@pytest.fixture(scope="session")
def disks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("virtual-disks")


def _convert(mbr_image: Path, target: Path, fmt: str, *options: str) -> Path:
    target.parent.mkdir(exist_ok=True)
    qemu_img("convert", "-O", fmt, *options, str(mbr_image), str(target))
    return target


@pytest.fixture(scope="session")
def qcow2_disk(disks: Path, mbr_image: Path) -> Path:
    return _convert(mbr_image, disks / "qcow2" / "disk.qcow2", "qcow2")


@pytest.fixture(scope="session")
def qcow2_child(disks: Path, mbr_image: Path) -> Path:
    """A QCOW2 overlay whose parent (backing file) lies beside it."""
    folder = disks / "qcow2-child"
    _convert(mbr_image, folder / "base.qcow2", "qcow2")
    child = folder / "child.qcow2"
    qemu_img("create", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", str(child))
    return child


@pytest.fixture(scope="session")
def vmdk_sparse(disks: Path, mbr_image: Path) -> Path:
    return _convert(mbr_image, disks / "vmdk" / "disk.vmdk", "vmdk")


@pytest.fixture(scope="session")
def vmdk_split(disks: Path, mbr_image: Path) -> Path:
    return _convert(mbr_image, disks / "vmdk-split" / "disk.vmdk", "vmdk",
                    "-o", "subformat=twoGbMaxExtentSparse")


@pytest.fixture(scope="session")
def vmdk_flat(disks: Path, mbr_image: Path) -> Path:
    return _convert(mbr_image, disks / "vmdk-flat" / "disk.vmdk", "vmdk",
                    "-o", "subformat=monolithicFlat")


@pytest.fixture(scope="session")
def vhd_dynamic(disks: Path, mbr_image: Path) -> Path:
    return _convert(mbr_image, disks / "vhd" / "disk.vhd", "vpc")


@pytest.fixture(scope="session")
def vhd_fixed(disks: Path, mbr_image: Path) -> Path:
    return _convert(mbr_image, disks / "vhd-fixed" / "disk.vhd", "vpc", "-o", "subformat=fixed")


@pytest.fixture(scope="session")
def vhdx_disk(disks: Path, mbr_image: Path) -> Path:
    return _convert(mbr_image, disks / "vhdx" / "disk.vhdx", "vhdx")


@pytest.fixture(scope="session")
def luks1_volume(disks: Path, fat16_image: Path) -> Path:
    """A LUKS1 volume holding the FAT16 volume, encrypted by qemu-img (no root, no
    device-mapper)."""
    target = disks / "luks1" / "volume.luks"
    target.parent.mkdir()
    qemu_img("convert", "--object", f"secret,id=pw,data={PASSWORD}", "-O", "luks",
             "-o", "key-secret=pw,iter-time=10", str(fat16_image), str(target))
    return target


@pytest.fixture(scope="session")
def luks2_volume(disks: Path) -> Path:
    """A LUKS2 header written by cryptsetup on a plain file (formatting needs no root)."""
    tool = shutil.which("cryptsetup")
    if tool is None:
        raise RuntimeError("cryptsetup is missing: install cryptsetup-bin")
    target = disks / "luks2" / "volume.luks"
    target.parent.mkdir()
    with target.open("wb") as f:
        f.truncate(20 * 1024 * 1024)
    subprocess.run([tool, "luksFormat", "--type", "luks2", "-q", "--pbkdf", "pbkdf2",
                    "--pbkdf-force-iterations", "1000", str(target)],
                   input=PASSWORD.encode(), check=True, capture_output=True)
    return target


@pytest.fixture(scope="session")
def apfs_header(disks: Path) -> Path:
    """The smallest APFS container this machine can make: an NX superblock's signature
    (no tool here writes APFS)."""
    data = bytearray(64 * 1024)
    data[32:36] = b"NXSB"
    target = disks / "apfs" / "mac.apfs"
    target.parent.mkdir()
    target.write_bytes(bytes(data))
    return target


@pytest.fixture(scope="session")
def xfs_image(disks: Path) -> Path:
    """An XFS volume holding the sample files, written by mkfs.xfs from a protofile."""
    from safeguard.demo.diskimages import SAMPLE_FILES

    from .volume_images import build_xfs_image

    (disks / "xfs").mkdir()
    return build_xfs_image(disks / "xfs" / "volume.xfs", SAMPLE_FILES)


@pytest.fixture(scope="session")
def lvm_image(disks: Path, fat16_image: Path, xfs_image: Path) -> Path:
    """An LVM2 physical volume whose group vg0 holds two logical volumes: `home` (the
    FAT16 volume) and `data` (the XFS volume), as RHEL-style installs lay them out."""
    from .volume_images import build_lvm_image

    (disks / "lvm").mkdir()
    return build_lvm_image(disks / "lvm" / "pv.img", {"home": fat16_image, "data": xfs_image})


@pytest.fixture(scope="session")
def lvm_in_mbr(disks: Path, lvm_image: Path) -> Path:
    """The physical volume as partition 1 (type 0x8e, Linux LVM) of an MBR disk."""
    import os
    import struct

    from .volume_images import copy_sparse

    size = lvm_image.stat().st_size
    sectors = -(-size // 512)
    mbr = bytearray(512)
    # One partition entry: not bootable, type 0x8e, starting at sector 2048.
    struct.pack_into("<B3sB3sII", mbr, 446, 0, b"\xfe\xff\xff", 0x8E, b"\xfe\xff\xff",
                     2048, sectors)
    mbr[510:512] = b"\x55\xaa"
    target = disks / "lvm" / "disk.img"
    fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.ftruncate(fd, (2048 + sectors) * 512)
        os.pwrite(fd, bytes(mbr), 0)
        copy_sparse(lvm_image, fd, 2048 * 512)
    finally:
        os.close(fd)
    return target


# An NTFS volume's alternate data streams: what each file holds in a named stream.
NTFS_STREAMS = {"report.txt": {"Zone.Identifier": b"[ZoneTransfer]\r\nZoneId=3\r\n",
                               "hidden.jpg": bytes(range(256)) * 400}}


@pytest.fixture(scope="session")
def ntfs_streams_image(disks: Path) -> Path:
    """An NTFS volume whose report.txt carries two alternate data streams, written by
    ntfscp's --attr-name (ntfs-3g writes a named $DATA attribute without mounting)."""
    from safeguard.demo.diskimages import build_ntfs_image

    (disks / "ntfs-ads").mkdir()
    image = build_ntfs_image(disks / "ntfs-ads" / "ads.img",
                             {"report.txt": b"quarterly figures\n", "plain.txt": b"no streams\n"})
    tool = shutil.which("ntfscp")
    assert tool, "ntfscp is missing: install ntfs-3g"
    for file_name, streams in NTFS_STREAMS.items():
        for stream, data in streams.items():
            staged = disks / "ntfs-ads" / "stream.bin"
            staged.write_bytes(data)
            subprocess.run([tool, "-f", "-q", "-N", stream, str(image), str(staged),
                            f"/{file_name}"], check=True, capture_output=True)
    return image


@pytest.fixture(scope="session")
def ufdr_report(disks: Path) -> Path:
    """A synthetic Cellebrite UFDR (ufdr_sample.py): no real extraction, benign pictures."""
    from .ufdr_sample import build_ufdr

    (disks / "ufdr").mkdir()
    return build_ufdr(disks / "ufdr" / "phone.ufdr")
