"""Whether a carved candidate decodes whole: nothing broken is counted.

Each check is the cheapest one that still reads every byte of the picture the way its
decoder would, and fails on damage rather than concealing it:
- JPEG: FFmpeg's decoder with every error fatal (err_detect=explode), at 1/8 scale:
  the Huffman decoding of every coefficient, which is where foreign data shows, is done
  in full; only the inverse DCT is skipped. (Pillow's libjpeg only warns of damage.)
- PNG: every chunk's CRC-32 matches (png_whole says why that is enough).
- WebP: FFmpeg's decoder, errors fatal; Pillow for an animated WebP, which FFmpeg's
  decoder does not read.
- GIF: FFmpeg's decoder, errors fatal, on its first picture (its blocks have been
  walked to the trailer when it was measured).
- BMP, HEIF: Pillow, truncated pictures refused.
- MP4, MOV, 3GP, AVI: FFmpeg demuxes every packet and decodes every frame, errors fatal.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib

from .signatures import AVI, GIF, ISO, JPEG, PNG, WEBP

_STRICT = "explode+crccheck+bitstream+buffer+careful"
# Bit depths allowed by PNG colour type.
_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}


def valid(kind: str, data: bytes) -> bool:
    """The item decodes whole."""
    if kind in (AVI, ISO) and not data[8:12].startswith((b"hei", b"mif1", b"avif")):
        return video_decodes(data)
    if kind == JPEG:
        return strict_decodes("mjpeg", data, lowres=True)
    if kind == PNG:
        return png_whole(data)
    if kind == WEBP and not _animated_webp(data):
        return strict_decodes("webp", data, skip_loop_filter="all")
    if kind == GIF:
        return strict_decodes("gif", data)
    return picture_decodes(data)


def strict_decodes(codec: str, data: bytes, *, lowres: bool = False, **options: str) -> bool:
    """FFmpeg's `codec` decodes `data` as one picture with every error fatal: wrong
    Huffman codes, a scan that ends early or runs over. `options` may skip work that
    only changes pixel values (VP8's loop filter), never parsing."""
    import av

    try:
        context = av.CodecContext.create(codec, "r")
        context.options = {"err_detect": _STRICT, **({"lowres": "3"} if lowres else {}),
                           **options}
        frames = context.decode(av.Packet(data))  # type: ignore[attr-defined]
        frames += context.decode(None)  # type: ignore[attr-defined]
    except Exception:  # FFmpeg's errors: damaged
        return False
    return bool(frames)


def strict_jpeg(data: bytes) -> bool:
    return strict_decodes("mjpeg", data, lowres=True)


def picture_decodes(data: bytes) -> bool:
    """Pillow decodes the picture whole (a truncated one is an error)."""
    from PIL import ImageFile

    from ..media.pdq import _open  # registers HEIF; the engine's one way to open pictures

    if ImageFile.LOAD_TRUNCATED_IMAGES:  # pragma: no cover - a library changed it
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = _open(data, "")
            image.load()
            return image.width > 0 and image.height > 0
    except Exception:  # any decoder failure means: not a whole picture
        return False


def png_whole(data: bytes) -> bool:
    """The PNG is byte for byte as its writer wrote it: a sane header (IHDR first), every
    chunk's CRC-32 right, image data that starts a zlib stream, and an IEND.

    This is PNG's own integrity check, and PhotoRec's: a chunk changed by overwriting
    passes with a chance of 2^-32. The image data is not inflated here (a third of the
    carving time of a disk of PNGs): the run decodes every carved picture anyway to
    hash it, and a picture its writer wrote broken is reported there."""
    if len(data) < 45 or data[12:16] != b"IHDR":
        return False
    width, height, depth, colour, _, _, interlace = struct.unpack_from(">IIBBBBB", data, 16)
    if width == 0 or height == 0 or depth not in _DEPTHS.get(colour, ()) or interlace > 1:
        return False
    pos = 8
    seen: set[bytes] = set()
    while pos + 12 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        end = pos + 12 + length
        if end > len(data):
            return False
        crc = int.from_bytes(data[end - 4:end])
        if zlib.crc32(memoryview(data)[pos + 4:end - 4]) != crc:
            return False
        if kind == b"IDAT" and b"IDAT" not in seen:
            cmf, flg = data[pos + 8:pos + 10] if length >= 2 else (0, 1)
            if cmf & 0x0F != 8 or (cmf << 8 | flg) % 31:
                return False
        seen.add(kind)
        if kind == b"IEND":
            return b"IDAT" in seen and (colour != 3 or b"PLTE" in seen)
        pos = end
    return False


def _animated_webp(data: bytes) -> bool:
    return data[12:16] == b"VP8X" and len(data) > 20 and bool(data[20] & 0x02)


def video_decodes(data: bytes) -> bool:
    """FFmpeg reads every packet of the first video stream and decodes every frame with
    errors fatal: a video whose index or data was partly overwritten is refused."""
    import av

    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.video:
                return False
            stream = container.streams.video[0]
            stream.codec_context.options = {"err_detect": _STRICT}
            stream.thread_type = "AUTO"
            frames = 0
            for packet in container.demux(stream):
                frames += sum(1 for _ in packet.decode())
            return frames > 0
    except Exception:  # FFmpeg's errors: not a whole video
        return False


__all__ = ["picture_decodes", "png_whole", "strict_decodes", "strict_jpeg",
           "valid", "video_decodes"]
