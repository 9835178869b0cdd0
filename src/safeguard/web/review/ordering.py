"""Which new material to look at first: a score for "likely first-generation".

New material matters most when it may show a child being abused now: a picture made on
the device (a camera original) rather than one downloaded, received, cached by a browser
or passed around in archives. The triage records no pixels or EXIF for the queue to sort
on, and reading 50,000 items from the evidence to find out would take too long, so the
score uses only what each FileRecord already holds; the pixel size and EXIF camera are
measured later, when an item is first shown, and displayed beside it (they do not move
an item, so that a page already seen never gains or loses items).

Points (higher first; docs/review.md explains each):

- camera-style file name (IMG_1234, DSC_0001, PXL_20240301_..., 20240301_120000): 20
- in a camera folder (DCIM, Camera, Camera Roll): 10
- not in a cache, thumbnail or temporary folder: 20
- not in a downloads or messaging folder: 5
- not inside an archive: 10
- camera format (JPEG, HEIC, raw; MP4, QuickTime, 3GP): 10; PNG, BMP, TIFF: 4
- file size: 0-20, 4 per doubling above 20 KB (images) or 1 MB (videos)
- PDQ quality (images): quality / 20, 0-5
- found deleted: 5

Within a near-duplicate group the item with the highest score leads (ties: address
order), and the group takes its lead's score.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

CAMERA_NAME = re.compile(
    r"^(?:IMG|DSC|DSCN|DSCF|DSC_|_DSC|MVI|MOV|VID|PXL|GOPR|GX\d\d|DJI|P\d{3}|_MG)[_-]?\d{3,}"
    r"|^\d{8}[_-]\d{6}"
    r"|^(?:IMG|VID|PXL)_\d{8}_\d{6}",
    re.IGNORECASE,
)
# Messaging apps name what they receive like camera files (IMG-20240301-WA0001).
RECEIVED_NAME = re.compile(r"-WA\d{4}|^received_|^FB_IMG_|^Screenshot", re.IGNORECASE)
CAMERA_FOLDER = re.compile(r"/(?:DCIM|Camera|Camera Roll|100APPLE|\d{3}[A-Z_]{5})/",
                           re.IGNORECASE)
CACHE_FOLDER = re.compile(
    r"cache|/\.?thumbnails?/|/thumbs?/|thumbcache|/temp/|/tmp/|temporary internet files"
    r"|/\.trash|/webcache/|/inetcache/",
    re.IGNORECASE,
)
RECEIVED_FOLDER = re.compile(
    r"/downloads?/|whatsapp|telegram|messenger|signal|snapchat|kik|/received/|/saved/"
    r"|/attachments?/",
    re.IGNORECASE,
)
CAMERA_FORMATS = {"image/jpeg", "image/heic", "image/heif", "image/x-canon-cr2",
                  "image/x-nikon-nef", "image/x-adobe-dng", "image/tiff-fx",
                  "video/mp4", "video/quicktime", "video/3gpp", "video/3gpp2"}
PLAIN_FORMATS = {"image/png", "image/bmp", "image/tiff", "video/x-msvideo", "video/x-matroska",
                 "video/webm"}

# Reason codes stored on the item and shown as labels beside it.
REASONS = {
    "camera-name": "camera-style name",
    "camera-folder": "camera folder",
    "cache": "cache or thumbnail folder",
    "received": "downloads or messaging folder",
    "archive": "inside an archive",
    "camera-format": "camera format",
    "large": "large file",
    "deleted": "found deleted",
}


@dataclass(frozen=True)
class Score:
    points: int
    reasons: tuple[str, ...]


def score(*, path: str, archive: str, mime: str, size: int, deleted: bool,
          pdq_quality: int | None, file_type: str) -> Score:
    """The likely-first-generation score of one file, from its FileRecord fields."""
    where = f"{archive}!{path}" if archive else path
    name = path.rsplit("/", 1)[-1]
    points = 0
    reasons: list[str] = []
    if CAMERA_NAME.search(name) and not RECEIVED_NAME.search(name):
        points += 20
        reasons.append("camera-name")
    if CAMERA_FOLDER.search(where):
        points += 10
        reasons.append("camera-folder")
    if CACHE_FOLDER.search(where):
        reasons.append("cache")
    else:
        points += 20
    if RECEIVED_FOLDER.search(where) or RECEIVED_NAME.search(name):
        reasons.append("received")
    else:
        points += 5
    if archive:
        reasons.append("archive")
    else:
        points += 10
    mime = mime.lower()
    if mime in CAMERA_FORMATS:
        points += 10
        reasons.append("camera-format")
    elif mime in PLAIN_FORMATS:
        points += 4
    size_points = _size_points(size, 1_000_000 if file_type == "video" else 20_000)
    points += size_points
    if size_points >= 12:
        reasons.append("large")
    if pdq_quality is not None and file_type == "image":
        points += max(0, min(pdq_quality, 100)) // 20
    if deleted:
        points += 5
        reasons.append("deleted")
    return Score(points, tuple(reasons))


def _size_points(size: int, base: int) -> int:
    if size <= base:
        return 0
    return min(20, int(4 * math.log2(size / base)))
