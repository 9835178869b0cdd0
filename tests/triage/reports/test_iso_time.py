"""iso_time, files.csv's and the VICS file's time text, against the plain way of writing it:
its cache of whole seconds and its own rounding of the microseconds must never show."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import example, given
from hypothesis import strategies as st

from safeguard.triage.reports import _common
from safeguard.triage.reports._common import iso_time


def _reference_time(value: float) -> str:
    """The plain way: what files.csv wrote before iso_time kept its seconds."""
    try:
        moment = datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return ""
    return moment.isoformat().replace("+00:00", "Z")

# datetime's years 1 to 9999, and beyond both ends (empty text), as file systems give them.
_TIMES = st.floats(min_value=-7e10, max_value=3e11, allow_nan=False)


@given(_TIMES)
@example(0.0)
@example(-0.0)
@example(-1.5)
@example(1733600000.0000005)  # half a microsecond: rounded to even
@example(1733600000.9999996)  # rounds up into the next second
@example(-0.9999996)
@example(253402300799.9999996)  # rounds past the last second of year 9999
@example(253402300800.0)
@example(-62135596800.0)  # the first second of year 1
@example(-62135596801.0)
@example(-30610224000.5)  # year 1000, where a four-digit year begins
def test_iso_time_writes_what_datetime_writes(value: float) -> None:
    assert iso_time(value) == _reference_time(value)
    assert iso_time(value) == _reference_time(value)  # from the cache, the second time


@given(st.sampled_from([float("nan"), float("inf"), float("-inf")]))
def test_no_time_for_what_is_no_number(value: float) -> None:
    assert iso_time(value) == _reference_time(value) == ""


def test_unknown_time_is_empty() -> None:
    assert iso_time(None) == ""


def test_the_cache_of_seconds_stays_bounded(monkeypatch) -> None:
    monkeypatch.setattr(_common, "_SECONDS", {})
    monkeypatch.setattr(_common, "_SECONDS_KEPT", 8)
    texts = [iso_time(1_000_000_000.25 + second) for second in range(20)]
    assert len(_common._SECONDS) <= 8
    assert texts == [_reference_time(1_000_000_000.25 + second) for second in range(20)]
