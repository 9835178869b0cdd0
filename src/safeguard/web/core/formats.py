"""One way to write dates, times, sizes and durations on every page, report and message.

    day(date(2026, 12, 7))                       # "7 Dec 2026"
    day(date(2026, 12, 7), weekday=True)         # "Monday 7 Dec 2026" (deadlines)
    moment(aware_datetime)                       # "7 Dec 2026 02:14" (UK local time)
    size(335_872)                                # "328.0 KB"
    duration(194)                                # "3 min 14 s"

Templates use the same functions as filters (core/templatetags/formats.py, loaded in
every template): {{ x|day }}, {{ x|moment }}, {{ x|moment:"weekday" }}, {{ n|size }},
{{ s|duration }}. None gives "" so that `|default:"—"` still works. Date inputs
(Y-m-d) and file names keep ISO dates: they are read by machines, not people.
"""

from __future__ import annotations

from datetime import date, datetime

from django.template.defaultfilters import filesizeformat
from django.utils import dateformat, timezone

DAY = "j M Y"
TIME = "H:i"


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def day(value: date | datetime | None, weekday: bool = False, year: bool = True) -> str:
    """A date as people in the UK write it: "7 Dec 2026" ("Monday 7 Dec 2026")."""
    if value is None or value == "":
        return ""
    shown = _local(value)
    pattern = ("l " if weekday else "") + (DAY if year else "j M")
    return dateformat.format(shown, pattern)


def moment(value: datetime | None, weekday: bool = False, seconds: bool = False) -> str:
    """A date and a time of day, local: "7 Dec 2026 02:14"."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        return day(value, weekday=weekday)
    shown = _local(value)
    pattern = ("l " if weekday else "") + DAY + " " + TIME + (":s" if seconds else "")
    return dateformat.format(shown, pattern)


def size(nbytes: int | float | None) -> str:
    """A number of bytes: "328.0 KB", "1.2 MB" (1 KB = 1024 bytes, as Django writes)."""
    if nbytes is None:
        return ""
    return str(filesizeformat(nbytes)).replace("\xa0", " ")


def duration(seconds: float | None) -> str:
    """A length of time, to the second: "under a second", "42 s", "3 min 14 s", "2 h 5 min"."""
    if seconds is None:
        return ""
    if seconds < 1:
        return "under a second"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"
