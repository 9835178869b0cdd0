"""Damaged and hostile archives and names: a warning row or a clear error naming the item,
a complete report for everything else, never a traceback (the forensic review's Part B).

Each test runs the whole triage, as an examiner would, usually with a good item beside
the bad one to show that nothing else is lost.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import os
import struct
import tarfile
import zipfile
from pathlib import Path

import pytest

from safeguard.demo.media import picture_bytes
from safeguard.triage.examine import INTERNAL_ERROR
from safeguard.triage.expansion import ExpansionLimits
from safeguard.triage.pipeline import ExitStatus, TriageOptions, triage


def run(tmp_path: Path, *evidence: Path, limits: ExpansionLimits | None = None,
        out: str = "out") -> tuple[int, list[dict[str, str]], list[dict[str, str]]]:
    options = TriageOptions(out_dir=tmp_path / out, workers=2, perceptual=None)
    if limits is not None:
        options.limits = limits
    outcome = triage([str(e) for e in evidence], options)
    report = json.loads((tmp_path / out / "report.json").read_text())
    with open(tmp_path / out / "files.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for warning in report["warnings"]:
        assert INTERNAL_ERROR not in warning["message"], warning
    return outcome.status, rows, report["warnings"]


def good_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("good/photo.jpg", picture_bytes(1))
    return path


def paths(rows: list[dict[str, str]]) -> list[str]:
    return [(r["archive"] + "!" if r["archive"] else "") + r["path"] for r in rows]


def tar_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_a_truncated_tar_beside_a_good_zip_is_a_warning(tmp_path: Path) -> None:
    whole = tar_bytes({"a.bin": os.urandom(100_000), "b.bin": b"second"})
    cut = tmp_path / "cut.tar"
    cut.write_bytes(whole[:50_000])
    status, rows, warnings = run(tmp_path, cut, good_zip(tmp_path / "good.zip"))
    assert status == ExitStatus.WARNINGS
    assert "/good.zip!/good/photo.jpg" in paths(rows)
    [member] = [r for r in rows if r["path"] == "/a.bin"]
    assert member["error"] and not member["md5"]
    assert any(w["address"].endswith("/a.bin") for w in warnings)


def test_a_member_claiming_more_bytes_than_the_tar_holds(tmp_path: Path) -> None:
    data = bytearray(tar_bytes({"f.bin": b"x" * 4096}))
    # The size field of the first header: 11 octal digits and a NUL at offset 124 (1 GiB
    # claimed for 4 KiB of data).
    data[124:136] = b"%011o\0" % (1024**3)
    header = data[:512]
    header[148:156] = b" " * 8
    data[148:156] = b"%06o\0 " % sum(header)
    claim = tmp_path / "claim.tar"
    claim.write_bytes(bytes(data))
    status, rows, _ = run(tmp_path, claim)
    assert status == ExitStatus.WARNINGS
    [member] = [r for r in rows if r["path"] == "/f.bin"]
    assert member["error"]


@pytest.mark.parametrize("method", [9, 93, 95, 98])
def test_zip_members_in_methods_zipfile_lacks(method: int, tmp_path: Path) -> None:
    content = b"benign text " * 500
    if method == 9:
        import inflate64

        deflater = inflate64.Deflater()
        packed = deflater.deflate(content) + deflater.flush()
    elif method == 93:
        import zstandard

        packed = zstandard.ZstdCompressor().compress(content)
    elif method == 95:
        import lzma

        packed = lzma.compress(content, format=lzma.FORMAT_XZ)
    else:
        packed = b"\x00" * 40  # PPMd: not decoded, only named
    archive = tmp_path / f"m{method}.zip"
    archive.write_bytes(_zip_with_raw_member("a.txt", content, packed, method))
    status, rows, warnings = run(tmp_path, archive, good_zip(tmp_path / "good.zip"))
    [member] = [r for r in rows if r["path"] == "/a.txt"]
    if method == 98:
        assert "PPMd (98) not supported" in member["error"]
        assert status == ExitStatus.WARNINGS
    else:
        assert member["md5"] == __import__("hashlib").md5(content).hexdigest(), warnings
        assert not member["error"]


def _zip_with_raw_member(name: str, content: bytes, packed: bytes, method: int) -> bytes:
    """A one-member zip whose member is stored under `method` with `packed` bytes."""
    import zlib

    crc = zlib.crc32(content)
    raw = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 63, 0, method, 0, 0x21, crc,
                        len(packed), len(content), len(raw), 0) + raw
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 63, 63, 0, method, 0, 0x21, crc,
                          len(packed), len(content), len(raw), 0, 0, 0, 0, 0, 0) + raw
    body = local + packed
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(body), 0)
    return body + central + end


def test_a_name_that_breaks_the_utf8_flag_hides_no_other_member(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ok.txt", b"fine")
        z.writestr("bad\u00e9.txt", b"bad name")  # stored with the UTF-8 flag
    data = buf.getvalue().replace("bad\u00e9".encode(), b"bad\xff\xfe")
    archive = tmp_path / "names.zip"
    archive.write_bytes(data)
    status, rows, warnings = run(tmp_path, archive)
    names = paths(rows)
    assert "/names.zip!/ok.txt" in names
    assert "/names.zip!/bad\\udcff\\udcfe.txt" in names  # kept byte for byte, escaped
    [bad] = [r for r in rows if r["path"].startswith("/bad")]
    assert bad["md5"] == __import__("hashlib").md5(b"bad name").hexdigest()
    assert status == ExitStatus.WARNINGS and any("not UTF-8" in w["message"] for w in warnings)


def test_a_file_name_that_is_not_utf8_is_kept_and_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "r1"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"bad\xffname.txt"), "wb") as f:
        f.write(b"x")
    (folder / "good.txt").write_bytes(b"good")
    tar = tmp_path / "badname.tar"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        info = tarfile.TarInfo("m\udcffember.txt")
        info.size = 3
        t.addfile(info, io.BytesIO(b"abc"))
    tar.write_bytes(buf.getvalue())
    _, rows, _ = run(tmp_path, folder, tar)
    names = paths(rows)
    assert "/bad\\udcffname.txt" in names and "/good.txt" in names
    assert "/badname.tar!/m\\udcffember.txt" in names
    assert all(r["md5"] for r in rows)
    # --resume over the same journal reads the escaped keys back and skips them all.
    options = TriageOptions(out_dir=tmp_path / "out", workers=2, perceptual=None, resume=True)
    triage([str(folder), str(tar)], options)
    last = json.loads((tmp_path / "out" / "runs.jsonl").read_text().splitlines()[-1])
    assert last["examined"] == 0 and last["skipped"] >= 3


def test_a_truncated_gzip_keeps_what_was_readable(tmp_path: Path) -> None:
    content = b"".join(b"log line %d of a benign log file\n" % i for i in range(200_000))
    whole = gzip.compress(content)
    cut = tmp_path / "app.log.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    status, rows, _ = run(tmp_path, cut)
    [member] = [r for r in rows if r["path"] == "/app.log"]
    recovered = int(member["size"])
    assert 0 < recovered < len(content)
    assert member["md5"] == __import__("hashlib").md5(content[:recovered]).hexdigest()
    assert "recovered before the damage" in member["error"]
    assert status == ExitStatus.WARNINGS


def test_tar_links_and_devices_are_named_and_hard_links_read(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        info = tarfile.TarInfo("data/real.txt")
        info.size = 4
        t.addfile(info, io.BytesIO(b"real"))
        for name, kind, target in (("data/hard", tarfile.LNKTYPE, "data/real.txt"),
                                   ("evil", tarfile.SYMTYPE, "/etc/passwd"),
                                   ("dev", tarfile.CHRTYPE, "")):
            link = tarfile.TarInfo(name)
            link.type = kind
            link.linkname = target
            t.addfile(link)
        after = tarfile.TarInfo("data/after.txt")
        after.size = 5
        t.addfile(after, io.BytesIO(b"after"))
    archive = tmp_path / "links.tar"
    archive.write_bytes(buf.getvalue())
    status, rows, warnings = run(tmp_path, archive)
    by_path = {r["path"]: r for r in rows}
    assert by_path["/data/hard"]["md5"] == by_path["/data/real.txt"]["md5"]
    assert "/data/after.txt" in by_path  # members after a link are still read
    [note] = [w for w in warnings if "no content of their own" in w["message"]]
    assert "/evil (symbolic link to /etc/passwd)" in note["message"]
    assert "/dev (character device)" in note["message"]
    assert status == ExitStatus.WARNINGS


def _nested_bomb(levels: int, fanout: int, leaf: int) -> bytes:
    """A 42-style archive: `levels` of zips, each holding `fanout` copies of the next."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(fanout):
            z.writestr(f"zeros{i}.bin", bytes(leaf))
    data = buf.getvalue()
    for _ in range(levels - 1):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            for i in range(fanout):
                z.writestr(f"level{i}.zip", data)
        data = buf.getvalue()
    return data


def test_a_nested_bomb_stops_at_the_ratio_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "nested.zip"
    bomb.write_bytes(_nested_bomb(levels=3, fanout=4, leaf=32 * 1024 * 1024))
    limits = ExpansionLimits(ratio=100, ratio_floor=1024 * 1024)
    status, rows, warnings = run(tmp_path, bomb, good_zip(tmp_path / "good.zip"),
                                 limits=limits)
    assert status == ExitStatus.WARNINGS
    limited = [w for w in warnings if "expansion limit" in w["message"]]
    assert limited and all("ratio limit" in w["message"] for w in limited)
    hashed = sum(int(r["size"]) for r in rows if r["md5"] and r["path"].startswith("/zeros"))
    assert hashed == 0  # each leaf zip declares 128 MiB of zeros from ~130 KB: refused
    assert "/good.zip!/good/photo.jpg" in paths(rows)


def test_one_large_member_of_a_normal_archive_is_still_read(tmp_path: Path) -> None:
    content = os.urandom(3 * 1024 * 1024)
    archive = tmp_path / "video.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.bin", content)
    limits = ExpansionLimits(bytes=4 * 1024 * 1024, ratio=2, ratio_floor=1)
    status, rows, _ = run(tmp_path, archive, limits=limits)
    [member] = [r for r in rows if r["path"] == "/big.bin"]
    assert member["md5"] and status == 0


def test_the_expanded_bytes_limit_stops_an_archive_found_in_the_evidence(tmp_path: Path) -> None:
    archive = tmp_path / "zeros.tar.bz2"
    archive.write_bytes(bz2.compress(tar_bytes({f"z{i}.bin": bytes(1 << 20) for i in range(6)})))
    status, rows, warnings = run(tmp_path, archive, limits=ExpansionLimits(bytes=3 << 20))
    read = [r for r in rows if r["path"].endswith(".bin") and r["md5"]]
    assert 1 <= len(read) <= 3
    assert any("expanded-bytes limit" in w["message"] for w in warnings)
    assert status == ExitStatus.WARNINGS


def test_nested_archives_are_spooled_inside_the_output_folder(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    watched = tmp_path / "tmpdir"
    watched.mkdir()
    monkeypatch.setenv("TMPDIR", str(watched))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # make tempfile read TMPDIR again
    # The files are examined in forked worker processes (workers.py): what they create
    # is logged to a file, which every process appends to.
    log = tmp_path / "created.log"
    real_open = os.open

    def watching_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & (os.O_CREAT | getattr(os, "O_TMPFILE", 0)):
            fd = real_open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            os.write(fd, os.fsencode(os.fsdecode(path)) + b"\n")  # type: ignore[arg-type]
            os.close(fd)
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", watching_open)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_STORED) as z:
        z.writestr("noise.bin", os.urandom(40 * 1024 * 1024))  # past the in-memory spool
    evidence = tmp_path / "spool.zip.gz"
    evidence.write_bytes(gzip.compress(inner.getvalue(), compresslevel=1))
    status, rows, _ = run(tmp_path, evidence)
    assert status == 0 and "/spool.zip.gz!/spool.zip!/noise.bin" in paths(rows)
    out = str(tmp_path / "out")
    created = os.fsdecode(log.read_bytes()).splitlines()
    assert any(p.startswith(out + "/.spool/") for p in created)
    assert not [p for p in created if not p.startswith(out)]
    assert list(watched.iterdir()) == []
    assert not (tmp_path / "out" / ".spool").exists()


def test_the_limits_come_from_the_command_line_and_reach_the_report(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from safeguard.cli import ExitCode, main

    archive = tmp_path / "zeros.tar.bz2"
    archive.write_bytes(bz2.compress(tar_bytes({f"z{i}.bin": bytes(1 << 20) for i in range(6)})))
    out = tmp_path / "cli"
    result = CliRunner().invoke(main, ["triage", str(archive), "--out", str(out), "--quiet",
                                       "--expansion-limit", "2M", "--expansion-ratio", "7",
                                       "--archive-depth", "3"])
    assert result.exit_code == ExitCode.WARNINGS, result.output
    report = json.loads((out / "report.json").read_text())
    assert report["options"]["expansion_limits"] == {
        "archive_depth": 3, "expanded_bytes": 2 * 1024 * 1024, "nested_ratio": 7}
    bad = CliRunner().invoke(main, ["triage", str(archive), "--out", str(tmp_path / "x"),
                                    "--expansion-limit", "lots"])
    assert bad.exit_code == 2 and "is not a size" in bad.output
