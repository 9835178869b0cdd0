"""Carving: pictures recovered from unallocated space, checked byte for byte against the
benign synthetic pictures the images were built with."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeguard.cli import main
from safeguard.demo.carving_images import build
from safeguard.demo.media import encode, picture_bytes, synthetic_picture
from safeguard.triage.carving.carver import carve
from safeguard.triage.carving.space import Space

from .blobs import SECTOR, Bytes, pad, sha1


def pictures() -> dict[str, bytes]:
    out = {f"p{i}.jpg": picture_bytes(300 + i, "JPEG", (480, 360)) for i in range(4)}
    out["q.png"] = picture_bytes(310, "PNG", (200, 150))
    out["g.gif"] = encode(synthetic_picture(311, (160, 120)).convert("P"), "GIF")
    out["b.bmp"] = encode(synthetic_picture(312, (160, 120)), "BMP")
    out["w.webp"] = encode(synthetic_picture(313, (160, 120)), "WEBP")
    return out


def test_it_carves_each_format_and_rejoins_a_split_jpeg() -> None:
    rng = random.Random(5)
    found = pictures()
    split = found.pop("p3.jpg")
    cut = len(split) // 2 // SECTOR * SECTOR
    blob = pad(rng.randbytes(3000))
    for data in found.values():
        blob += pad(data) + pad(rng.randbytes(rng.randint(100, 3000)))
    # The DFRWS case: another file between the halves of a picture, then junk.
    blob += split[:cut] + pad(rng.randbytes(7 * SECTOR)) + pad(split[cut:])
    # A picture cut short (its tail overwritten by zeros) is not counted.
    broken = picture_bytes(320, "JPEG", (480, 360))
    blob += broken[:len(broken) // 2 // SECTOR * SECTOR] + b"\x00" * 8192
    space = Space(Bytes(blob), 0, [(0, len(blob))])
    carved = {sha1(c.data): c for c in carve(space)}
    assert set(carved) == {sha1(d) for d in (*found.values(), split)}
    joined = carved[sha1(split)]
    assert len(joined.pieces) == 2 and joined.pieces[0][1] == cut


def test_a_jpeg_split_around_an_uncompressed_picture_is_rejoined() -> None:
    """A BMP between the halves passes for scan data for tens of kilobytes, so the damage
    is noticed far past the head's end: the kept BMP's start is where the head ends, and
    the tail starts after it (a case PhotoRec recovered and the carver missed)."""
    split = picture_bytes(340, "JPEG", (480, 360))
    between = encode(synthetic_picture(21, (320, 240)), "BMP")
    cut = len(split) // 2 // 4096 * 4096
    # 4 KiB clusters: the BMP's last cluster is padded with zeros.
    cluster = between + b"\x00" * (-len(between) % 4096)
    blob = b"\x00" * 4096 + split[:cut] + cluster + pad(split[cut:])
    carved = {sha1(c.data): c for c in carve(Space(Bytes(blob), 0, [(0, len(blob))]))}
    assert set(carved) == {sha1(split), sha1(between)}
    assert carved[sha1(split)].pieces[0] == (4096, cut)


def test_a_picture_across_an_allocated_run_reads_as_one() -> None:
    picture = picture_bytes(330, "JPEG", (320, 240))
    first = pad(picture[:4096])
    blob = first + b"A" * 4096 + pad(picture[4096:])
    # The allocated "A" run is not in the space: the picture is whole there.
    space = Space(Bytes(blob), 0, [(0, len(first)), (len(first) + 4096, len(blob))])
    (item,) = carve(space)
    assert item.data == picture
    assert space.extents(*item.pieces[0]) == [(0, 4096), (8192, len(picture) - 4096)]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SAFEGUARD_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.mark.parametrize("kind", ["fat32", "ntfs"])
def test_carved_known_bad_pictures_are_matched_and_counted(
    tmp_path: Path, home: Path, kind: str
) -> None:
    found = pictures()
    names = list(found)
    live = {names[0]: found[names[0]]}
    deleted = {} if kind == "ntfs" else {names[1]: found[names[1]]}
    fragmented = {names[2]: found[names[2]], names[3]: found[names[3]]}
    wiped = {n: found[n] for n in names[4:]} | ({names[1]: found[names[1]]} if kind == "ntfs"
                                               else {})
    image = tmp_path / f"{kind}.img"
    truth = build(image, kind, live, deleted, wiped, fragmented, size_mb=40,
                  cluster=SECTOR if kind == "fat32" else 4096)
    graded = tmp_path / "graded"
    graded.mkdir()
    for name, data in found.items():
        (graded / name).write_bytes(data)
    built = CliRunner().invoke(main, ["hashset", "build", str(graded), "--name", "bad",
                                      "--kind", "known-bad", "--category", "B"])
    assert built.exit_code == 0, built.output
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["triage", str(image), "--out", str(out), "--hashset",
                                       "bad", "--carve", "--quiet"])
    assert result.exit_code in (0, 4), result.output
    rows = list(csv.DictReader((out / "files.csv").open(encoding="utf-8", newline="")))
    carved = [r for r in rows if r["carved"] == "true"]
    recovered = {r["sha1"] for r in carved}
    assert recovered == set(truth.wiped.values()) | set(truth.fragmented.values())
    for row in carved:
        assert row["path"].startswith("/$Carved/") and row["match"] == "exact", row
        assert row["category"] == "B"
    split = [r for r in carved if "," in r["path"]]
    assert {r["sha1"] for r in split} == set(truth.fragmented.values())
    # The deleted file TSK still lists is its own row, not a carved copy of it.
    for sha in truth.deleted.values():
        assert [r["deleted"] for r in rows if r["sha1"] == sha] == ["true"]
    summary = json.loads((out / "report.json").read_text())["summary"]
    assert summary["carved"] == len(carved)
    assert summary["categories"]["B"]["carved"] == len(carved)
