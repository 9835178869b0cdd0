"""Small synthetic disk images, built once per test session by safeguard.demo.diskimages.

A missing tool makes the builder raise ImageToolMissing naming the Debian package: the
tests that need it then error with that message (nothing is skipped).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguard.demo.diskimages import (
    SAMPLE_DELETED,
    SAMPLE_FILES,
    SAMPLE_NTFS_FILES,
    build_e01,
    build_exfat_image,
    build_ext4_image,
    build_fat_image,
    build_ntfs_image,
    build_partitioned_image,
)


@pytest.fixture(scope="session")
def images(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("images")


@pytest.fixture(scope="session")
def fat16_image(images: Path) -> Path:
    return build_fat_image(images / "fat16.img", SAMPLE_FILES, SAMPLE_DELETED, fat_bits=16)


@pytest.fixture(scope="session")
def fat12_image(images: Path) -> Path:
    return build_fat_image(images / "fat12.img", SAMPLE_FILES, SAMPLE_DELETED, fat_bits=12)


@pytest.fixture(scope="session")
def fat32_image(images: Path) -> Path:
    return build_fat_image(images / "fat32.img", SAMPLE_FILES, SAMPLE_DELETED, fat_bits=32)


@pytest.fixture(scope="session")
def ext4_image(images: Path) -> Path:
    return build_ext4_image(images / "ext4.img", SAMPLE_FILES, SAMPLE_DELETED)


@pytest.fixture(scope="session")
def exfat_image(images: Path) -> Path:
    return build_exfat_image(images / "exfat.img", SAMPLE_FILES, SAMPLE_DELETED)


@pytest.fixture(scope="session")
def ntfs_image(images: Path) -> Path:
    return build_ntfs_image(images / "ntfs.img", SAMPLE_NTFS_FILES)


@pytest.fixture(scope="session")
def mbr_image(images: Path, fat16_image: Path, ext4_image: Path) -> Path:
    path = images / "mbr.img"
    build_partitioned_image(path, [fat16_image, ext4_image], scheme="mbr")
    return path


@pytest.fixture(scope="session")
def gpt_image(images: Path, fat32_image: Path, ext4_image: Path, exfat_image: Path) -> Path:
    path = images / "gpt.img"
    build_partitioned_image(path, [fat32_image, ext4_image, exfat_image], scheme="gpt")
    return path


@pytest.fixture(scope="session")
def fat16_e01(images: Path, fat16_image: Path) -> list[Path]:
    folder = images / "e01"
    folder.mkdir()
    return build_e01(fat16_image, folder / "fat16")


@pytest.fixture(scope="session")
def split_e01(images: Path, mbr_image: Path) -> list[Path]:
    folder = images / "e01-split"
    folder.mkdir()
    return build_e01(mbr_image, folder / "disk", segment_size=1024 * 1024)
