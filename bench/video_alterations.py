"""Altered copies of known videos: recall of vPDQ alone and with region hashes (issue 17).

Known videos: `--known` benign videos (safeguard.demo.altered_videos): half of them
synthetic pictures, half scikit-image's sample photographs of objects and landscapes
(coffee, rocket, a cat, coins, bricks, ...; none of a person), each panned and zoomed by
a moving camera for 8 seconds at 320×240, 10 frames a second, H.264. For each, the
altered copies below are made, re-encoded with H.264, and matched against all the known
videos with `match_videos`: once with the frame hashes alone (vPDQ), once with the region
hashes beside them (video_signature(regions=True)). A copy is found when its own known
video is matched; a match to any other known video is a false match. `--unrelated` other
benign videos (other seeds, other photographs) are matched the same way: every match of
one is a false match.

    .venv/bin/python bench/video_alterations.py [--known 8] [--unrelated 24]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from safeguard.demo import altered_videos as alter
from safeguard.triage.media.video import VideoSignature, match_videos, video_signature

# scikit-image's shipped photographs with no person in them.
PHOTOS = ["coffee", "rocket", "chelsea", "coins", "brick", "gravel", "grass",
          "hubble_deep_field", "moon", "horse", "page", "immunohistochemistry", "retina",
          "logo", "clock", "colorwheel", "text"]

Frames = list[alter.Frame]
ALTERATIONS: dict[str, Callable[[Frames, Frames], Frames]] = {
    "re-encoded at 150 kbit/s": lambda f, _: f,
    "logo over 10 % (corner)": lambda f, _: alter.overlay(f, 0.10, "top-right"),
    "logo over 20 % (corner)": lambda f, _: alter.overlay(f, 0.20, "bottom-left"),
    "logo over 30 % (corner)": lambda f, _: alter.overlay(f, 0.30, "bottom-right"),
    "logo over 40 % (corner)": lambda f, _: alter.overlay(f, 0.40, "top-left"),
    "logo over 10 % (centre)": lambda f, _: alter.overlay(f, 0.10, "centre"),
    "logo over 20 % (centre)": lambda f, _: alter.overlay(f, 0.20, "centre"),
    "logo over 30 % (centre)": lambda f, _: alter.overlay(f, 0.30, "centre"),
    "crop to 90 %": lambda f, _: alter.crop(f, 0.90),
    "crop to 80 %": lambda f, _: alter.crop(f, 0.80),
    "crop to 70 %": lambda f, _: alter.crop(f, 0.70),
    "letterbox (bars 12 %)": lambda f, _: alter.bars(f, 0.12),
    "pillarbox (bars 15 %)": lambda f, _: alter.bars(f, 0.15, vertical=True),
    "white border 10 %": lambda f, _: alter.border(f, 0.10),
    "picture in picture 50 % (corner)": lambda f, b: alter.picture_in_picture(f, b, 0.5),
    "picture in picture 60 % (centre)":
        lambda f, b: alter.picture_in_picture(f, b, 0.6, (0.5, 0.5)),
    "speed × 2": lambda f, _: alter.speed(f, 2.0),
    "speed × 0.5": lambda f, _: alter.speed(f, 0.5),
    "logo 30 % + crop to 90 %": lambda f, _: alter.crop(alter.overlay(f, 0.3), 0.9),
}


def photo(name: str) -> Callable[[int], Image.Image]:
    from skimage import data

    array = getattr(data, name)()
    picture = Image.fromarray(array).convert("RGB")

    def scene(number: int) -> Image.Image:
        # Each scene a different part of the photograph, so that scenes differ.
        w, h = picture.size
        x0, y0 = (number % 2) * w // 4, (number // 2 % 2) * h // 4
        return picture.crop((x0, y0, x0 + w * 3 // 4, y0 + h * 3 // 4))

    return scene


def video(number: int) -> Frames:
    """Known and unrelated videos alike: even numbers synthetic, odd a photograph."""
    if number % 2 == 0:
        return alter.panning_video(1000 + number)
    return alter.panning_video(1000 + number, picture=photo(PHOTOS[number // 2 % len(PHOTOS)]))


def signature(path: Path, frames: Frames, **encoding: object) -> VideoSignature:
    alter.encode(path, frames, **encoding)  # type: ignore[arg-type]
    return video_signature(str(path), regions=True)


def without_regions(sig: VideoSignature) -> VideoSignature:
    return VideoSignature(sig.frames, sig.duration, sig.codec, sig.container, sig.width,
                          sig.height, sig.seconds_per_frame, sig.warnings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--known", type=int, default=8)
    parser.add_argument("--unrelated", type=int, default=24)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sg-bench-video-") as tmp:
        work = Path(tmp)
        originals = {n: video(n) for n in range(args.known)}
        known = {n: signature(work / f"known{n}.mp4", f) for n, f in originals.items()}
        plain = {n: without_regions(s) for n, s in known.items()}
        backgrounds = [alter.panning_video(5000 + n) for n in range(args.known)]
        rows = []
        false_copies = [0, 0]
        signing = [0.0, 0]
        for name, change in ALTERATIONS.items():
            found = [0, 0]
            for n, frames in originals.items():
                encoding = {"bit_rate": 150_000} if name.startswith("re-encoded") else {}
                t = time.perf_counter()
                query = signature(work / "copy.mp4", change(frames, backgrounds[n]), **encoding)
                signing[0] += time.perf_counter() - t
                signing[1] += 1
                for column, (q, index) in enumerate(((without_regions(query), plain),
                                                     (query, known))):
                    keys = [m.key for m in match_videos(q, index)]
                    found[column] += n in keys
                    false_copies[column] += sum(k != n for k in keys)
            rows.append((name, found[0] / len(originals), found[1] / len(originals)))
        false_unrelated = [0, 0]
        for number in range(args.unrelated):
            query = signature(work / "other.mp4", video(100 + number))
            for column, (q, index) in enumerate(((without_regions(query), plain),
                                                 (query, known))):
                false_unrelated[column] += bool(match_videos(q, index))
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {args.known} known "
          f"videos, {args.unrelated} unrelated; {time.perf_counter() - started:.0f} s")
    print("| alteration | vPDQ recall | vPDQ + regions recall |")
    print("| --- | ---: | ---: |")
    for name, plain_recall, region_recall in rows:
        print(f"| {name} | {plain_recall:.0%} | {region_recall:.0%} |")
    print(f"| false matches: altered copy → another known video | {false_copies[0]} | "
          f"{false_copies[1]} |")
    print(f"| false matches: unrelated videos matched (of {args.unrelated}) | "
          f"{false_unrelated[0]} | {false_unrelated[1]} |")
    print(f"\nsignature with regions: {signing[0] / max(signing[1], 1):.2f} s a copy "
          "(8 s, 320×240, H.264), decoding included")


if __name__ == "__main__":
    main()
