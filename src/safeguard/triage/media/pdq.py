"""PDQ hashes of still images, decoded once and at reduced size.

    result = hash_image_bytes(data)                  # JPEG, PNG, GIF, BMP, WebP, TIFF, HEIC
    result.hash.hex, result.hash.quality             # Meta's 64 hex digits, 0-100
    if result.hash.usable: ...                       # quality >= QUALITY_MIN
    variants = dihedral(result)                      # 8 rotations/flips, no second decode

Why reduced size: decoding dominates. Meta's C++ hashes ~550 photos/s but decodes only
~30/s, and PDQ reduces every picture to 64×64 anyway, so most of a full decode's pixels
are averaged away.

- JPEG: libjpeg's DCT scaling (Pillow's draft mode) decodes at 1/2, 1/4 or 1/8 size, and
  straight to luma (the Y channel: JPEG's YCbCr uses PDQ's own luma weights), skipping
  the colour planes' inverse DCT, upsampling and colour conversion.
- Other formats cannot decode partially: decoded whole, converted to luma, box-reduced.
- Either way the short side stays >= DECODE_SIDE, the smallest size measured to keep
  >= 99 % of hashes within distance 10 of the reference (docs/perceptual.md).

The reference (pdqhash, Meta's C++) blurs the full picture with two box filters whose
width follows the picture's size, then samples 64×64 points. Given a reduced picture it
would size its filters for that picture, and the hash drifts (measured: 20 % of hashes
beyond distance 10). So the 64×64 buffer is computed here, as weights on the reduced
pixels that reproduce the reference's filters at full size: the exact reference when
nothing was reduced, a close approximation when each reduced pixel stands for a block.
The DCT, median threshold and quality then follow Meta's code step by step; tests check
the result bit for bit against pdqhash. numpy releases the GIL for the heavy steps, which
pdqhash's binding does not (~190 ms held per 12-megapixel picture).

Only the formats listed are parsed, each by its own Pillow plugin picked from the magic
bytes (never Image.open's trial of every plugin, some of which run external programs).
"""

from __future__ import annotations

import functools
import io
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from PIL import (
    BmpImagePlugin,
    GifImagePlugin,
    Image,
    ImageFile,
    JpegImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
)

from safeguard.triage.errors import MediaError
from safeguard.triage.filetypes import sniff
from safeguard.triage.media import MATCH_DISTANCE as MATCH_DISTANCE
from safeguard.triage.media import QUALITY_MIN

NAME = "pdq"
HASH_BYTES = 32
# Meta's rule: a hash of quality below QUALITY_MIN (a flat or nearly blank picture) is
# kept with the record but never matched; the caller decides, this module only reports it.
# MATCH_DISTANCE is the default match threshold; matching makes it a setting.
# Decode so that the shorter side is at least this many pixels, then box-reduce to less
# than twice it. Measured (bench/pdq_speed.py, docs/perceptual.md): at 128, 3 % of hashes
# land beyond distance 10 of the reference; at 192, 0-0.3 % (up to 16); at 256, none
# in 900 pictures (most within 2). A 4000×3000 photo still decodes at 1/8.
DECODE_SIDE = 256
# PDQ's grid and its DCT (pdqhashing.cpp): 64×64 samples, 16×16 coefficients that skip DC.
_GRID = 64
_DCT = np.array(
    [[math.sqrt(2 / 64) * math.cos(math.pi / 128 * (i + 1) * (2 * j + 1)) for j in range(64)]
     for i in range(16)],
    dtype=np.float32,
)  # fmt: skip

# Pillow plugins by MIME type (as filetypes.sniff names them).
_Opener = Callable[[io.BytesIO], ImageFile.ImageFile]
_PILLOW_OPENERS: dict[str, _Opener] = {
    "image/jpeg": JpegImagePlugin.JpegImageFile,
    "image/png": PngImagePlugin.PngImageFile,
    "image/gif": GifImagePlugin.GifImageFile,
    "image/bmp": BmpImagePlugin.BmpImageFile,
    "image/x-ms-bmp": BmpImagePlugin.BmpImageFile,
    "image/tiff": TiffImagePlugin.TiffImageFile,
}
_HEIF_MIMES = frozenset({"image/heif", "image/heic", "image/heif-sequence", "image/avif"})
_AVIF_BRANDS = (b"avif", b"avis")
_MIB = 1 << 20


class MediaNotSupported(MediaError):
    """The bytes are not a still-image format this module hashes."""


class Variant(NamedTuple):
    """The 8 dihedral variants, in Meta's order and naming (pdqhashing.cpp)."""

    original: PdqHash
    rotate90: PdqHash
    rotate180: PdqHash
    rotate270: PdqHash
    flip_x: PdqHash
    flip_y: PdqHash
    flip_plus1: PdqHash
    flip_minus1: PdqHash


@dataclass(frozen=True, slots=True)
class PdqHash:
    """A 256-bit PDQ hash and its quality.

    `digest` is the hash in Meta's bit order: `digest.hex()` is the 64-digit hex string
    Meta's tools and ThreatExchange print (most significant bit first).
    """

    digest: bytes
    quality: int

    def __post_init__(self) -> None:
        if len(self.digest) != HASH_BYTES:
            raise ValueError(f"a PDQ hash is {HASH_BYTES} bytes, not {len(self.digest)}")
        if not 0 <= self.quality <= 100:
            raise ValueError(f"PDQ quality is 0-100, not {self.quality}")

    @property
    def hex(self) -> str:
        return self.digest.hex()

    @property
    def usable(self) -> bool:
        """Quality high enough to match on (>= QUALITY_MIN)."""
        return self.quality >= QUALITY_MIN

    @classmethod
    def from_hex(cls, text: str, quality: int = 100) -> PdqHash:
        """Parse Meta's 64-hex-digit form (as hash sets carry it)."""
        cleaned = text.strip()
        if len(cleaned) != 2 * HASH_BYTES:
            raise ValueError(f"a PDQ hash is {2 * HASH_BYTES} hex digits, got {len(cleaned)}")
        try:
            digest = bytes.fromhex(cleaned)
        except ValueError:
            raise ValueError(f"not a hex PDQ hash: {cleaned[:70]!r}") from None
        return cls(digest, quality)

    def distance(self, other: PdqHash) -> int:
        """Hamming distance: bits that differ, 0-256."""
        a = int.from_bytes(self.digest, "big")
        return (a ^ int.from_bytes(other.digest, "big")).bit_count()


@dataclass(frozen=True, slots=True)
class PdqResult:
    """The hash of one picture, with the sizes involved.

    `size` is the picture's own size; `decoded` the size that was actually hashed, after
    reduced-size decoding and box reduction.
    """

    hash: PdqHash
    format: str
    size: tuple[int, int]
    decoded: tuple[int, int]
    # The 16×16 DCT coefficients the hash thresholds (Meta's row-major order), kept so
    # that the dihedral variants need no second decode.
    dct: NDArray[np.float32] = field(repr=False, compare=False)


def hash_image_bytes(data: bytes, mime: str | None = None) -> PdqResult:
    """The PDQ hash of an encoded picture (first frame or page of an animated one).

    `mime` is the type triage already sniffed from the magic bytes; without it the bytes
    are sniffed here. Raises MediaError (MediaNotSupported for another format) naming the
    reason when the bytes cannot be decoded: truncated, corrupt, too large.
    """
    if not data:
        raise MediaError("empty file: no picture to hash")
    if mime is None:
        mime = sniff(data[:512])[1]
    image = _open(data, mime)
    try:
        size = image.size
        luma, factor = _decode_luma(image, len(data))
    finally:
        image.close()
    return _hash_luma(luma, factor, size, image.format or _kind(mime))


def hash_image(image: Image.Image) -> PdqResult:
    """The PDQ hash of a picture already decoded (a video frame, a page of a document)."""
    size = image.size
    _check_pixels(size, "picture")
    luma, factor = _reduce_luma(image)
    return _hash_luma(luma, factor, size, image.format or "raw")


def dihedral(result: PdqResult) -> Variant:
    """The hashes of the picture rotated and flipped 8 ways, from the kept DCT.

    Mirroring a picture negates the DCT coefficients of odd frequency along the mirrored
    axis and rotating by 90° transposes them, so each variant is a sign pattern and
    perhaps a transpose of the same 16×16 block: what Meta's C++ computes, for free.
    """
    d = result.dct
    # Row i holds vertical frequency i+1 (PDQ drops the DC term), column j horizontal
    # frequency j+1: mirroring flips the sign of odd frequencies, i.e. even indices.
    odd = np.where(np.arange(16) % 2 == 0, np.float32(-1), np.float32(1))
    rows, cols = odd[:, None], odd[None, :]
    quality = result.hash.quality
    blocks = (
        d,
        (d * cols).T,
        d * rows * cols,
        (d * rows).T,
        d * rows,
        d * cols,
        d.T,
        (d * rows * cols).T,
    )
    return Variant(*(PdqHash(_threshold(b), quality) for b in blocks))


# --------------------------------------------------------------------------- decoding


def _open(data: bytes, mime: str) -> ImageFile.ImageFile:
    opener = _opener_for(data, mime)
    try:
        # Plugin classes directly, not Image.open: the format is already known, no other
        # plugin gets to parse evidence, and the size check below (ours) replaces Pillow's
        # bomb check, which would refuse a 200-megapixel JPEG that decodes at 1/8 size.
        return opener(io.BytesIO(data))
    except MemoryError:
        raise MediaError(f"{_kind(mime)}: not enough memory to open it") from None
    except Exception as exc:  # a decoder's failure on damaged input is of any type
        raise MediaError(f"{_kind(mime)} cannot be read: {_reason(exc)}") from exc


def _opener_for(data: bytes, mime: str) -> _Opener:
    opener = _PILLOW_OPENERS.get(mime)
    if opener is not None:
        return opener
    if mime == "image/webp":
        from PIL import WebPImagePlugin

        return WebPImagePlugin.WebPImageFile
    if mime in _HEIF_MIMES:
        if data[8:12] in _AVIF_BRANDS or mime == "image/avif":
            from PIL import AvifImagePlugin

            return AvifImagePlugin.AvifImageFile
        return _heif_opener()
    found = sniff(data[:512])[1]
    if found and found != mime:
        return _opener_for(data, found)  # the caller's type was wrong; the bytes decide
    raise MediaNotSupported(f"not a still-image format PDQ hashes ({mime or 'unknown type'})")


_heif_lock = threading.Lock()
_heif: list[_Opener] = []


def _heif_opener() -> _Opener:
    """pillow-heif's plugin class, imported on the first HEIF picture only (it loads
    libheif). Used directly: nothing is registered with Pillow globally."""
    with _heif_lock:
        if not _heif:
            try:
                import pillow_heif
            except ImportError:
                raise MediaNotSupported(
                    "HEIC/HEIF picture, but pillow-heif is not installed"
                ) from None
            _heif.append(pillow_heif.HeifImageFile)
        return _heif[0]


def _decode_luma(image: ImageFile.ImageFile, length: int) -> tuple[NDArray[np.uint8], int]:
    """Decode at reduced size to 8-bit luma; also the factor each side was reduced by."""
    kind = _kind(image.format)
    # Hand the decoder the whole file at once, not in 64 KiB pieces: it releases the GIL
    # for each piece, and on a busy pipeline every return to Python can wait for the GIL.
    image.decodermaxblock = max(ImageFile.MAXBLOCK, length)
    factor = 1
    if isinstance(image, JpegImagePlugin.JpegImageFile):
        # 1/2, 1/4 or 1/8 size with the short side still >= DECODE_SIDE, and luma straight
        # from YCbCr (grey stays grey; CMYK is converted below).
        width = image.size[0]
        drafted = image.draft("L", (DECODE_SIDE, DECODE_SIDE))
        if drafted is not None:  # its box is the full picture in reduced pixels
            factor = round(width / drafted[1][2])
    _check_pixels(image.size, kind)
    try:
        image.load()
        luma, more = _reduce_luma(image)
    except MemoryError:
        raise MediaError(f"{kind}: not enough memory to decode it") from None
    except Exception as exc:  # any decoder error means damaged or unsupported content
        raise MediaError(f"{kind} cannot be decoded: {_reason(exc)}") from exc
    return luma, factor * more


def _check_pixels(size: tuple[int, int], kind: str) -> None:
    """Refuse what would be decoded at more than Pillow's MAX_IMAGE_PIXELS (a setting),
    before any memory is allocated for it: a few bytes can declare gigapixels."""
    limit = Image.MAX_IMAGE_PIXELS
    pixels = size[0] * size[1]
    if limit is not None and pixels > limit:
        raise MediaError(
            f"{kind} of {size[0]}×{size[1]} pixels refused as a possible decompression bomb: "
            f"{pixels:,} pixels to decode exceeds the limit of {limit:,} "
            "(PIL.Image.MAX_IMAGE_PIXELS)"
        )
    if size[0] < 1 or size[1] < 1:
        raise MediaError(f"{kind} has no pixels ({size[0]}×{size[1]})")


def _reduce_luma(image: Image.Image) -> tuple[NDArray[np.uint8], int]:
    """8-bit luma, box-reduced by a whole factor that keeps the short side >= DECODE_SIDE
    (Image.reduce averages each factor×factor block: the model the weights assume)."""
    luma = _to_luma_image(image)
    factor = min(luma.size) // DECODE_SIDE
    if factor >= 2:
        luma = luma.reduce(factor)
    return np.asarray(luma), max(1, factor)


def _to_luma_image(image: Image.Image) -> Image.Image:
    """8-bit luma with PDQ's weights (Pillow's L is 0.299 R + 0.587 G + 0.114 B).

    Alpha is dropped, not composited, as the reference (a plain RGB conversion) does.
    Deeper than 8 bits is scaled down (65535 -> 255), not clipped as Pillow's L would.
    """
    mode = image.mode
    if mode == "L":
        return image
    if mode.startswith("I;16") or mode == "I":
        wide = np.asarray(image).astype(np.float32)
        if mode == "I" and float(wide.max(initial=0)) <= 255:
            return Image.fromarray(np.clip(wide, 0, 255).astype(np.uint8))
        return Image.fromarray(np.clip(wide / 257 + 0.5, 0, 255).astype(np.uint8))
    if mode == "F":
        floats = np.asarray(image)
        scale = 255.0 if float(floats.max(initial=0)) <= 1.0 else 1.0
        return Image.fromarray(np.clip(floats * scale + 0.5, 0, 255).astype(np.uint8))
    if mode in ("LAB", "HSV"):
        image = image.convert("RGB")
    return image.convert("L")


# --------------------------------------------------------------------------- hashing


def _hash_luma(luma: NDArray[np.uint8], factor: int, size: tuple[int, int], fmt: str) -> PdqResult:
    """PDQ of `luma`, a picture of `size` reduced by `factor` (each pixel a block's mean)."""
    rows, cols = luma.shape
    down = _weights(size[1], rows, factor)
    across = _weights(size[0], cols, factor)
    # The reference's 64×64 buffer: both box-filter passes and the sampling, as weights
    # applied down, then across. Sample i draws on a band of ~2·rows/64 rows only, so
    # each band is gathered and weighted (~2 multiply-adds a pixel, not 64 as a dense
    # product would). einsum, not BLAS: OpenBLAS would start threads of its own that spin
    # against the pipeline's workers (measured 13× slower on a busy 2-core machine).
    pixels = luma.astype(np.float32)
    partial = np.einsum("ib,ibj->ij", down.weights, pixels[down.rows])
    grid = np.einsum("ijb,jb->ij", partial[:, across.rows], across.weights)
    dct = _DCT @ grid @ _DCT.T
    quality = _quality(grid)
    return PdqResult(PdqHash(_threshold(dct), quality), fmt, size, (cols, rows), dct)


class _Weights(NamedTuple):
    """Sample i of an axis is sum(weights[i, b] * pixel[rows[i, b]]) over b: its band."""

    rows: NDArray[np.intp]  # (64, band width)
    weights: NDArray[np.float32]  # (64, band width); 0 past a shorter band's end


@functools.lru_cache(maxsize=256)
def _weights(full: int, reduced: int, factor: int) -> _Weights:
    """The weights giving the reference's 64 filtered samples along one axis.

    The reference (pdqhashing.cpp) runs a box filter of width w = ceil(full/128) twice
    (downscaling.cpp's box1DFloat: output k is the mean of inputs k-(w-h) .. k+h-1 with
    h = (w+2)//2, clipped to the picture, the mean taken over what remains), then keeps
    sample floor((i+0.5)·full/64) for i in 0..63. Each sample is thus a fixed weighting
    of the full-size pixels. A reduced pixel m is the mean of full pixels m·factor ..
    m·factor+factor-1, so its weight is the sum of theirs: exact when factor is 1,
    otherwise it assumes the pixels of a block equal their mean.
    Photos come in few sizes, so the weights are cached per size.
    """
    window = (full + 2 * _GRID - 1) // (2 * _GRID)
    half = (window + 2) // 2
    k = np.arange(full)
    low = np.maximum(0, k - (window - half))
    high = np.minimum(full - 1, k + half - 1)
    samples = ((np.arange(_GRID) + 0.5) * full / _GRID).astype(np.int64)
    # Second pass at each sample: the mean of first-pass outputs low[s]..high[s]; each of
    # those is the mean of inputs low[k]..high[k]. Build the sum of those boxes as
    # steps (+c at the start, -c past the end) and integrate.
    steps = np.zeros((_GRID, full + 1), dtype=np.float64)
    for i, s in enumerate(samples):
        ks = np.arange(low[s], high[s] + 1)
        share = 1.0 / (len(ks) * (high[ks] - low[ks] + 1))
        np.add.at(steps[i], low[ks], share)
        np.add.at(steps[i], high[ks] + 1, -share)
    full_weights = np.cumsum(steps[:, :full], axis=1)
    # Sample i draws on inputs low[low[s]] .. high[high[s]]: its band. Outside it the
    # integration leaves rounding residue, not zeros; clear it so the band is exact.
    first = low[low[samples]]
    last = high[high[samples]]
    full_weights[(k < first[:, None]) | (k > last[:, None])] = 0.0
    if factor == 1 and reduced == full:
        weights = full_weights
    else:
        blocks = np.minimum(reduced - 1, k // factor)
        weights = np.zeros((_GRID, reduced), dtype=np.float64)
        for i in range(_GRID):
            weights[i] = np.bincount(blocks, weights=full_weights[i], minlength=reduced)
        first = np.minimum(reduced - 1, first // factor)
        last = np.minimum(reduced - 1, last // factor)
    width = int((last - first).max()) + 1
    offsets = np.arange(width)
    rows = np.minimum(first[:, None] + offsets, reduced - 1)
    banded = np.take_along_axis(weights, rows, axis=1)
    banded[first[:, None] + offsets > last[:, None]] = 0.0  # a shorter band's tail
    rows.flags.writeable = False
    packed = banded.astype(np.float32)
    packed.flags.writeable = False
    return _Weights(rows, packed)


def _quality(grid: NDArray[np.float32]) -> int:
    """Meta's image-domain quality: the sum of |gradient|·100/255, truncated per pair
    as the C++ casts to int, over 90, capped at 100. Flat pictures score low."""
    down = np.trunc((grid[:-1, :] - grid[1:, :]) * np.float32(100) / np.float32(255))
    across = np.trunc((grid[:, :-1] - grid[:, 1:]) * np.float32(100) / np.float32(255))
    total = int(np.abs(down).astype(np.int64).sum() + np.abs(across).astype(np.int64).sum())
    return min(100, total // 90)


def _threshold(dct: NDArray[np.float32]) -> bytes:
    """Bits of the hash: coefficient above the median (Meta's Torben median is the
    128th smallest of 256). Bit k = row*16+column; the digest is bit 255 first."""
    flat = dct.reshape(256)
    median = np.partition(flat, 127)[127]
    bits = flat[::-1] > median
    return np.packbits(bits).tobytes()


def _kind(fmt: str | None) -> str:
    names = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF",
             "image/bmp": "BMP", "image/tiff": "TIFF", "image/webp": "WebP",
             "image/heif": "HEIF"}  # fmt: skip
    if not fmt:
        return "picture"
    return f"{names.get(fmt, fmt)} picture"


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, SyntaxError | OSError) and "truncated" in text:
        return f"truncated ({text})"
    return text
