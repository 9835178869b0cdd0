"""Safety flags that never depend on who looks, and what other agencies hold.

An absent flag reads as reassurance, so a child's flags are computed from every record
on the platform about the child (every record of the child: `duplicates.same_child`),
whichever agency holds them and whatever the viewer's shares: police and the council
each holding two unshared missing episodes both see "repeat missing". The flags say
what, never the content (no episode, no summary, no name); they are shown only on pages
that open the child, that is to agencies already working with the child.

`held_elsewhere` says what the viewer cannot open, by agency, in counts and kinds only
("2 more missing episodes and a High screening are held by Staffordshire Police"), so
that the viewer knows to ask (an access request, views/one_child.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Model

from ..accounts.models import Agency, User
from ..core import formats
from ..core.clock import now, today
from ..core.policy import access_level
from .conf import local_rules
from .models import (
    LOOKED_AFTER,
    Child,
    Concern,
    ConcernStatus,
    ConferenceOutcome,
    HarmKind,
    LegalStatus,
    MissingEpisode,
    NoticeChild,
    NoticeStatus,
    Referral,
    RiskAssessment,
    RiskGrade,
    WarningNotice,
)
from .rules import is_repeat_missing

EXPLOITATION = (HarmKind.CSE, HarmKind.CRIMINAL_EXPLOITATION, HarmKind.TRAFFICKING)


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class Flags:
    grade: str | None          # RiskGrade value of the latest screening, any agency's
    grade_label: str
    grade_on: str              # the day of that screening, "" when never screened
    raised: tuple[Flag, ...]   # the flags that are on, in a fixed order

    @property
    def codes(self) -> set[str]:
        return {flag.code for flag in self.raised}


def child_flags(child: Child, pks: list[int]) -> Flags:
    """The flags of the child whose records are `pks` (same_child), from all records."""
    latest = (RiskAssessment.objects.filter(child_id__in=pks)
              .order_by("-completed_on", "-pk").first())
    raised: list[Flag] = []
    rules = local_rules()
    moment = now()
    recent = list(MissingEpisode.objects.filter(
        child_id__in=pks, reported_at__gt=moment - timedelta(days=rules.repeat_missing_days),
        reported_at__lte=moment).values_list("reported_at", flat=True))
    if is_repeat_missing(recent, moment, rules.repeat_missing_episodes,
                         rules.repeat_missing_days):
        raised.append(Flag("repeat_missing", "Repeat missing",
                           f"{len(recent)} episodes in the last {rules.repeat_missing_days} "
                           "days"))
    day = today()
    if NoticeChild.objects.filter(child_id__in=pks, notice__status=NoticeStatus.ACTIVE,
                                  protection_ends__gt=day).exists():
        raised.append(Flag("warning_notice", "Active child abduction warning notice"))
    statuses = set(Child.objects.filter(pk__in=pks).values_list("legal_status", flat=True))
    if LegalStatus.CHILD_PROTECTION_PLAN in statuses or Referral.objects.filter(
            child_id__in=pks, icpc_outcome=ConferenceOutcome.PLAN).exists():
        raised.append(Flag("cp_plan", "Child protection plan"))
    if statuses & set(LOOKED_AFTER):
        raised.append(Flag("looked_after", "Looked after"))
    open_kinds = sorted(set(Concern.objects.filter(
        child_id__in=pks, status=ConcernStatus.OPEN, kind__in=EXPLOITATION)
        .values_list("kind", flat=True)))
    if open_kinds:
        raised.append(Flag("exploitation", "Open exploitation concern", ", ".join(
            str(HarmKind(kind).label) for kind in open_kinds)))
    grade = latest.grade if latest is not None else None
    return Flags(
        grade=grade,
        grade_label=str(RiskGrade(grade).label) if grade else "Not screened",
        grade_on=formats.day(latest.completed_on) if latest is not None else "",
        raised=tuple(raised))


# What other agencies hold ---------------------------------------------------------


@dataclass
class Held:
    agency: Agency
    counts: Counter[str] = field(default_factory=Counter)
    grades: list[str] = field(default_factory=list)  # of its screenings, latest first
    sentence: str = ""


# kind: (singular, plural)
KINDS = {
    "child": ("a child record", "child records"),
    "screening": ("screening", "screenings"),
    "episode": ("missing episode", "missing episodes"),
    "concern": ("harm concern", "harm concerns"),
    "referral": ("referral", "referrals"),
    "notice": ("warning notice", "warning notices"),
}


def can_open(user: User, obj: Model, readable_children: set[int]) -> bool:
    """The viewer may open the record: its own access (policy) and, for a record about a
    child, that child's (need_to_know.open_child_part)."""
    child_id = getattr(obj, "child_id", None)
    if child_id is not None and child_id not in readable_children:
        return False
    return access_level(user, obj) is not None  # type: ignore[arg-type]


def records_of(pks: list[int]) -> list[tuple[str, Model]]:
    """Every record about the child (kind, record): its child records and what hangs off
    them, whoever holds them."""
    found: list[tuple[str, Model]] = [("child", c) for c in Child.objects.filter(pk__in=pks)
                                      .select_related("owning_agency")]
    for kind, model in (("screening", RiskAssessment), ("episode", MissingEpisode),
                        ("concern", Concern), ("referral", Referral)):
        found += [(kind, obj) for obj in model.objects.filter(  # type: ignore[attr-defined]
            child_id__in=pks).select_related("owning_agency")]
    found += [("notice", notice) for notice in WarningNotice.objects.filter(
        links__child_id__in=pks).select_related("owning_agency").distinct()]
    return found


def readable_children(user: User, pks: list[int]) -> set[int]:
    return {c.pk for c in Child.objects.filter(pk__in=pks) if access_level(user, c)}


def held_elsewhere(user: User, pks: list[int]) -> list[Held]:
    """What other agencies hold about the child that `user` cannot open: counts and
    kinds per agency, the grade of a screening only (as the flags show it anyway)."""
    readable = readable_children(user, pks)
    seen: Counter[str] = Counter()
    held: dict[int, Held] = {}
    for kind, obj in sorted(records_of(pks), key=_latest_first):
        if can_open(user, obj, readable):
            seen[kind] += 1
            continue
        agency = obj.owning_agency  # type: ignore[attr-defined]
        entry = held.setdefault(agency.pk, Held(agency))
        entry.counts[kind] += 1
        if kind == "screening":
            entry.grades.append(str(RiskGrade(obj.grade).label))  # type: ignore[attr-defined]
    result = sorted(held.values(), key=lambda h: h.agency.name)
    for entry in result:
        entry.sentence = _sentence(entry, seen)
    return result


def _latest_first(item: tuple[str, Model]) -> tuple[int, str]:
    kind, obj = item
    return (-(obj.pk or 0), kind)


def _sentence(entry: Held, seen: Counter[str]) -> str:
    parts = []
    for kind, (one, many) in KINDS.items():
        n = entry.counts.get(kind, 0)
        if not n:
            continue
        more = "more " if seen.get(kind) else ""
        if kind == "child":
            parts.append(one if n == 1 else f"{n} {many}")
        elif kind == "screening":
            grade = entry.grades[0]
            parts.append(f"{_article(more + grade)} {more}{grade} screening" if n == 1
                         else f"{n} {more}{many} (the latest {grade})")
        else:
            parts.append(f"{_article(more + one)} {more}{one}" if n == 1
                         else f"{n} {more}{many}")
    total = sum(entry.counts.values())
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    verb = "is" if total == 1 else "are"
    text = f"{listed} {verb} held by {entry.agency.name}"
    return text[0].upper() + text[1:] + "."


def _article(words: str) -> str:
    return "an" if words[:1].lower() in "aeiou" else "a"
