"""Benign images for the perceptual-hash benchmarks, built only from photos that ship
inside installed packages (scikit-image's `skimage/data`, scikit-learn's sample images)
and from synthetic scenes drawn here. Nothing is downloaded.

The photos are read straight from the packages' folders, not through `skimage.data`'s
fetchers, so that no call can reach for the network.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter

# Natural photos and scans bundled with the packages. Left out: motorcycle_right (the
# stereo twin of motorcycle_left, a near-duplicate), horse/logo/phantom/chessboards
# (flat graphics), microaneurysms (102 px), and the people-focused GIF and face arrays.
SKIMAGE_PHOTOS = (
    "astronaut.png", "brick.png", "camera.png", "cell.png", "chelsea.png",
    "clock_motion.png", "coffee.png", "coins.png", "grass.png", "gravel.png",
    "hubble_deep_field.jpg", "ihc.png", "moon.png", "motorcycle_left.png", "page.png",
    "retina.jpg", "rocket.jpg", "text.png",
)  # fmt: skip
SKLEARN_PHOTOS = ("china.jpg", "flower.jpg")

Rgb = NDArray[np.uint8]


@dataclass(frozen=True)
class Photo:
    name: str
    pixels: Rgb  # (H, W, 3) uint8


@functools.cache
def photos() -> list[Photo]:
    """Every bundled photo as RGB, greyscale scans repeated over three channels."""
    import skimage
    import sklearn.datasets

    folders = (
        (Path(skimage.__file__).parent / "data", SKIMAGE_PHOTOS),
        (Path(sklearn.datasets.__file__).parent / "images", SKLEARN_PHOTOS),
    )
    found = []
    for folder, names in folders:
        for name in names:
            with Image.open(folder / name) as im:
                found.append(Photo(Path(name).stem, np.asarray(im.convert("RGB"))))
    return found


def encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def add_noise(pixels: Rgb, sigma: float, rng: np.random.Generator) -> Rgb:
    """Sensor-like noise: an upscaled package photo is smoother than a camera's."""
    noisy = pixels.astype(np.float32) + rng.normal(0.0, sigma, pixels.shape).astype(np.float32)
    return np.clip(noisy + 0.5, 0, 255).astype(np.uint8)


def camera_jpeg(
    photo: Photo, rng: np.random.Generator, size: tuple[int, int] = (4000, 3000), quality: int = 90
) -> bytes:
    """A 12-megapixel JPEG from a package photo: a random crop upscaled, noise, q=90."""
    h, w = photo.pixels.shape[:2]
    cw = int(w * rng.uniform(0.6, 1.0))
    ch = min(h, int(cw * size[1] / size[0]))
    x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    crop = Image.fromarray(photo.pixels[y : y + ch, x : x + cw])
    if rng.random() < 0.5:
        crop = crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    big = np.asarray(crop.resize(size, Image.Resampling.BICUBIC))
    noisy = add_noise(big, float(rng.uniform(2.0, 6.0)), rng)
    return encode(Image.fromarray(noisy), "JPEG", quality=quality)


def tiles(photo: Photo, rng: np.random.Generator, cell: int = 96) -> Iterator[tuple[str, Rgb]]:
    """Non-overlapping crops of one photo at several scales.

    The photo is cut into a grid of `cell`-px squares; each square is used once, alone or
    merged with neighbours into a 2×2 or 3×3 block, so no two crops share a pixel: a crop
    at one scale is never a resized copy of a crop at another.
    """
    h, w = photo.pixels.shape[:2]
    rows, cols = h // cell, w // cell
    used = np.zeros((rows, cols), dtype=bool)
    for r in range(rows):
        for c in range(cols):
            if used[r, c]:
                continue
            span = 1
            for size, chance in ((3, 0.15), (2, 0.3)):
                block = used[r : r + size, c : c + size]
                if (
                    r + size <= rows
                    and c + size <= cols
                    and not block.any()
                    and rng.random() < chance
                ):
                    span = size
                    break
            used[r : r + span, c : c + span] = True
            px = photo.pixels[r * cell : (r + span) * cell, c * cell : (c + span) * cell]
            yield f"{photo.name}-r{r}c{c}x{span}", px


def busy_enough(pixels: Rgb) -> bool:
    """Drop flat crops (black sky, blank page margins): they are not distinct pictures,
    just the same near-constant field, and PDQ rates them low quality anyway."""
    luma = pixels.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    return float(luma.std()) >= 12.0


def fractal_noise(rng: np.random.Generator, size: int) -> NDArray[np.float32]:
    """Value noise summed over octaves (amplitude ∝ scale): cloud, bark or rock texture."""
    total = np.zeros((size, size), np.float32)
    for cells in (3, 6, 12, 24, 48, 96):
        coarse = rng.normal(0.0, 1.0, (cells, cells)).astype(np.float32)
        layer = Image.fromarray(coarse, "F").resize((size, size), Image.Resampling.BICUBIC)
        total += np.asarray(layer) / cells
    return total / float(total.std() + 1e-6)


def synthetic_scene(rng: np.random.Generator, size: int = 384) -> Rgb:
    """A random scene: gradient sky, textured ground, shapes, a sinusoid, blur and noise."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    base = np.zeros((size, size, 3), np.float32)
    texture = fractal_noise(rng, size)
    tint = rng.uniform(10, 45, 3).astype(np.float32)
    for ch in range(3):
        a, b, c = rng.uniform(-1, 1, 3)
        base[..., ch] = 128 + 80 * (a * xx + b * yy + c * xx * yy) + tint[ch] * texture
    freq = rng.uniform(2, 12, 2)
    phase = rng.uniform(0, 2 * math.pi)
    base += (rng.uniform(0, 25) * np.sin(2 * math.pi * (freq[0] * xx + freq[1] * yy) + phase))[
        ..., None
    ]
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    horizon = int(rng.uniform(0.3, 0.8) * size)
    ground = tuple(int(v) for v in rng.integers(0, 256, 3))
    draw.polygon(
        [(0, horizon), (size, horizon + int(rng.integers(-60, 60))), (size, size), (0, size)],
        fill=ground,
    )
    ground_texture = (
        np.asarray(image, np.float32)
        + (rng.uniform(10, 40) * fractal_noise(rng, size))[..., None]
        * (yy >= horizon / size)[..., None]
    )
    image = Image.fromarray(np.clip(ground_texture, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(4, 14))):
        x0, y0 = (int(v) for v in rng.integers(-size // 4, size, 2))
        x1, y1 = x0 + int(rng.integers(20, size // 2)), y0 + int(rng.integers(20, size // 2))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        shape = rng.integers(0, 3)
        if shape == 0:
            draw.ellipse([x0, y0, x1, y1], fill=colour)
        elif shape == 1:
            draw.rectangle([x0, y0, x1, y1], fill=colour)
        else:
            draw.line([x0, y0, x1, y1], fill=colour, width=int(rng.integers(3, 20)))
    image = image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.0, 1.5))))
    return add_noise(np.asarray(image), float(rng.uniform(1.0, 6.0)), rng)


def mixed_picture(sources: list[Photo], index: int) -> tuple[str, bytes]:
    """Picture `index` of the reference-distance corpus: every size from 256 to 6,000 px
    (log-uniform long side), in the formats and JPEG settings met on seized devices; a
    random crop of a package photo, upscaled with sensor-like noise. Deterministic."""
    photo = sources[index % len(sources)]
    rng = np.random.default_rng(10_000 + index)
    h, w = photo.pixels.shape[:2]
    scale = rng.uniform(0.5, 1.0)
    cw, ch = max(16, int(w * scale)), max(16, int(h * scale))
    x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    crop = Image.fromarray(photo.pixels[y : y + ch, x : x + cw])
    long_side = math.exp(rng.uniform(math.log(256), math.log(6000)))
    factor = long_side / max(cw, ch)
    size = (max(1, round(cw * factor)), max(1, round(ch * factor)))
    resized = np.asarray(crop.resize(size, Image.Resampling.BICUBIC))
    image = Image.fromarray(add_noise(resized, float(rng.uniform(0.5, 5.0)), rng))
    label = f"{photo.name} {{}} {size[0]}x{size[1]}"
    kind = (index // len(sources)) % 8
    if kind == 6:
        return label.format("png"), encode(image, "PNG", compress_level=1)
    if kind == 7:
        return label.format("webp"), encode(image, "WEBP", quality=90)
    quality = int(rng.choice([75, 80, 85, 90, 95]))
    options = {"subsampling": int(rng.choice([0, 1, 2])), "progressive": rng.random() < 0.25}
    return label.format("jpeg"), encode(image, "JPEG", quality=quality, **options)
