"""PerceptualOptions to and from JSON (the web platform stores them), the one default PDQ
distance, and video signatures parsed once a run."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from safeguard.triage import DEFAULT_DISTANCE, Address, FileType, PerceptualOptions, Record
from safeguard.triage.errors import UsageError
from safeguard.triage.hashsets.model import HashEntry
from safeguard.triage.matching import Matcher, match_run
from safeguard.triage.media import MATCH_DISTANCE, pdq, pdq_index, video
from safeguard.triage.perceptual import PerceptualSet


def test_the_default_distance_is_set_once() -> None:
    assert DEFAULT_DISTANCE == MATCH_DISTANCE == pdq.MATCH_DISTANCE == 31
    assert video.DEFAULT_FRAME_THRESHOLD == pdq_index.DEFAULT_MAX_DISTANCE == MATCH_DISTANCE
    assert PerceptualOptions().distance == MATCH_DISTANCE


@pytest.mark.parametrize("options", [PerceptualOptions(),
                                     PerceptualOptions(distance=0, dihedral=False,
                                                       video_fraction=0.5)])
def test_it_round_trips_through_json(options: PerceptualOptions) -> None:
    stored = options.to_json()
    assert set(stored) == {"distance", "dihedral", "video_fraction"}
    assert PerceptualOptions.from_json(stored) == options


def test_it_reads_what_the_web_platform_stored_before() -> None:
    old = {"perceptual": True, "pdq_distance": 20, "dihedral": False}
    assert PerceptualOptions.from_json(old) == PerceptualOptions(distance=20, dihedral=False)
    assert PerceptualOptions.from_json({}) == PerceptualOptions()
    # The web's own switch stored beside the engine's options is not the engine's to read.
    web = {"perceptual": True, **PerceptualOptions(distance=12).to_json()}
    assert PerceptualOptions.from_json(web) == PerceptualOptions(distance=12)


@pytest.mark.parametrize("data", [{"distance": -1}, {"distance": 257}, {"distance": "31"},
                                  {"distance": True}, {"video_fraction": 0},
                                  {"video_fraction": 1.5}, {"video_fraction": "all"}])
def test_it_refuses_values_out_of_range(data: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        PerceptualOptions.from_json(data)


def _signature(seed: int) -> video.VideoSignature:
    rng = np.random.default_rng(seed)
    frames = [video.VideoFrame(float(t), rng.integers(0, 256, 32, dtype=np.uint8).tobytes(), 100)
              for t in range(5)]
    return video.VideoSignature(frames=frames, duration=5.0, codec="h264", container="mp4",
                                width=64, height=48)


def _video(name: str, seed: int) -> Record:
    return Record(address=Address("EX1", f"/{name}.mp4"), size=10, file_type=FileType.VIDEO,
                  digests={"sha1": f"{seed:040x}"}, vpdq=_signature(seed).to_json())


def test_each_video_signature_is_parsed_once_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = video.VideoSignature.from_json

    def counting(text: str) -> video.VideoSignature:
        parsed.append(text)
        return real(text)

    # A known video (a set's signature, parsed when the set is opened) and three found:
    # one copy of it, two others, one of them twice.
    known = _signature(1)
    hashset = SimpleNamespace(info=SimpleNamespace(name="bad", kind="known-bad", digests=()),
                              entry=lambda row: HashEntry(category="A"))
    pset = PerceptualSet.__new__(PerceptualSet)
    pset.hashset, pset.index, pset.rows, pset.videos = hashset, None, np.zeros(0), {0: known}
    matcher = Matcher([], PerceptualOptions())
    matcher.perceptual_sets.append(pset)
    records = [_video("copy", 1), _video("other", 2), _video("other-again", 2),
               _video("third", 3)]
    monkeypatch.setattr(video.VideoSignature, "from_json", staticmethod(counting))
    out = list(match_run(lambda: iter(records), lambda: iter(records), matcher, print))
    assert len(parsed) == len(records)
    assert [(r.match.value, r.category) for r in out][:1] == [("perceptual", "A")]
    assert out[1].group == out[2].group != out[3].group != ""
