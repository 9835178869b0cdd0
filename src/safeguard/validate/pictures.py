"""Benign pictures for the reference data, and the reference implementation's PDQ of them.

Pictures are the synthetic scenes of safeguard.demo.media (gradients and shapes, nothing
that resembles a person), each determined by the seed, and — where scikit-image is
installed — a few of the photos it ships that show no person (a cup of coffee, a cat, a
rocket, coins, the Hubble deep field). Altered copies (smaller and recompressed, mirrored)
are what perceptual matching must find. Also: a PDF and a Windows thumbnail cache that
carry a picture inside them, which the engine is documented not to extract.
"""

from __future__ import annotations

import io
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from safeguard.demo.media import encode, synthetic_clip, synthetic_picture

# scikit-image's bundled photos without people (astronaut and camera show one: left out).
PHOTO_NAMES = ("coffee", "chelsea", "rocket", "coins", "hubble_deep_field")


def scene(seed: int, index: int, size: tuple[int, int] = (480, 360)) -> Image.Image:
    """The `index`th synthetic scene of the reference data for `seed`."""
    return synthetic_picture(seed * 10_000 + index, size)


def photos() -> dict[str, Image.Image]:
    """scikit-image's photos without people, as RGB pictures; empty when not installed."""
    try:
        from skimage import data
    except ImportError:
        return {}
    found = {}
    for name in PHOTO_NAMES:
        try:
            pixels = getattr(data, name)()
        except Exception:
            continue
        found[name] = Image.fromarray(np.asarray(pixels)).convert("RGB")
    return found


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    return encode(image, "JPEG", quality=quality)


def smaller(image: Image.Image) -> bytes:
    """Three quarters of the size, recompressed at quality 70: visually the same picture,
    not the same file."""
    w, h = image.size
    return encode(image.resize((w * 3 // 4, h * 3 // 4), Image.Resampling.BILINEAR),
                  "JPEG", quality=70)


def mirrored(image: Image.Image) -> bytes:
    return encode(ImageOps.mirror(image), "JPEG", quality=90)


def reference_pdq(data: bytes) -> tuple[str, int]:
    """(hex, quality) from Meta's implementation (pdqhash) on the full-resolution RGB
    decode: the reference the engine's reduced-size hash is held to."""
    import pdqhash

    with Image.open(io.BytesIO(data)) as picture:
        rgb = np.ascontiguousarray(picture.convert("RGB"))
    bits, quality = pdqhash.compute(rgb)
    return np.packbits(bits.astype(bool)).tobytes().hex(), int(quality)


def clip(seed: int, *, size: tuple[int, int] = (160, 120), bit_rate: int | None = None) -> bytes:
    """A two-second benign video (synthetic scenes, a square moving across)."""
    with tempfile.TemporaryDirectory(prefix="sg-validate-") as tmp:
        path = Path(tmp) / "clip.mp4"
        synthetic_clip(str(path), seed, seconds=2, size=size, fps=5, bit_rate=bit_rate)
        return path.read_bytes()


def pdf_with_picture(picture: bytes, size: tuple[int, int]) -> bytes:
    """A one-page PDF showing a JPEG (a DCTDecode image XObject): the picture's bytes are
    inside the PDF unchanged."""
    width, height = size
    content = f"q {width} 0 0 {height} 0 0 cm /Im1 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
        "/Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>".encode(),
        f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
        f"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode "
        f"/Length {len(picture)} >>\nstream\n".encode() + picture + b"\nendstream",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def thumbcache_with(picture: bytes) -> bytes:
    """A Windows 7 thumbnail cache (`thumbcache_256.db`, "CMMM" layout) holding one entry,
    the JPEG unchanged; checksums are left zero (no reader checks them here)."""
    identifier = "8a1f2c3d4e5b6a79".encode("utf-16-le")
    header_size = 4 + 4 + 8 + 4 + 4 + 4 + 4 + 8 + 8
    entry_size = header_size + len(identifier) + len(picture)
    entry = (b"CMMM" + struct.pack("<IQIIII", entry_size, zlib.crc32(picture),
                                   len(identifier), 0, len(picture), 0)
             + bytes(16) + identifier + picture)
    file_header = b"CMMM" + struct.pack("<IIIII", 0x15, 2, 24, 24 + len(entry), 1)
    return file_header + entry
