"""Screening tools as data: the score, thresholds by the child's age, and age rules.

A tool file (screening_tools/*.toml) of format 1 has weighted indicators and one set of
thresholds. Format 2 adds what format 1 could not say (domain review 2026-12, §2 and §4):

- **rules**: for a child of an age range with any of some indicators, a minimum grade and
  a required action, with the guidance it comes from. The one every tool needs: a child
  under 13 with any indicator of sexual activity is at risk of significant harm and is
  always escalated (London Child Protection Procedures PG42 §2.1; Sexual Offences Act 2003
  ss5-8: a child under 13 cannot consent), whatever the score;
- **bands**: thresholds by age at screening (a partnership may grade younger children at
  lower scores).

Format 1 files still load: no rules, one band. No Django import; models and forms ask
`screen()`, and the tests pin it at the age boundaries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .rules import GRADE_ORDER, Grade, grade_for_score

FORMATS = (1, 2)

# Facts already recorded on the platform that can suggest an indicator (an indicator's
# `suggested_by` in a tool file names them; suggestions.py finds them for a child).
FACTS = {
    "placement-residential": "placed in residential care (a children's home)",
    "placement-bnb-hostel": "placed in B&B or hostel accommodation",
    "missing-recent": "missing episodes reported recently",
    "repeat-missing": "repeat missing under the local rule",
    "found-with-adult": "found with someone when missing",
    "adult-of-concern-linked": "an adult of concern linked to the child",
    "notice-breach": "a warning notice breach involving the child",
    "concern-report-place": "a business concern report (hotel, taxi, takeaway) naming the child",
    "cse-concern-places": "an exploitation concern naming places",
    "criminal-exploitation-concern": "an open criminal exploitation concern",
    "harm-concern": "a harm concern recorded (any of the seven kinds)",
}


class ToolError(ValueError):
    """A tool file that cannot be used: the message names the part."""


def _rank(grade: Grade) -> int:
    return GRADE_ORDER.index(grade)


def higher(a: Grade, b: Grade) -> Grade:
    return a if _rank(a) >= _rank(b) else b


def below(grade: Grade | str, minimum: Grade | str) -> bool:
    return _rank(Grade(grade)) < _rank(Grade(minimum))


@dataclass(frozen=True)
class AgeRange:
    """[age_from, age_under): either end open. Ages are whole years on the day screened."""

    age_from: int | None = None
    age_under: int | None = None

    def covers(self, age: int) -> bool:
        return (self.age_from is None or age >= self.age_from) and (
            self.age_under is None or age < self.age_under)

    def describe(self) -> str:
        if self.age_from is None and self.age_under is None:
            return "any age"
        if self.age_from is None:
            return f"under {self.age_under}"
        if self.age_under is None:
            return f"{self.age_from} or over"
        return f"{self.age_from} to {self.age_under - 1}"


@dataclass(frozen=True)
class Thresholds:
    low_from: int
    medium_from: int
    high_from: int

    def grade(self, score: int) -> Grade:
        return grade_for_score(score, self.low_from, self.medium_from, self.high_from)


@dataclass(frozen=True)
class Band:
    ages: AgeRange
    thresholds: Thresholds


@dataclass(frozen=True)
class Rule:
    code: str
    text: str
    ages: AgeRange
    any_of: frozenset[str]
    minimum_grade: Grade
    action: str
    source: str

    def applies(self, age: int, chosen: Iterable[str]) -> bool:
        return self.ages.covers(age) and not self.any_of.isdisjoint(chosen)

    def as_record(self) -> dict[str, str]:
        """What an assessment keeps of the rule (the tool version keeps the rest)."""
        return {"code": self.code, "text": self.text, "minimum_grade": self.minimum_grade.value,
                "action": self.action, "source": self.source}


@dataclass(frozen=True)
class Screening:
    age: int
    score: int
    score_grade: Grade       # from the thresholds alone
    grade: Grade             # the calculated grade: the score's, raised by any rule
    rules: tuple[Rule, ...]  # the rules that applied

    @property
    def minimum(self) -> Grade | None:
        """The lowest grade an override may set (None: no rule applied)."""
        if not self.rules:
            return None
        grade = self.rules[0].minimum_grade
        for rule in self.rules[1:]:
            grade = higher(grade, rule.minimum_grade)
        return grade

    @property
    def required_action(self) -> str:
        return "\n".join(dict.fromkeys(rule.action for rule in self.rules))


@dataclass(frozen=True)
class ToolSpec:
    weights: Mapping[str, int]
    default: Thresholds
    bands: tuple[Band, ...] = ()
    rules: tuple[Rule, ...] = ()

    def thresholds_for(self, age: int) -> Thresholds:
        for band in self.bands:
            if band.ages.covers(age):
                return band.thresholds
        return self.default

    def screen(self, age: int, chosen: Iterable[str]) -> Screening:
        codes = set(chosen)
        unknown = codes - set(self.weights)
        if unknown:
            raise ToolError(f"indicators not in this tool: {', '.join(sorted(unknown))}")
        score = sum(self.weights[code] for code in codes)
        by_score = self.thresholds_for(age).grade(score)
        applied = tuple(rule for rule in self.rules if rule.applies(age, codes))
        grade = by_score
        for rule in applied:
            grade = higher(grade, rule.minimum_grade)
        return Screening(age, score, by_score, grade, applied)


# Reading a tool file's parts --------------------------------------------------------


def _int(item: Mapping[str, Any], key: str, where: str, required: bool = True) -> int | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ToolError(f"{where}: {key} must be a whole number >= 0 (found {value!r})")
    return value


def _ages(item: Mapping[str, Any], where: str) -> AgeRange:
    ages = AgeRange(_int(item, "age_from", where, False), _int(item, "age_under", where, False))
    if ages.age_from is not None and ages.age_under is not None and (
            ages.age_under <= ages.age_from):
        raise ToolError(f"{where}: age_under must be above age_from")
    return ages


def thresholds(item: Mapping[str, Any], where: str) -> Thresholds:
    found = Thresholds(*(_int(item, key, where) or 0
                         for key in ("low_from", "medium_from", "high_from")))
    try:
        found.grade(0)
    except ValueError as exc:
        raise ToolError(f"{where}: {exc}") from None
    return found


def parse_bands(items: Iterable[Mapping[str, Any]]) -> tuple[Band, ...]:
    bands = tuple(Band(_ages(item, f"band {n}"), thresholds(item, f"band {n}"))
                  for n, item in enumerate(items, 1))
    # Overlapping bands would make the grade depend on their order in the file.
    for n, band in enumerate(bands):
        for other in bands[n + 1:]:
            if _overlap(band.ages, other.ages):
                raise ToolError(f"bands for {band.ages.describe()} and "
                                f"{other.ages.describe()} overlap")
    return bands


def _overlap(a: AgeRange, b: AgeRange) -> bool:
    low = max(a.age_from or 0, b.age_from or 0)
    high = min(a.age_under if a.age_under is not None else 10**6,
               b.age_under if b.age_under is not None else 10**6)
    return low < high


def parse_rules(items: Iterable[Mapping[str, Any]], codes: Iterable[str]) -> tuple[Rule, ...]:
    known = set(codes)
    rules = []
    for n, item in enumerate(items, 1):
        where = f"rule {item.get('code', n)!s}"
        any_of = item.get("any_of")
        if not isinstance(any_of, list) or not any_of:
            raise ToolError(f"{where}: any_of must list at least one indicator code")
        missing = sorted({str(c) for c in any_of} - known)
        if missing:
            raise ToolError(f"{where}: any_of names codes the tool lacks: {', '.join(missing)}")
        try:
            minimum = Grade(str(item.get("minimum_grade")))
        except ValueError:
            raise ToolError(f"{where}: minimum_grade must be one of "
                            f"{', '.join(g.value for g in GRADE_ORDER)}") from None
        for key in ("code", "text", "action", "source"):
            if not str(item.get(key, "")).strip():
                # A rule that changes a child's grade says what it asks for and why.
                raise ToolError(f"{where}: {key} is required")
        rules.append(Rule(str(item["code"]), str(item["text"]).strip(), _ages(item, where),
                          frozenset(str(c) for c in any_of), minimum,
                          str(item["action"]).strip(), str(item["source"]).strip()))
    if len({r.code for r in rules}) != len(rules):
        raise ToolError("rule codes repeat")
    return tuple(rules)
