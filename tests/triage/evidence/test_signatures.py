"""What an image's first sectors claim, read from real volumes the builders made."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguard.triage.evidence.signatures import sniff_filesystem, volume_family


@pytest.mark.parametrize("fixture, family, claim", [
    ("fat12_image", "FAT12", "FAT"),
    ("fat16_image", "FAT16", "FAT"),
    ("fat32_image", "FAT32", "FAT"),
    ("exfat_image", "exFAT", "exFAT"),
    ("ntfs_image", "NTFS", "NTFS"),
    ("ext4_image", "ext", "ext2/3/4"),
])
def test_each_volume_names_its_family(request: pytest.FixtureRequest, fixture: str,
                                      family: str, claim: str) -> None:
    head = Path(request.getfixturevalue(fixture)).read_bytes()[:4096]
    assert volume_family(head) == family
    assert sniff_filesystem(head) == claim


def test_a_partitioned_disk_is_not_a_volume(gpt_image: Path, mbr_image: Path) -> None:
    assert volume_family(gpt_image.read_bytes()[:4096]) == ""
    assert sniff_filesystem(gpt_image.read_bytes()[:4096]) == "GPT-partitioned disk"
    assert volume_family(mbr_image.read_bytes()[:4096]) == ""


def test_noise_claims_nothing() -> None:
    assert volume_family(bytes(4096)) == sniff_filesystem(bytes(4096)) == ""
    # A FAT label without a boot sector's jump and signature is not a FAT volume.
    fake = bytearray(4096)
    fake[54:59] = b"FAT16"
    assert volume_family(bytes(fake)) == ""
