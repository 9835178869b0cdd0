"""What a disk or volume image's first sectors claim to be, read from their signatures.

Kept apart from tskio so that callers that only look at bytes (the demo's disk builder,
the sources deciding whether to hand a file to TSK) do not load pytsk3.
"""

from __future__ import annotations


def volume_family(head: bytes) -> str:
    """The file system a volume's first 2 KiB name: "NTFS", "exFAT", "ext" (2/3/4), "FAT12",
    "FAT16", "FAT32", "FAT" (a FAT boot sector without its type label), or "".

    One place for these signatures: the demo's disk builder asks it which partition type
    a volume needs, the sources ask it whether a file that TSK cannot open is a damaged
    image or not an image at all.
    """
    if head[3:11] == b"NTFS    ":
        return "NTFS"
    if head[3:11] == b"EXFAT   ":
        return "exFAT"
    if head[1080:1082] == b"\x53\xef":
        return "ext"
    if head[510:512] == b"\x55\xaa" and head[:1] in (b"\xeb", b"\xe9"):
        if head[82:87] == b"FAT32":
            return "FAT32"
        if head[54:59] in (b"FAT12", b"FAT16"):
            return head[54:59].decode("ascii")
        if head[54:59] == b"FAT  ":
            return "FAT"
    return ""


def sniff_filesystem(head: bytes) -> str:
    """What the first 4 KiB of an image claims to be, or "" when it claims nothing.

    Used only to tell a damaged image (a recognisable header TSK then cannot open:
    EvidenceError) from a file that is not an image at all (NotThisFormat).
    """
    family = volume_family(head)
    if family == "ext":
        return "ext2/3/4"
    if family.startswith("FAT"):
        return "FAT"
    if family:
        return family
    if head[512:520] == b"EFI PART":
        return "GPT-partitioned disk"
    return ""
