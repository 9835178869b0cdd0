"""Carving videos (MP4, MOV, 3GP, AVI) and what must never be carved: an ext4 file
system's own blocks, and items that are whole in structure but do not decode.

Every video is a few seconds of synthetic scenes drawn here (gradients, shapes, a moving
square), encoded with the encoders PyAV ships; every picture a synthetic one.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest
import pytsk3

from safeguard.demo.carving_images import build
from safeguard.demo.media import picture_bytes
from safeguard.triage.carving.carver import carve
from safeguard.triage.carving.space import FileImage, Space, unallocated
from tests.triage.media.test_video import encode, scene_frames

from .blobs import SECTOR, Bytes, pad, sha1

VIDEOS = {
    # name: (codec, container, size, pixel format)
    "clip.mp4": ("mpeg4", None, (160, 120), "yuv420p"),
    "clip-h264.mp4": ("libx264", None, (160, 120), "yuv420p"),
    "clip.mov": ("mjpeg", "mov", (160, 120), "yuvj420p"),
    "clip.3gp": ("h263", "3gp", (176, 144), "yuv420p"),
    "clip.avi": ("mpeg4", "avi", (160, 120), "yuv420p"),
}


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("videos")
    out = {}
    for number, (name, (codec, container, size, pix_fmt)) in enumerate(VIDEOS.items()):
        path = encode(folder / name, scene_frames(40 + number, seconds=2), codec=codec,
                      container=container, size=size, pix_fmt=pix_fmt)
        out[name] = path.read_bytes()
    return out


def test_it_carves_each_video_container_byte_for_byte(videos: dict[str, bytes]) -> None:
    rng = random.Random(8)
    blob = pad(rng.randbytes(4000))
    for data in videos.values():
        blob += pad(data) + pad(rng.randbytes(rng.randint(600, 5000)))
    carved = list(carve(Space(Bytes(blob), 0, [(0, len(blob))])))
    assert {sha1(item.data) for item in carved} == {sha1(d) for d in videos.values()}
    kinds = {sha1(item.data): item.kind for item in carved}
    assert kinds[sha1(videos["clip.avi"])] == "avi"
    assert {kinds[sha1(videos[n])] for n in VIDEOS if n != "clip.avi"} == {"iso"}
    # The MOV's frames are JPEGs, some of them at sector starts: they are inside the
    # video kept, not pictures of their own.
    assert len(carved) == len(videos)


def test_a_video_whose_middle_was_overwritten_is_not_carved(videos: dict[str, bytes]) -> None:
    rng = random.Random(9)
    blob = b""
    for name in ("clip.mp4", "clip-h264.mp4", "clip.avi"):
        damaged = bytearray(videos[name])
        middle = len(damaged) // 2
        damaged[middle:middle + 1024] = rng.randbytes(1024)  # box sizes intact
        blob += pad(bytes(damaged)) + pad(rng.randbytes(2000))
    blob += pad(videos["clip.3gp"])
    carved = list(carve(Space(Bytes(blob), 0, [(0, len(blob))])))
    assert [sha1(item.data) for item in carved] == [sha1(videos["clip.3gp"])]


def test_a_picture_inside_an_item_that_fails_to_decode_is_still_found() -> None:
    # A PNG whose chunks are whole but whose CRCs are wrong holds a JPEG at a sector
    # start: the PNG is refused, and then the JPEG inside it is looked at after all.
    inner = picture_bytes(501, "JPEG", (200, 150))
    body = pad(b"\x00" * 100) + pad(inner)
    chunk = len(body).to_bytes(4, "big") + b"tEXt"
    head = b"\x89PNG\r\n\x1a\n" + (13).to_bytes(4, "big") + b"IHDR" + bytes(17)
    png = head + chunk
    filler = b"\x00" * (SECTOR - len(png))
    png = head + (len(filler) + len(body)).to_bytes(4, "big") + b"tEXt" + filler + body
    png += b"\x00\x00\x00\x00" + (0).to_bytes(4, "big") + b"IEND" + bytes(4)
    blob = pad(png) + pad(b"\x01" * 2000)
    carved = list(carve(Space(Bytes(blob), 0, [(0, len(blob))])))
    assert [item.data for item in carved] == [inner]


def _blocks_of(image: Path, request: str) -> list[int]:
    listing = subprocess.run(["debugfs", "-R", request, str(image)], check=True,
                             capture_output=True, text=True).stdout
    return [int(word) for word in listing.split() if word.isdigit()]


def _layout(image: Path) -> dict[str, int]:
    """Where dumpe2fs says the last group's inode table and group 1's reserved
    descriptor blocks are: the file system's word, not the code under test's."""
    listing = subprocess.run(["dumpe2fs", str(image)], check=True, capture_output=True,
                             text=True).stdout
    found: dict[str, int] = {}
    for line in listing.splitlines():
        line = line.strip()
        if line.startswith("Inode table at "):
            found["inode_table"] = int(line.split()[3].split("-")[0])  # the last group's
        if line.startswith("Reserved GDT blocks at ") and "reserved_gdt" not in found \
                and not line.endswith(" 2-64"):
            found.setdefault("reserved_gdt", int(line.split()[4].split("-")[0]))
    return found


@pytest.mark.skipif(shutil.which("debugfs") is None or shutil.which("mkfs.ext4") is None,
                    reason="e2fsprogs is needed to build ext4 images")
def test_ext4_metadata_blocks_never_yield_a_carved_item(tmp_path: Path) -> None:
    control = picture_bytes(510, "JPEG", (320, 240))
    image = tmp_path / "ext4.img"
    truth = build(image, "ext4", {"live.jpg": picture_bytes(511, "JPEG", (160, 120))}, {},
                  {"wiped.jpg": control}, {}, size_mb=256, junk=2)
    block = 4096
    journal = _blocks_of(image, "blocks <8>")
    layout = _layout(image)
    # Whole pictures written over the file system's own blocks: the journal's (past its
    # superblock), the last group's inode table, a group's reserved descriptor blocks.
    targets = {"journal": journal[len(journal) // 2], **layout}
    planted = {}
    with image.open("r+b") as handle:
        for number, (where, first) in enumerate(sorted(targets.items())):
            picture = picture_bytes(520 + number, "JPEG", (64, 48))
            assert len(picture) <= 4 * block
            handle.seek(first * block)
            handle.write(picture)
            planted[where] = sha1(picture)
    assert set(planted) == {"journal", "inode_table", "reserved_gdt"}
    img = pytsk3.Img_Info(str(image))
    mapped = FileImage(str(image))
    try:
        space = unallocated(mapped, 0, pytsk3.FS_Info(img))
        recovered = {sha1(item.data) for item in carve(space)}
    finally:
        mapped.close()
    assert recovered == set(truth.wiped.values())
    assert not recovered & set(planted.values())
