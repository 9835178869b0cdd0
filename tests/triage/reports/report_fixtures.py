"""A hand-built triage result: fifteen records whose figures the tests work out by hand.

Category labels are fictional labels on benign, imaginary files; every digest is the
digest of a short label string, not of any real content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from safeguard.triage.evidence.base import EvidenceInfo
from safeguard.triage.records import (
    Address,
    FileType,
    Match,
    Record,
    Times,
    TriageWarning,
)
from safeguard.triage.results import HashSetUse, TriageResult

HOSTILE_NAME = '<script>alert("x")</script>, "quoted"\nnext line.jpg'
SURROGATE_NAME = "bad\udcffname.jpg"  # an undecodable byte, as os.fsdecode gives it
T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def digests(label: str) -> dict[str, str]:
    data = label.encode()
    return {
        "md5": hashlib.md5(data).hexdigest(),
        "sha1": hashlib.sha1(data).hexdigest(),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def at(path: str) -> Address:
    return Address(evidence="exhibit-01.E01", partition="p2", filesystem="NTFS", path=path)


ZIP = at("/Users/sam/Downloads/photos.zip")


def build_records() -> list[Record]:
    def matched(
        address: Address,
        label: str,
        category: str,
        kind: FileType = FileType.IMAGE,
        match: Match = Match.EXACT,
        **extra: object,
    ) -> Record:
        return Record(
            address=address,
            size=extra.pop("size", 800),  # type: ignore[arg-type]
            file_type=kind,
            digests=digests(label),
            mime="video/mp4" if kind is FileType.VIDEO else "image/jpeg",
            hashset="fictional-known-bad" if category else "md5-list",
            category=category,
            match=match,
            **extra,  # type: ignore[arg-type]
        )

    def plain(address: Address, label: str, kind: FileType, size: int, **extra: object) -> Record:
        return Record(
            address=address,
            size=size,
            file_type=kind,
            digests=digests(label),
            **extra,  # type: ignore[arg-type]
        )

    return [
        # 1: a copy of category-A content a1 (record 11 is the other), deleted, distributed.
        matched(
            at("/Users/sam/Backup/a1-copy.jpg"),
            "a1",
            "A",
            size=1000,
            deleted=True,
            distributed=True,
        ),
        # 2: an uncategorised exact match (a bare md5 list), to test category ordering.
        matched(at("/Users/sam/Desktop/m1.jpg"), "m1", "", size=100),
        # 3: unmatched image, deleted; 4: the hostile name; 5: an unreadable image.
        plain(at("/Users/sam/Desktop/u1.jpg"), "u1", FileType.IMAGE, 1200, deleted=True),
        plain(at("/Users/sam/Desktop/" + HOSTILE_NAME), "u2", FileType.IMAGE, 1300),
        Record(
            address=at("/Users/sam/Desktop/" + SURROGATE_NAME),
            size=400,
            file_type=FileType.IMAGE,
            error="read error: input/output error",
        ),
        # 6: an archive, and 7-8: two category-C members (c1 is also loose, record 10).
        plain(ZIP, "zip", FileType.ARCHIVE, 5000, mime="application/zip"),
        matched(ZIP.member("/inner/c1.jpg"), "c1", "C"),
        matched(ZIP.member("/inner/c2.jpg"), "c2", "C", size=900),
        # 9: a perceptual category-B match at distance 12; 10: content c1 again.
        matched(
            at("/Users/sam/Pictures/b1.png"),
            "b1",
            "B",
            match=Match.PERCEPTUAL,
            size=1500,
            distance=12,
        ),
        matched(at("/Users/sam/Pictures/c1.jpg"), "c1", "C"),
        # 11: content a1 again, distributed and victim identified, with times.
        matched(
            at("/Users/sam/Pictures/a1.jpg"),
            "a1",
            "A",
            size=1000,
            distributed=True,
            victim_identified=True,
            series="fictional-series",
            times=Times(modified=T0, accessed=T0 + 60, changed=T0, created=T0 - 3600),
        ),
        # 12: a category-A video; 13: an unmatched carved video.
        matched(at("/Users/sam/Videos/v1.mp4"), "v1", "A", kind=FileType.VIDEO, size=20000),
        plain(
            at("/carved/0000123456.mp4"),
            "u3",
            FileType.VIDEO,
            30000,
            carved=True,
            mime="video/mp4",
        ),
        # 14: a known-good image (excluded from review); 15: a text file.
        plain(
            at("/Windows/Web/wallpaper.jpg"),
            "kg",
            FileType.IMAGE,
            300,
            known_good=True,
            known_good_set="fictional-known-good",
        ),
        plain(at("/Users/sam/notes.txt"), "txt", FileType.OTHER, 50, mime="text/plain"),
    ]


RECORD_COUNT = 15


class OneShot(Iterable[Record]):
    """Records that can be read once only, as a pipeline's generator can."""

    def __init__(self, records: list[Record]) -> None:
        self._records = records
        self.used = False

    def __iter__(self) -> Iterator[Record]:
        if self.used:
            raise AssertionError("records were read twice")
        self.used = True
        return iter(self._records)


def build_result(**overrides: object) -> TriageResult:
    options: dict[str, object] = {
        "case_number": "OP/TEST/0001",
        "pdq_threshold": 31,
        "digests": ("md5", "sha1", "sha256"),
        "evidence": [Path("/cases/exhibit-01.E01")],
    }
    values: dict[str, object] = {
        "tool": "Safeguard",
        "version": "0.1.0",
        "started": "2024-05-01T09:00:00Z",
        "finished": "2024-05-01T09:10:00Z",
        "evidence": [
            EvidenceInfo(
                path="/cases/exhibit-01.E01",
                kind="ewf",
                size=1_048_576,
                sha256="ab" * 32,
                md5="cd" * 16,
                verified=True,
            ),
            EvidenceInfo(path="/cases/exhibit-02.dd", kind="raw", size=4096, sha256="ef" * 32),
            EvidenceInfo(
                path="/cases/<b>exhibit-03</b>.E01",
                kind="ewf",
                size=2048,
                sha256="01" * 32,
                verified=False,
            ),
        ],
        "hashsets": [
            HashSetUse(
                name="fictional-known-bad",
                kind="known-bad",
                format="vics",
                entries=1234,
                sha256="12" * 32,
                scheme="uk",
            ),
            HashSetUse(
                name="fictional-known-good",
                kind="known-good",
                format="nsrl-rds2",
                entries=56789,
                sha256="34" * 32,
            ),
        ],
        "records": OneShot(build_records()),
        "warnings": [
            TriageWarning(
                # Shown as "exhibit-01.E01 › p2 › NTFS › /Users/sam/<img src=x ...>".
                address=Address("exhibit-01.E01", "/Users/sam/<img src=x onerror=alert(1)>",
                                partition="p2", filesystem="NTFS"),
                stage="read",
                message="truncated file & <bad> data",
            ),
            TriageWarning(
                address=Address("exhibit-01.E01", "/a.zip", partition="p2", filesystem="NTFS"),
                stage="archive", message="bad CRC",
            ),
        ],
        "digests": ("md5", "sha1", "sha256"),
        "options": options,
    }
    values.update(overrides)
    return TriageResult(**values)  # type: ignore[arg-type]
