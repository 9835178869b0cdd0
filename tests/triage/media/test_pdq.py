"""PDQ for still images: close to Meta's reference, robust where PDQ is, loud on bad media.

Every picture here is benign: photos shipped inside scikit-image and scikit-learn, read
from the packages' own folders (no download), or drawn by the test.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pdqhash
import pytest
from PIL import Image, features

from safeguard.triage.errors import MediaError
from safeguard.triage.media import pdq
from safeguard.triage.media.pdq import (
    MATCH_DISTANCE,
    QUALITY_MIN,
    MediaNotSupported,
    PdqHash,
    dihedral,
    hash_image,
    hash_image_bytes,
)

# Natural photos and scans. Left out: motorcycle_right (the stereo twin of
# motorcycle_left), flat graphics, and people-focused arrays.
SKIMAGE = (
    "astronaut.png", "brick.png", "camera.png", "cell.png", "chelsea.png",
    "clock_motion.png", "coffee.png", "coins.png", "grass.png", "gravel.png",
    "hubble_deep_field.jpg", "ihc.png", "moon.png", "motorcycle_left.png", "page.png",
    "retina.jpg", "rocket.jpg", "text.png",
)  # fmt: skip
SKLEARN = ("china.jpg", "flower.jpg")
# Repetitive textures and text: their PDQ (the reference's too) is carried by
# detail near the 64×64 sampling grid, so resizing, mirroring and cropping move it far.
TEXTURES = {"brick", "grass", "gravel", "page", "text"}


@functools.cache
def photos() -> dict[str, Image.Image]:
    import skimage
    import sklearn.datasets

    found = {}
    for folder, names in (
        (Path(skimage.__file__).parent / "data", SKIMAGE),
        (Path(sklearn.datasets.__file__).parent / "images", SKLEARN),
    ):
        for name in names:
            with Image.open(folder / name) as im:
                found[Path(name).stem] = im.convert("RGB")
    return found


def natural() -> dict[str, Image.Image]:
    """Photos PDQ is meant for: not flat (quality >= 50), not a repetitive texture."""
    return {
        name: im
        for name, im in photos().items()
        if name not in TEXTURES and reference(im).quality >= QUALITY_MIN
    }


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def noisy(image: Image.Image, sigma: float, seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    pixels = np.asarray(image, dtype=np.float32)
    pixels = pixels + rng.normal(0, sigma, pixels.shape).astype(np.float32)
    return Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8))


def reference(image: Image.Image) -> PdqHash:
    """Meta's C++ (pdqhash) on the full-resolution RGB picture."""
    bits, quality = pdqhash.compute(np.ascontiguousarray(image.convert("RGB")))
    return PdqHash(np.packbits(bits.astype(bool)).tobytes(), int(quality))


def reference_of(data: bytes) -> PdqHash:
    if data[4:12] == b"ftypheic":
        import pillow_heif

        return reference(pillow_heif.HeifImageFile(io.BytesIO(data)))
    with Image.open(io.BytesIO(data)) as im:
        return reference(im)


def png_hash(image: Image.Image) -> PdqHash:
    return hash_image_bytes(encode(image, "PNG", compress_level=1)).hash


@functools.cache
def original(name: str) -> pdq.PdqResult:
    return hash_image(photos()[name])


# --------------------------------------------------------------------------- reference


@pytest.mark.parametrize("name", [*SKIMAGE, *SKLEARN])
def test_it_is_within_10_of_the_reference_on_package_photos(name: str) -> None:
    image = photos()[Path(name).stem]
    # As shipped (PNG or JPEG), as a JPEG, and as a camera-sized JPEG decoded at 1/4 or
    # 1/8: each against pdqhash on that file's full decode.
    scale = 2400 / max(image.size)
    big = noisy(
        image.resize(
            (round(image.width * scale), round(image.height * scale)), Image.Resampling.BICUBIC
        ),
        3.0,
        seed=len(name),
    )
    for data in (
        encode(image, "PNG"),
        encode(image, "JPEG", quality=90),
        encode(big, "JPEG", quality=90),
    ):
        ours, ref = hash_image_bytes(data), reference_of(data)
        if ref.quality >= 80:
            assert ours.hash.distance(ref) <= 10, (name, ours.decoded, ours.size)
            assert abs(ours.hash.quality - ref.quality) <= 5


def test_it_decodes_large_jpegs_at_reduced_size() -> None:
    image = photos()["coffee"].resize((4000, 3000), Image.Resampling.BILINEAR)
    result = hash_image_bytes(encode(noisy(image, 3.0, seed=1), "JPEG", quality=90))
    assert result.size == (4000, 3000)
    assert result.decoded == (500, 375)  # 1/8, the short side still >= DECODE_SIDE
    assert min(result.decoded) >= pdq.DECODE_SIDE


def test_it_is_the_reference_bit_for_bit_when_nothing_is_reduced() -> None:
    side = 2 * pdq.DECODE_SIDE - 1  # the largest short side that is not reduced
    for name, image in photos().items():
        grey = image.convert("L").crop((0, 0, min(image.width, 700), min(image.height, side)))
        ours = hash_image_bytes(encode(grey, "PNG", compress_level=1))
        assert ours.decoded == ours.size
        assert ours.hash == reference(grey), name
        variants, _ = pdqhash.compute_dihedral(np.ascontiguousarray(grey.convert("RGB")))
        expected = [np.packbits(v.astype(bool)).tobytes() for v in variants]
        assert [v.digest for v in dihedral(ours)] == expected, name


def test_it_hashes_an_already_decoded_picture() -> None:
    image = photos()["rocket"]
    assert hash_image(image).hash == png_hash(image)


# --------------------------------------------------------------------------- robustness


def resize_half(image: Image.Image) -> Image.Image:
    return image.resize((image.width // 2, image.height // 2), Image.Resampling.BILINEAR)


def recompress(quality: int) -> Callable[[Image.Image], Image.Image]:
    def apply(image: Image.Image) -> Image.Image:
        return Image.open(io.BytesIO(encode(image, "JPEG", quality=quality)))

    return apply


def crop_each_side(share: float) -> Callable[[Image.Image], Image.Image]:
    def apply(image: Image.Image) -> Image.Image:
        dx, dy = round(image.width * share), round(image.height * share)
        return image.crop((dx, dy, image.width - dx, image.height - dy))

    return apply


@pytest.mark.parametrize(
    "transform",
    [recompress(50), recompress(75), resize_half, crop_each_side(0.01)],
    ids=["jpeg50", "jpeg75", "resize0.5", "crop1%a-side"],
)
def test_it_matches_transformed_copies(transform: Callable[[Image.Image], Image.Image]) -> None:
    # The crop is 1 % a side (4 % of the area): at 1.27 % a side (5 % of the area) three
    # of these photos already land at 32-34 with the reference too (docs/perceptual.md).
    for name, image in natural().items():
        copy = hash_image(transform(image)).hash
        assert original(name).hash.distance(copy) <= MATCH_DISTANCE, name


def test_it_matches_mirrored_and_rotated_copies_through_the_dihedral_variants() -> None:
    transposes = (
        Image.Transpose.FLIP_LEFT_RIGHT,
        Image.Transpose.FLIP_TOP_BOTTOM,
        Image.Transpose.ROTATE_90,
        Image.Transpose.ROTATE_180,
    )
    for name, image in natural().items():
        variants = dihedral(original(name))
        for transpose in transposes:
            copy = hash_image(image.transpose(transpose)).hash
            assert min(v.distance(copy) for v in variants) <= MATCH_DISTANCE, (name, transpose)
        # Plain PDQ does not see the mirror: the variants are what catch it.
        mirrored = hash_image(image.transpose(transposes[0])).hash
        assert variants.original.distance(mirrored) > 80


def test_a_5_percent_crop_per_side_moves_pdq_as_far_as_it_moves_the_reference() -> None:
    # PDQ is not crop-robust: cutting 5 % off each side moves the reference hash past 31
    # for these photos (docs/perceptual.md). Ours must follow the reference, not do better
    # or worse by accident of the reduced decode.
    crop = crop_each_side(0.05)
    for name, image in natural().items():
        cropped = crop(image)
        assert hash_image(cropped).hash.distance(reference(cropped)) <= 10, name


def test_distinct_photos_do_not_match() -> None:
    hashes = {name: original(name) for name in photos()}
    names = sorted(hashes)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert hashes[a].hash.distance(hashes[b].hash) > MATCH_DISTANCE, (a, b)
            closest = min(v.distance(hashes[b].hash) for v in dihedral(hashes[a]))
            assert closest > MATCH_DISTANCE, (a, b)


# --------------------------------------------------------------------------- formats


def heic(image: Image.Image) -> bytes:
    import pillow_heif

    buf = io.BytesIO()
    pillow_heif.from_pillow(image).save(buf, quality=90)
    return buf.getvalue()


def gif_two_frames(image: Image.Image) -> bytes:
    second = image.transpose(Image.Transpose.ROTATE_180)
    buf = io.BytesIO()
    image.save(buf, "GIF", save_all=True, append_images=[second], duration=100)
    return buf.getvalue()


FORMATS: dict[str, Callable[[Image.Image], bytes]] = {
    "jpeg": lambda im: encode(im, "JPEG", quality=90),
    "jpeg-progressive": lambda im: encode(im, "JPEG", quality=90, progressive=True),
    "png": lambda im: encode(im, "PNG"),
    "gif": gif_two_frames,
    "bmp": lambda im: encode(im, "BMP"),
    "webp": lambda im: encode(im, "WEBP", quality=90),
    "tiff": lambda im: encode(im, "TIFF"),
    "tiff-multipage": lambda im: encode(
        im, "TIFF", save_all=True, append_images=[im.transpose(Image.Transpose.ROTATE_90)]
    ),
    "heic": heic,
}


def heic_encoder() -> bool:
    import pillow_heif

    return bool(pillow_heif.libheif_info().get("HEIF"))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_it_hashes_every_still_format(fmt: str) -> None:
    if fmt == "heic" and not heic_encoder():
        pytest.skip("this libheif build has no HEVC encoder to make a HEIC with")
    image = photos()["chelsea"]
    data = FORMATS[fmt](image)
    result = hash_image_bytes(data)
    assert result.size == image.size
    # Against the reference on the same file (first frame or page of a multi-image one).
    assert result.hash.distance(reference_of(data)) <= 10
    # And the same picture as the PNG, up to the format's own loss (GIF: 256 colours).
    assert result.hash.distance(png_hash(image)) <= (24 if fmt == "gif" else 12)


@pytest.mark.skipif(not features.check("avif"), reason="Pillow built without AVIF")
def test_it_hashes_avif() -> None:
    image = photos()["coffee"]
    result = hash_image_bytes(encode(image, "AVIF", quality=90))
    assert result.hash.distance(png_hash(image)) <= 12


def test_the_mime_type_given_is_used_and_the_bytes_sniffed_without_one() -> None:
    data = encode(photos()["coffee"], "WEBP", quality=90)
    assert hash_image_bytes(data, "image/webp").hash == hash_image_bytes(data).hash
    with pytest.raises(MediaError, match="JPEG picture cannot be read"):
        hash_image_bytes(data, "image/jpeg")


# --------------------------------------------------------------------------- modes


def sixteen_bit(image: Image.Image) -> tuple[Image.Image, Image.Image]:
    """A 16-bit greyscale picture and its 8-bit equivalent (value / 257, rounded)."""
    wide = np.asarray(image.convert("L"), dtype=np.uint16) * 257
    wide = wide + np.random.default_rng(0).integers(0, 100, wide.shape).astype(np.uint16)
    narrow = np.clip(wide / 257 + 0.5, 0, 255).astype(np.uint8)
    return Image.fromarray(wide), Image.fromarray(narrow)


def with_alpha(image: Image.Image, mode: str) -> Image.Image:
    out = image.convert(mode)
    alpha = Image.linear_gradient("L").resize(image.size)
    out.putalpha(alpha)
    return out


MODES: dict[str, Callable[[Image.Image], tuple[Image.Image, str]]] = {
    "L": lambda im: (im.convert("L"), "PNG"),
    "1": lambda im: (im.convert("1"), "PNG"),
    "P": lambda im: (im.convert("P", palette=Image.Palette.ADAPTIVE), "PNG"),
    "P-transparent": lambda im: (im.convert("P", palette=Image.Palette.ADAPTIVE), "GIF"),
    "RGBA": lambda im: (with_alpha(im, "RGB"), "PNG"),
    "LA": lambda im: (with_alpha(im, "L"), "PNG"),
    "CMYK": lambda im: (im.convert("CMYK"), "JPEG"),
    "L-jpeg": lambda im: (im.convert("L"), "JPEG"),
}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_it_hashes_every_pixel_mode_as_the_reference_does(mode: str) -> None:
    converted, fmt = MODES[mode](photos()["astronaut"])
    options: dict[str, object] = {"transparency": 0} if mode == "P-transparent" else {}
    data = encode(converted, fmt, **options)
    assert hash_image_bytes(data).hash.distance(reference_of(data)) <= 10


def test_16_bit_pictures_are_scaled_not_clipped() -> None:
    wide, narrow = sixteen_bit(photos()["camera"].crop((0, 0, 400, 300)))  # not reduced
    for fmt in ("PNG", "TIFF"):
        data = encode(wide, fmt)
        with Image.open(io.BytesIO(data)) as opened:
            assert opened.mode.startswith("I;16")
        assert hash_image_bytes(data).hash == reference(narrow)


def test_a_flat_picture_has_low_quality_and_is_not_usable() -> None:
    flat = hash_image_bytes(encode(Image.new("RGB", (300, 200), (90, 120, 40)), "PNG"))
    assert flat.hash.quality < QUALITY_MIN
    assert not flat.hash.usable
    assert png_hash(photos()["coffee"]).usable


# --------------------------------------------------------------------------- bad media


def png_declaring(width: int, height: int) -> bytes:
    """A PNG header claiming a huge picture, with a few bytes of data: a bomb's shape."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


def test_a_truncated_jpeg_is_a_media_error_that_says_so() -> None:
    data = encode(photos()["coffee"], "JPEG", quality=90)
    with pytest.raises(MediaError, match="truncated"):
        hash_image_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (np.random.default_rng(5).bytes(5000), "not a still-image format"),
        (b"\xff\xd8\xff" + np.random.default_rng(6).bytes(5000), "JPEG picture cannot be"),
        (b"PK\x03\x04" + bytes(100), "not a still-image format"),
        (png_declaring(100_000, 100_000), "decompression bomb"),
    ],
    ids=["zero-bytes", "random", "jpeg-magic-then-garbage", "zip", "bomb"],
)
def test_bad_media_raise_a_media_error_naming_the_reason(data: bytes, message: str) -> None:
    with pytest.raises(MediaError, match=message):
        hash_image_bytes(data)


def test_random_bytes_are_not_this_module_s_format() -> None:
    with pytest.raises(MediaNotSupported):
        hash_image_bytes(np.random.default_rng(7).bytes(1000))


def test_the_bomb_limit_is_pillows_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    data = encode(photos()["coffee"], "PNG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)
    message = r"600×400 pixels .* 240,000 pixels .* limit of 100,000 \(PIL"
    with pytest.raises(MediaError, match=message):
        hash_image_bytes(data)
    # A JPEG is judged by what it decodes to: 1/8 size fits where full size would not.
    big = encode(photos()["coffee"].resize((1600, 1200)), "JPEG", quality=85)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    decoded = hash_image_bytes(big).decoded
    assert decoded[0] * decoded[1] <= 1_000_000 < 1600 * 1200


# --------------------------------------------------------------------------- the hash type


def test_a_hash_round_trips_through_meta_s_hex_form() -> None:
    result = png_hash(photos()["coffee"])
    assert len(result.hex) == 64
    assert PdqHash.from_hex(result.hex, result.quality) == result
    assert PdqHash.from_hex(result.hex.upper() + "\n", 80).distance(result) == 0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: PdqHash(bytes(31), 100), "32 bytes"),
        (lambda: PdqHash(bytes(32), 101), "0-100"),
        (lambda: PdqHash.from_hex("ab" * 31), "64 hex digits"),
        (lambda: PdqHash.from_hex("zz" * 32), "not a hex PDQ hash"),
    ],
)
def test_malformed_hashes_are_refused(make: Callable[[], PdqHash], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_distance_counts_differing_bits() -> None:
    zero = PdqHash(bytes(32), 100)
    assert zero.distance(PdqHash(b"\xff" * 32, 100)) == 256
    assert zero.distance(PdqHash(b"\x01" + bytes(30) + b"\x80", 100)) == 2


def test_threads_get_the_same_hashes_as_one_thread() -> None:
    datas = [encode(im, "JPEG", quality=90) for im in photos().values()]
    alone = [hash_image_bytes(d).hash for d in datas]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda d: hash_image_bytes(d).hash, datas)) == alone
