"""The retention schedule's settings: the shipped retention.toml, a force's own file, and
(for tests) a Django setting.

    schedule = retention_schedule()
    schedule.child.review_years               # 6
    schedule.intelligence_subject.years_for(2) # 10
    schedule.sightings.keep_years             # 10 (removed by month: retention/sightings.py)

Sources, later ones winning key by key (localconf.LocalConfig):

1. `retention.toml` beside this module (the defaults, with their sources, docs/retention.md);
2. the TOML file named by SAFEGUARD_RETENTION_CONFIG (a force's own schedule);
3. the Django setting RETENTION_OVERRIDES, a dict of the same keys: tests use it with
   override_settings. Not an environment setting.

A table ([child] ...) given by a later source replaces the earlier one whole, so each
table must carry all its keys: a missing key, an unknown key or a bad value stops
start-up with one line naming it (env.SettingError), rather than leaving a misspelt
period silently at its default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..env import SettingError
from ..localconf import LocalConfig

SHIPPED = Path(__file__).resolve().parent / "retention.toml"
CONFIG_VARIABLE = "SAFEGUARD_RETENTION_CONFIG"

# The conditions that put an intelligence subject in MoPI group 1 or 2 (kinds.py turns
# each into a query); anything else is refused, so a typo cannot drop a subject a group.
SUBJECT_CONDITIONS = ("investigation", "category_a", "linked_child", "known_files",
                      "previous_convictions", "adult_of_concern")
# Longer than anyone would keep a record between reviews: a typo such as 60 for 6 is
# refused rather than hiding records from review for a lifetime.
MOST_YEARS = 30


@dataclass(frozen=True)
class ChildSchedule:
    adult_age: int
    review_years: int


@dataclass(frozen=True)
class ConcernReportSchedule:
    review_years: int


@dataclass(frozen=True)
class SubjectSchedule:
    group1_review_years: int
    group2_review_years: int
    group3_review_years: int
    group1_when: tuple[str, ...]
    group2_when: tuple[str, ...]

    def years_for(self, group: int) -> int:
        return {1: self.group1_review_years, 2: self.group2_review_years,
                3: self.group3_review_years}[group]


@dataclass(frozen=True)
class SightingsSchedule:
    keep_years: int


@dataclass(frozen=True)
class Schedule:
    reason_min_length: int
    longest_retain_years: int
    child: ChildSchedule
    concern_report: ConcernReportSchedule
    intelligence_subject: SubjectSchedule
    sightings: SightingsSchedule


def _whole(data: dict[str, Any], key: str, name: str, low: int = 1,
           high: int = MOST_YEARS) -> int:
    if key not in data:
        raise SettingError(f"retention setting {name}: missing")
    value = data[key]
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise SettingError(
            f"retention setting {name}={value!r}: expected a whole number from {low} to {high}")
    return value


def _conditions(data: dict[str, Any], key: str, name: str) -> tuple[str, ...]:
    if key not in data:
        raise SettingError(f"retention setting {name}: missing")
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SettingError(f"retention setting {name}={value!r}: expected a list of names")
    unknown = [item for item in value if item not in SUBJECT_CONDITIONS]
    if unknown:
        raise SettingError(f"retention setting {name}: unknown condition(s) "
                           f"{', '.join(unknown)} (known: {', '.join(SUBJECT_CONDITIONS)})")
    return tuple(value)


def _table(data: dict[str, Any], name: str, keys: set[str]) -> dict[str, Any]:
    table = data.get(name)
    if not isinstance(table, dict):
        raise SettingError(f"retention setting [{name}]: missing or not a table")
    unknown = sorted(set(table) - keys)
    if unknown:
        raise SettingError(f"retention setting [{name}]: unknown key(s) "
                           f"{', '.join(f'{name}.{key}' for key in unknown)}")
    return table


KEYS = {"reason_min_length", "longest_retain_years", "child", "concern_report",
        "intelligence_subject", "sightings"}
CHILD_KEYS = {"adult_age", "review_years"}
REPORT_KEYS = {"review_years"}
SUBJECT_KEYS = {"group1_review_years", "group2_review_years", "group3_review_years",
                "group1_when", "group2_when"}
SIGHTINGS_KEYS = {"keep_years"}


def _build(data: dict[str, Any]) -> Schedule:
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise SettingError(f"retention settings: unknown key(s) {', '.join(unknown)}")
    child = _table(data, "child", CHILD_KEYS)
    report = _table(data, "concern_report", REPORT_KEYS)
    subject = _table(data, "intelligence_subject", SUBJECT_KEYS)
    sightings = _table(data, "sightings", SIGHTINGS_KEYS)
    group1 = _conditions(subject, "group1_when", "intelligence_subject.group1_when")
    group2 = _conditions(subject, "group2_when", "intelligence_subject.group2_when")
    return Schedule(
        reason_min_length=_whole(data, "reason_min_length", "reason_min_length", 1, 500),
        longest_retain_years=_whole(data, "longest_retain_years", "longest_retain_years"),
        child=ChildSchedule(
            adult_age=_whole(child, "adult_age", "child.adult_age", 1, 25),
            review_years=_whole(child, "review_years", "child.review_years"),
        ),
        concern_report=ConcernReportSchedule(
            review_years=_whole(report, "review_years", "concern_report.review_years"),
        ),
        intelligence_subject=SubjectSchedule(
            group1_review_years=_whole(subject, "group1_review_years",
                                       "intelligence_subject.group1_review_years"),
            group2_review_years=_whole(subject, "group2_review_years",
                                       "intelligence_subject.group2_review_years"),
            group3_review_years=_whole(subject, "group3_review_years",
                                       "intelligence_subject.group3_review_years"),
            group1_when=group1,
            group2_when=group2,
        ),
        sightings=SightingsSchedule(
            keep_years=_whole(sightings, "keep_years", "sightings.keep_years"),
        ),
    )


CONFIG = LocalConfig(SHIPPED, CONFIG_VARIABLE, "RETENTION_OVERRIDES", _build)


def retention_schedule() -> Schedule:
    """The schedule in force (cheap: built once per distinct set of overrides)."""
    return CONFIG.rules()
