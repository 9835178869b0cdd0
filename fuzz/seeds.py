"""Seed corpora for the fuzz targets, built from the same benign material the tests use:
synthetic pictures (safeguard.demo.media), small disk images made by the file systems'
own tools (safeguard.demo.diskimages), the hash-set formats' own examples, and the
journal and files.csv of a small real run. Each builder takes a scratch folder and
returns {seed name: bytes}; fuzz/run.py writes them into the target's corpus folder.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import shutil
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path

from safeguard.demo.media import picture_bytes

SMALL = (64, 48)

FILES = {
    "DCIM/IMG_0001.JPG": picture_bytes(1, size=SMALL),
    "notes/readme.txt": b"benign notes\n" * 20,
    "gone.txt": b"deleted benign text\n",
    "empty.dat": b"",
}


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _tar(members: dict[str, bytes], mode: str = "w", fmt: int = tarfile.GNU_FORMAT) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode, format=fmt) as t:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_700_000_000
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _raw_member_zip(name: str, content: bytes, packed: bytes, method: int) -> bytes:
    crc = zlib.crc32(content)
    raw = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 63, 0, method, 0, 0x21, crc,
                        len(packed), len(content), len(raw), 0) + raw
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 63, 63, 0, method, 0, 0x21, crc,
                          len(packed), len(content), len(raw), 0, 0, 0, 0, 0, 0) + raw
    body = local + packed
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(body), 0)
    return body + central + end


def zips(_: Path) -> dict[str, bytes]:
    text = b"benign text " * 40
    deflate64 = zlib.compressobj(wbits=-15)  # Deflate64 reads plain deflate streams too
    seeds = {
        "deflated.zip": _zip(FILES),
        "stored.zip": _zip(FILES, zipfile.ZIP_STORED),
        "bzip2.zip": _zip({"a.txt": text}, zipfile.ZIP_BZIP2),
        "lzma.zip": _zip({"a.txt": text}, zipfile.ZIP_LZMA),
        "nested.zip": _zip({"inner.zip": _zip({"deep/a.jpg": FILES["DCIM/IMG_0001.JPG"]}),
                            "b.txt": text}),
        "deflate64.zip": _raw_member_zip("a.txt", text,
                                         deflate64.compress(text) + deflate64.flush(), 9),
        "xz.zip": _raw_member_zip("a.txt", text, lzma.compress(text), 95),
    }
    names = io.BytesIO()
    with zipfile.ZipFile(names, "w") as z:
        z.writestr("ok.txt", b"fine")
        z.writestr("bad\u00e9.txt", b"bad name")
    seeds["utf8-flag.zip"] = names.getvalue().replace("bad\u00e9".encode(), b"bad\xff\xfe")
    return seeds


def tars(_: Path) -> dict[str, bytes]:
    links = io.BytesIO()
    with tarfile.open(fileobj=links, mode="w", format=tarfile.GNU_FORMAT) as t:
        info = tarfile.TarInfo("real.txt")
        info.size = 4
        t.addfile(info, io.BytesIO(b"real"))
        for name, kind, target in (("hard", tarfile.LNKTYPE, "real.txt"),
                                   ("soft", tarfile.SYMTYPE, "/etc/passwd"),
                                   ("dev", tarfile.CHRTYPE, "")):
            link = tarfile.TarInfo(name)
            link.type = kind
            link.linkname = target
            t.addfile(link)
    long_name = {"d/" + "n" * 150 + ".txt": b"long"}
    return {
        "plain.tar": _tar(FILES),
        "gz.tar.gz": _tar(FILES, "w:gz"),
        "bz2.tar.bz2": _tar(FILES, "w:bz2"),
        "xz.tar.xz": _tar(FILES, "w:xz"),
        "pax.tar": _tar(long_name, fmt=tarfile.PAX_FORMAT),
        "gnu-long.tar": _tar(long_name),
        "links.tar": links.getvalue(),
        "nested.tar": _tar({"in.zip": _zip(FILES)}),
    }


def compressed(_: Path) -> dict[str, bytes]:
    text = b"".join(b"log line %d\n" % i for i in range(300))
    return {
        "log.gz": gzip.compress(text),
        "log.bz2": bz2.compress(text),
        "log.xz": lzma.compress(text),
        "zip.gz": gzip.compress(_zip(FILES)),
        "two-members.gz": gzip.compress(b"first ") + gzip.compress(b"second"),
    }


def _image_bytes(builder: object, folder: Path, name: str, **options: object) -> bytes:
    path = builder(folder / name, **options)  # type: ignore[operator]
    return Path(path).read_bytes()


def fat_images(folder: Path) -> dict[str, bytes]:
    from safeguard.demo.diskimages import build_exfat_image, build_fat_image

    # FAT16 and FAT32 need thousands of clusters (4 and 34 MiB): too large to mutate
    # quickly; FAT12 runs the same FAT code in TSK, exFAT its own.
    return {
        "fat12.img": _image_bytes(build_fat_image, folder, "fat12.img", files=FILES,
                                  deleted=["gone.txt"], fat_bits=12, size_mb=1),
        "exfat.img": _image_bytes(build_exfat_image, folder, "exfat.img", files=FILES,
                                  deleted=["gone.txt"], size_mb=4),
    }


def ext_images(folder: Path) -> dict[str, bytes]:
    from safeguard.demo.diskimages import build_ext4_image

    return {"ext4.img": _image_bytes(build_ext4_image, folder, "ext4.img", files=FILES,
                                     deleted=["gone.txt"], size_mb=1)}


def ntfs_images(folder: Path) -> dict[str, bytes]:
    from safeguard.demo.diskimages import build_ntfs_image

    fixture = Path(__file__).parents[1] / "tests" / "data" / "ntfs-deleted.raw.gz"
    flat = {name.rsplit("/", 1)[-1]: data for name, data in FILES.items()}
    return {
        "ntfs-deleted.img": gzip.decompress(fixture.read_bytes()),
        "ntfs.img": _image_bytes(build_ntfs_image, folder, "ntfs.img", files=flat, size_mb=2),
    }


def partitioned_images(folder: Path) -> dict[str, bytes]:
    from safeguard.demo.diskimages import build_fat_image, build_partitioned_image

    fat = build_fat_image(folder / "p.img", FILES, ["gone.txt"], fat_bits=12, size_mb=1)
    seeds = {}
    for scheme in ("mbr", "gpt"):
        disk = folder / f"{scheme}.img"
        build_partitioned_image(disk, [fat], scheme=scheme)
        seeds[f"{scheme}.img"] = disk.read_bytes()
    # A table whose second partition starts past the end: TSK refuses, tables.py reads.
    mbr = bytearray(seeds["mbr.img"])
    struct.pack_into("<BBBBBBBBII", mbr, 446 + 16, 0, 0, 0, 0, 0x83, 0, 0, 0, 300000, 1000)
    seeds["past-the-end.img"] = bytes(mbr)
    return seeds


def e01_images(folder: Path) -> dict[str, bytes]:
    from safeguard.demo.diskimages import build_e01, build_fat_image

    fat = build_fat_image(folder / "e.img", FILES, ["gone.txt"], fat_bits=12, size_mb=1)
    out = folder / "e01"
    out.mkdir(exist_ok=True)
    (segment,) = build_e01(fat, out / "fat12")
    return {"fat12.E01": segment.read_bytes()}


def _example(name: str, folder: Path) -> bytes:
    from safeguard.triage.hashsets.formats import FORMATS

    reader = FORMATS.get(name)
    path = folder / f"example-{name}{reader.EXAMPLE_SUFFIX}"
    reader.write_example(path)
    return path.read_bytes()


def vics_lists(folder: Path) -> dict[str, bytes]:
    example = _example("vics", folder)
    v1 = example.replace(b"@odata.context", b"odata.metadata").replace(b"/2.0.xml/UK/",
                                                                       b"/1.3.xml/")
    return {"vics-2.0.json": example, "vics-1.x.json": v1}


def nsrl_v2_lists(folder: Path) -> dict[str, bytes]:
    return {"NSRLFile.txt": _example("nsrl-v2", folder)}


def nsrl_v3_lists(folder: Path) -> dict[str, bytes]:
    return {"rds.db": _example("nsrl-v3", folder)}


def sum_lists(folder: Path) -> dict[str, bytes]:
    example = _example("sums", folder)
    bsd = b"MD5 (a.jpg) = 8f398c463a6df480210a1459f81409d5\n"
    return {"list.md5": example, "bsd.md5": bsd}


def csv_lists(folder: Path) -> dict[str, bytes]:
    return {"list.csv": _example("csv", folder)}


def icse_lists(folder: Path) -> dict[str, bytes]:
    return {"icse.csv": _example("icse", folder)}


def _small_run(folder: Path) -> Path:
    from safeguard.triage.pipeline import TriageOptions, triage

    evidence = folder / "evidence"
    if not (folder / "run" / "files.csv").exists():
        shutil.rmtree(evidence, ignore_errors=True)
        for name, data in FILES.items():
            (evidence / name).parent.mkdir(parents=True, exist_ok=True)
            (evidence / name).write_bytes(data)
        (evidence / "set.zip").write_bytes(_zip({"x/y.jpg": picture_bytes(2, size=SMALL)}))
        triage([str(evidence)], TriageOptions(out_dir=folder / "run", workers=1))
    return folder / "run"


def journals(folder: Path) -> dict[str, bytes]:
    import sqlite3

    run = _small_run(folder)
    con = sqlite3.connect(run / "journal.sqlite")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return {"journal.sqlite": (run / "journal.sqlite").read_bytes()}


def files_csvs(folder: Path) -> dict[str, bytes]:
    return {"files.csv": (_small_run(folder) / "files.csv").read_bytes()}


def pictures(_: Path) -> dict[str, bytes]:
    return {f"small.{fmt.lower()}": picture_bytes(3, fmt, size=SMALL)
            for fmt in ("JPEG", "PNG", "GIF", "BMP", "WEBP", "TIFF")}
