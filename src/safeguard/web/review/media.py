"""Pictures of evidence for the review screens: read back, verified, made safe to show.

Every request goes back to the evidence (triage.evidence.fetch), never to a copy kept by
the server: the bytes at the record's address are read again and their SHA-1 and MD5
compared with what the triage recorded; a difference means the evidence changed, and
nothing is shown. What leaves the server is never the file itself but a picture made
from it here, bounded in size, with no metadata:

- `blurred`: greyscale, reduced to a few pixels across and blurred, so no detail survives
  (the default for every item; it is blurred on the server, so turning off the page's
  styles reveals nothing);
- `revealed`: the item itself, up to `reveal_px` on its longest side, in colour unless the
  reviewer asked for greyscale; only on an explicit request for that one item;
- `frames` (videos): a sheet of frames sampled across the video, revealed like a still;
  a video is never sent or played as a video, so nothing plays by itself, and no sound.

For a video, `blurred` and `revealed` show its poster frame (a frame a second in, or a
tenth of the way through a shorter video).
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, cast

from django.core.exceptions import ValidationError
from PIL import Image, ImageFilter, ImageOps

from safeguard.triage import ContentNotFound, EvidenceError, address_of, open_content

from ..investigations.models import Exhibit, check_evidence_path
from ..triage_runs.models import FileRecord

VIEWS = ("blurred", "revealed", "frames")
# Blurring: the picture is shrunk to this many pixels on its longest side, enlarged again
# and blurred, so that only the broad layout of light and dark remains.
BLUR_CELLS = 12
FRAME_SHEET = (4, 3)  # columns, rows of the frames sheet
MAX_DECODED_FRAMES = 20_000  # a bound on decoding a damaged or endless video
SPOOL_IN_MEMORY = 16 * 1024 * 1024
# An archive inside an archive is copied out to reach the item in it: at most this much
# (the item itself at most the review's largest item), so that an archive altered since
# the triage cannot fill the disk before the digests show the change.
MAX_ARCHIVE_COPY = 4 * 1024**3


class MediaRefused(Exception):
    """Nothing is shown: the message says why, for a person; `status` for the response."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Facts:
    """What showing an item found out about it (stored on the item the first time)."""

    width: int
    height: int
    camera: str = ""
    software: str = ""


@contextmanager
def verified_content(exhibit: Exhibit, record: FileRecord, max_bytes: int) -> Iterator[IO[bytes]]:
    """The record's bytes read again from the exhibit's evidence, checked against the
    digests the triage recorded; a seekable file (in memory up to 16 MiB)."""
    if record.carved:
        raise MediaRefused("Carved items cannot be read back from the evidence yet.", 422)
    if not (record.sha1 or record.md5):
        raise MediaRefused("The triage recorded no digest for this file, so its content "
                          "cannot be verified: not shown.", 409)
    if record.size > max_bytes:
        raise MediaRefused(f"The file is {record.size:,} bytes, more than the review shows "
                          f"({max_bytes:,}).", 413)
    try:
        evidence = check_evidence_path(exhibit.evidence_path)
    except ValidationError as exc:
        raise MediaRefused(" ".join(exc.messages), 409) from None
    address = address_of(path=record.path, evidence=record.evidence,
                         partition=record.partition, filesystem=record.filesystem,
                         inode=record.inode, archive=record.archive)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    try:
        sha1, md5 = hashlib.sha1(), hashlib.md5()
        total = 0
        try:
            with open_content(evidence, address, deleted=record.deleted,
                              max_bytes=max_bytes,
                              max_archive_bytes=MAX_ARCHIVE_COPY) as stream:
                while chunk := stream.read(1024 * 1024):
                    total += len(chunk)
                    if total > max_bytes:
                        raise MediaRefused("The file in the evidence is larger than recorded "
                                          "and than the review shows: the evidence has "
                                          "changed.", 409)
                    sha1.update(chunk)
                    md5.update(chunk)
                    spool.write(chunk)
        except ContentNotFound as exc:
            raise MediaRefused(f"The file is no longer where the triage found it: {exc}",
                              409) from None
        except (EvidenceError, OSError) as exc:
            raise MediaRefused(f"The evidence cannot be read: {exc}", 409) from None
        _check(record, sha1.hexdigest(), md5.hexdigest())
        spool.seek(0)
        yield cast(IO[bytes], spool)
    finally:
        spool.close()


def _check(record: FileRecord, sha1: str, md5: str) -> None:
    problems = []
    if record.sha1 and record.sha1.lower() != sha1:
        problems.append(f"SHA-1 recorded {record.sha1.lower()}, read now {sha1}")
    if record.md5 and record.md5.lower() != md5:
        problems.append(f"MD5 recorded {record.md5.lower()}, read now {md5}")
    if problems:
        raise MediaRefused(
            "The evidence has changed since the triage: this file's content is not what was "
            "recorded (" + "; ".join(problems) + "). Nothing is shown; tell the forensic unit.",
            409,
        )


# ----------------------------------------------------------------- pictures


def open_still(content: IO[bytes], draft_px: int) -> Image.Image:
    """Decode a picture (JPEG reduced at decode time), oriented as its EXIF says."""
    try:
        with warnings.catch_warnings():
            # A decompression bomb is refused rather than decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(content)
            if image.format == "JPEG":
                image.draft("RGB", (draft_px, draft_px))
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise MediaRefused(f"The picture cannot be decoded: {exc}", 422) from None
    return image


def facts_of(content: IO[bytes]) -> Facts:
    """Pixel size and EXIF camera/software, from the header only (no full decode)."""
    content.seek(0)
    try:
        with Image.open(content) as image:
            width, height = image.size
            exif = image.getexif()
    except (OSError, SyntaxError, ValueError):
        return Facts(0, 0)
    finally:
        content.seek(0)
    make = str(exif.get(0x010F, "") or "").strip()
    model = str(exif.get(0x0110, "") or "").strip()
    camera = model if model.lower().startswith(make.lower()) else f"{make} {model}".strip()
    return Facts(width, height, _clean(camera), _clean(str(exif.get(0x0131, "") or "")))


def _clean(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable())[:200]


def blurred(image: Image.Image, px: int) -> Image.Image:
    """Greyscale, a few pixels across, enlarged and blurred: the layout, no detail."""
    grey = ImageOps.exif_transpose(image).convert("L")
    grey.thumbnail((px, px), Image.Resampling.BOX)
    width, height = grey.size
    scale = BLUR_CELLS / max(width, height)
    cells = grey.resize((max(1, round(width * scale)), max(1, round(height * scale))),
                        Image.Resampling.BOX)
    enlarged = cells.resize((width, height), Image.Resampling.BILINEAR)
    return enlarged.filter(ImageFilter.GaussianBlur(radius=max(2, px // 40)))


def revealed(image: Image.Image, px: int, colour: bool) -> Image.Image:
    shown = ImageOps.exif_transpose(image)
    shown = shown.convert("RGB" if colour else "L")
    shown.thumbnail((px, px), Image.Resampling.LANCZOS)
    return shown


def jpeg(image: Image.Image, quality: int = 82) -> bytes:
    """Encoded without EXIF or any other metadata from the original."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=False)
    return buffer.getvalue()


def placeholder(message: str, px: int) -> bytes:
    """A plain grey PNG with the refusal written on it (an <img> shows it in place)."""
    from PIL import ImageDraw

    width, height = px, max(px * 3 // 4, 120)
    image = Image.new("L", (width, height), 200)
    draw = ImageDraw.Draw(image)
    words, lines, line = message.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > max(width // 7, 10):
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    for number, text in enumerate(lines[: height // 14]):
        draw.text((6, 6 + number * 14), text, fill=30)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


# ------------------------------------------------------------------- videos


def _open_video(content: IO[bytes]) -> Any:
    import av

    try:
        return av.open(cast(Any, content), mode="r")
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaRefused(f"The video cannot be opened: {exc}", 422) from None


def _frames(content: IO[bytes], times: list[float]) -> list[Image.Image]:
    """The first frame at or after each of `times` (seconds), decoding once, in order."""
    import av

    wanted = sorted(times)
    found: list[Image.Image] = []
    container = _open_video(content)
    try:
        if not container.streams.video:
            raise MediaRefused("The file holds no video stream.", 422)
        stream = container.streams.video[0]
        last = None
        for index, frame in enumerate(container.decode(stream)):
            seconds = float(frame.time) if frame.time is not None else index / 25.0
            last = frame
            while wanted and seconds >= wanted[0]:
                found.append(frame.to_image())
                wanted.pop(0)
            if not wanted or index >= MAX_DECODED_FRAMES:
                break
        if not found and last is not None:
            found.append(last.to_image())
    except av.FFmpegError as exc:
        if not found:
            raise MediaRefused(f"The video cannot be decoded: {exc}", 422) from None
    finally:
        container.close()
    if not found:
        raise MediaRefused("The video holds no frame that can be decoded.", 422)
    return found


def _duration(content: IO[bytes]) -> float:
    container = _open_video(content)
    try:
        if container.duration:
            return float(container.duration) / 1_000_000
        stream = container.streams.video[0] if container.streams.video else None
        if stream is not None and stream.duration and stream.time_base:
            return float(stream.duration * stream.time_base)
        return 0.0
    finally:
        container.close()
        content.seek(0)


def poster(content: IO[bytes]) -> Image.Image:
    """A frame a second in (or a tenth of the way through a shorter video)."""
    duration = _duration(content)
    at = min(1.0, duration / 10) if duration else 0.0
    return _frames(content, [at])[0]


def frame_sheet(content: IO[bytes], px: int) -> Image.Image:
    """Frames sampled evenly across the video, as one sheet (4 × 3), `px` wide at most."""
    columns, rows = FRAME_SHEET
    count = columns * rows
    duration = _duration(content)
    times = [duration * (n + 0.5) / count for n in range(count)] if duration else [0.0]
    frames = _frames(content, times)
    cell = max(px // columns, 40)
    sheet = Image.new("RGB", (cell * columns, cell * rows), (32, 32, 32))
    for number, frame in enumerate(frames[:count]):
        frame.thumbnail((cell - 4, cell - 4), Image.Resampling.LANCZOS)
        x = (number % columns) * cell + (cell - frame.width) // 2
        y = (number // columns) * cell + (cell - frame.height) // 2
        sheet.paste(frame.convert("RGB"), (x, y))
    return sheet
