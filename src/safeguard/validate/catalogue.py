"""What the reference data's content is known to be: graded pictures and videos (the
known-bad set), their altered copies (perceptual matches), known-good files (the NSRL-style
set), and content that must never be reported (documented limitations).

Every expected file is described through `Catalogue.expect`, which computes its digests
with hashlib over the bytes written and its reference PDQ with pdqhash: the ground truth
never comes from the engine under test. The hash set files are written from the same
catalogue, so the matches the ground truth expects are those the sets imply.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safeguard.demo.diskimages import FIXED_MTIME

from .groundtruth import Absent, ExpectedFile, HashSetFile
from .pictures import reference_pdq

FIXED_TIME = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(FIXED_MTIME))
# VICS integer codes of the UK categories (the store's default map, docs/hashsets.md).
CATEGORY_CODES = {"A": 1, "B": 2, "C": 3}
KNOWN_BAD = "reference-known-bad"
KNOWN_GOOD = "reference-known-good"
VICS_CONTEXT = ("http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/"
                "$metadata#Cases")


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


@dataclass
class _Graded:
    data: bytes
    category: str
    name: str
    mime: str
    pdq: str = ""
    vpdq: str = ""


@dataclass
class Catalogue:
    seed: int
    graded: dict[str, _Graded] = field(default_factory=dict)
    # Altered copies by SHA-1: (the category of the original, what was done).
    altered: dict[str, tuple[str, str]] = field(default_factory=dict)
    known_good: dict[str, bytes] = field(default_factory=dict)
    _pdq: dict[str, str | None] = field(default_factory=dict)

    # -- what the sets hold ------------------------------------------------------------

    def grade(self, data: bytes, category: str, name: str, *, mime: str = "image/jpeg",
              vpdq: str = "") -> bytes:
        """`data` becomes an entry of the known-bad set, in `category`."""
        pdq = "" if vpdq else (self.pdq_of(data) or "")
        self.graded[sha1(data)] = _Graded(data, category, name, mime, pdq, vpdq)
        return data

    def alter(self, original: bytes, copy: bytes, how: str) -> bytes:
        """`copy` is `original` altered (`how`): a perceptual match in its category."""
        self.altered[sha1(copy)] = (self.graded[sha1(original)].category, how)
        return copy

    def good(self, data: bytes) -> bytes:
        self.known_good[sha1(data)] = data
        return data

    def absent(self, data: bytes, what: str, limitation: str) -> Absent:
        return Absent(what=what, sha1=sha1(data), limitation=limitation)

    def pdq_of(self, data: bytes) -> str | None:
        digest = sha1(data)
        if digest not in self._pdq:
            try:
                self._pdq[digest] = reference_pdq(data)[0]
            except OSError:  # not a picture Pillow decodes: no reference hash
                self._pdq[digest] = None
        return self._pdq[digest]

    # -- expected files ----------------------------------------------------------------

    def expect(self, path: str, data: bytes, kind: str, *, partition: str = "",
               filesystem: str = "", archive: str = "", deleted: bool = False,
               modified: str | None = FIXED_TIME, shared: bool = False,
               embedded: bool = False, thumbnail: bool = False,
               original_not_found: bool = False, note: str = "") -> ExpectedFile:
        """The file `data` at `path`, as a correct triage reports it."""
        digest = sha1(data)
        match, category = "none", ""
        if digest in self.graded:
            match, category = "exact", self.graded[digest].category
        elif digest in self.altered:
            match, category = "perceptual", self.altered[digest][0]
            note = note or f"altered copy ({self.altered[digest][1]})"
        return ExpectedFile(
            path=path if path.startswith("/") else "/" + path,
            partition=partition,
            filesystem=filesystem,
            archive=archive,
            deleted=deleted,
            size=len(data),
            modified=modified,
            type=kind if data else "empty",
            md5=hashlib.md5(data).hexdigest(),
            sha1=digest,
            sha256=hashlib.sha256(data).hexdigest(),
            match=match,
            category=category,
            known_good=digest in self.known_good and match == "none",
            shared_location=shared,
            embedded=embedded,
            thumbnail=thumbnail,
            original_not_found=original_not_found,
            pdq=self.pdq_of(data) if kind == "image" else None,
            note=note,
        )

    # -- the set files -----------------------------------------------------------------

    def write_sets(self, folder: Path) -> list[HashSetFile]:
        """The known-bad set as VICS 2.0 (UK profile, PDQ and vPDQ as MediaMetadata) and
        the known-good set as NSRL RDS v2, both with entries the evidence does not hold,
        as real sets have."""
        folder.mkdir(parents=True, exist_ok=True)
        media: list[dict[str, Any]] = []
        for media_id, (digest, item) in enumerate(sorted(self.graded.items()), start=1):
            metadata = [{"PropertyName": name, "PropertyValue": value}
                        for name, value in (("PDQ", item.pdq), ("vPDQ", item.vpdq)) if value]
            media.append({
                "MediaID": media_id, "Category": CATEGORY_CODES[item.category],
                "MD5": hashlib.md5(item.data).hexdigest(), "SHA1": digest,
                "MediaSize": len(item.data), "MimeType": item.mime,
                "IsDistributed": False, "VictimIdentified": False,
                "MediaFiles": [{"FileName": item.name}], "MediaMetadata": metadata,
            })
        for extra in range(5):
            data = f"reference entry {self.seed}-{extra} not on the evidence".encode()
            media.append({"MediaID": 1000 + extra, "Category": 3,
                          "MD5": hashlib.md5(data).hexdigest(), "SHA1": sha1(data)})
        document = {"@odata.context": VICS_CONTEXT, "value": [{
            "CaseID": f"validation-{self.seed}", "CaseNumber": "VALIDATION",
            "SourceApplicationName": "safeguard validate", "SourceApplicationVersion": "1",
            "Media": media}]}
        (folder / "known-bad.json").write_text(json.dumps(document, indent=1) + "\n")
        lines = ['"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode",'
                 '"SpecialCode"']
        good = dict(self.known_good)
        for extra in range(20):
            data = f"reference known-good {self.seed}-{extra}".encode()
            good[sha1(data)] = data
        for digest, data in sorted(good.items()):
            lines.append(f'"{digest.upper()}","{hashlib.md5(data).hexdigest().upper()}",'
                         f'"00000000","file{len(lines)}.bin",{len(data)},1,"358",""')
        (folder / "known-good.txt").write_text("\n".join(lines) + "\n")
        return [HashSetFile("hashsets/known-bad.json", KNOWN_BAD, "known-bad", "vics"),
                HashSetFile("hashsets/known-good.txt", KNOWN_GOOD, "known-good", "nsrl-v2")]
