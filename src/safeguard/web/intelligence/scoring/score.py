"""The priority score: transparent, configurable, the same in SQL and in Python.

Each factor gives `weight x min(value, cap) / cap` points (local.toml, [score]):

| factor | value |
| --- | --- |
| category_a | distinct files in a category counted as A (`category_a`) |
| volume | distinct files in a known-bad set |
| distribution | offers (sightings) and shares (referral files sent on) of known material |
| new_material | distinct files in no hash set: possibly new abuse |
| access_to_children | 1: children at the subject's address, a child on the register, or |
|                    | an adult of concern with one |
| previous_convictions | recorded by an analyst |
| band | the time-to-action band of the latest assessment: immediate 2, days 1, weeks 0 |
| recency | not a cap: the fraction of the step the last sighting falls in (1 day, 7, 30) |

The ranked queue orders by `score_expression()` inside the database (one query however
many subjects); a profile shows `explain()`, computed in Python from the same columns; a
test checks that the two agree for every subject. The weights are illustrative local
configuration, not a validated tool, and every page that shows a score says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Least

from ...core.clock import now as clock_now
from ..conf import FactorSpec, IntelRules, intel_rules
from ..models import BAND_RANK, ScoreClock, Subject

FIELDS = {
    "category_a": "category_a_files",
    "volume": "known_files",
    "distribution": "distributions",
    "new_material": "unknown_files",
    "access_to_children": "access_value",
    "previous_convictions": "previous_convictions",
}
NOTE = ("The weights are illustrative local configuration (docs/intelligence.md), not a "
        "validated tool: they order the work, they do not decide it.")


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    value: float
    points: float
    weight: float
    explanation: str

    @property
    def share(self) -> int:
        """Percentage of the factor's weight given (for the bar)."""
        return round(100 * self.points / self.weight) if self.weight else 0


@dataclass(frozen=True)
class Explanation:
    total: float
    parts: tuple[Part, ...]

    @property
    def leading(self) -> list[Part]:
        return sorted((p for p in self.parts if p.points > 0), key=lambda p: -p.points)[:3]


def access_expression() -> Any:
    from ...safeguarding.models import LinkedPerson

    adult_has_children = Exists(LinkedPerson.objects.filter(adult_id=OuterRef(
        "adult_of_concern_id")))
    # CASE tries its branches in order: the register is asked only for the few subjects
    # linked to an adult of concern.
    return Case(When(household_children__gt=0, then=Value(1)),
                When(child__isnull=False, then=Value(1)),
                When(adult_of_concern__isnull=True, then=Value(0)),
                When(adult_has_children, then=Value(1)),
                default=Value(0), output_field=models.IntegerField())


def band_expression() -> Any:
    return Case(*(When(band=band, then=Value(rank)) for band, rank in BAND_RANK.items()
                  if rank), default=Value(0), output_field=models.IntegerField())


def _float(value: float) -> Any:
    # Typed, so that the database computes in floating point (a bare 5.0 is NUMERIC on
    # PostgreSQL, whose arithmetic is several times slower).
    return Cast(Value(value), models.FloatField())


def _capped(spec: FactorSpec, column: Any) -> Any:
    return Least(Cast(column, models.FloatField()), _float(float(spec.cap)),
                 output_field=models.FloatField()) * _float(spec.weight / spec.cap)


def _recency(spec: FactorSpec, rules: IntelRules, now: datetime) -> Any:
    whens = [When(last_seen_at__gte=now - timedelta(days=step.days),
                  then=_float(spec.weight * step.fraction)) for step in rules.recency_steps]
    if not whens:
        return _float(0.0)
    return Case(*whens, default=_float(0.0), output_field=models.FloatField())


def score_expression(now: datetime, rules: IntelRules | None = None) -> Any:
    rules = rules or intel_rules()
    total: Any = None
    for spec in rules.factors:
        if spec.key == "recency":
            term = _recency(spec, rules, now)
        elif spec.key == "access_to_children":
            term = _capped(spec, access_expression())
        elif spec.key == "band":
            term = _capped(spec, band_expression())
        else:
            term = _capped(spec, F(FIELDS[spec.key]))
        total = term if total is None else total + term
    return models.ExpressionWrapper(total, output_field=models.FloatField())


def with_scores(queryset: models.QuerySet[Any], now: datetime) -> models.QuerySet[Any]:
    """Subjects annotated with `access_value` and `live_score`, the score computed now
    (the stored `score` may be up to a minute behind the clock: rescore_due)."""
    return queryset.annotate(access_value=access_expression()).annotate(
        live_score=score_expression(now))


def _recency_part(spec: FactorSpec, rules: IntelRules, last: datetime | None,
                  now: datetime) -> Part:
    if last is None:
        return Part(spec.key, spec.label, 0, 0.0, spec.weight, "never seen")
    age = now - last
    for step in rules.recency_steps:
        if last >= now - timedelta(days=step.days):
            return Part(spec.key, spec.label, age.total_seconds(), spec.weight * step.fraction,
                        spec.weight, f"last seen {_age(age)} ago: within {step.days} "
                        f"day{'s' if step.days != 1 else ''} ({step.fraction:.0%} of the "
                        "weight)")
    return Part(spec.key, spec.label, age.total_seconds(), 0.0, spec.weight,
                f"last seen {_age(age)} ago")


def _age(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    if hours < 1:
        return f"{max(int(age.total_seconds() // 60), 0)} minutes"
    if hours < 48:
        return f"{int(hours)} hours"
    return f"{int(hours // 24)} days"


_WORDS = {
    "category_a": ("distinct category A file", "distinct category A files"),
    "volume": ("distinct known file", "distinct known files"),
    "distribution": ("offer or share of known material", "offers or shares of known material"),
    "new_material": ("file in no hash set", "files in no hash set"),
    "previous_convictions": ("recorded conviction", "recorded convictions"),
}


def explain(subject: Any, now: datetime, rules: IntelRules | None = None) -> Explanation:
    """Each factor's points for `subject` (annotated by `with_scores`, or not: then the
    access value is read from the register here)."""
    rules = rules or intel_rules()
    access = getattr(subject, "access_value", None)
    if access is None:
        access = access_value(subject)
    parts = []
    for spec in rules.factors:
        if spec.key == "recency":
            parts.append(_recency_part(spec, rules, subject.last_seen_at, now))
            continue
        if spec.key == "band":
            value = float(BAND_RANK.get(subject.band, 0))
        else:
            value = float(access if spec.key == "access_to_children"
                          else getattr(subject, FIELDS[spec.key]))
        points = min(value, float(spec.cap)) * (spec.weight / spec.cap)
        if spec.key == "access_to_children":
            text = access_text(subject) if value else "none recorded"
        elif spec.key == "band":
            text = (f"the assessment's band: {subject.band} (immediate 2, days 1, weeks 0)"
                    if subject.band else "not assessed")
        else:
            one, many = _WORDS[spec.key]
            text = f"{value:g} {one if value == 1 else many} (full weight from {spec.cap:g})"
        parts.append(Part(spec.key, spec.label, value, points, spec.weight, text))
    return Explanation(sum(p.points for p in parts), tuple(parts))


def access_value(subject: Any) -> int:
    from ...safeguarding.models import LinkedPerson

    if subject.household_children or subject.child_id is not None:
        return 1
    if subject.adult_of_concern_id is not None and LinkedPerson.objects.filter(
            adult_id=subject.adult_of_concern_id).exists():
        return 1
    return 0


def access_text(subject: Any) -> str:
    from ...safeguarding.models import LinkedPerson

    reasons = []
    if subject.household_children:
        count = subject.household_children
        reasons.append(f"{count} {'child' if count == 1 else 'children'} at the subject's "
                       "address")
    if subject.child_id is not None:
        reasons.append("linked to a child on the register")
    if subject.adult_of_concern_id is not None:
        children = LinkedPerson.objects.filter(adult_id=subject.adult_of_concern_id).count()
        if children:
            reasons.append("the adult of concern linked to it is linked to "
                           f"{children} {'child' if children == 1 else 'children'}")
    return "; ".join(reasons) or "none recorded"


# The stored score ---------------------------------------------------------------------

RESCORE_EVERY = timedelta(seconds=60)
CHUNK = 5000


def rules_digest(rules: IntelRules | None = None) -> str:
    rules = rules or intel_rules()
    text = repr((rules.factors, rules.recency_steps, sorted(rules.category_a),
                 sorted(BAND_RANK.items())))
    return hashlib.sha256(text.encode()).hexdigest()


SMALL = 50  # below this many subjects, scoring in Python beats compiling the expression


def rescore_ids(ids: Iterable[int], now: datetime | None = None) -> None:
    """Store the score of these subjects as of `now` (after their inputs changed). A few:
    `explain()` in Python (the same arithmetic; a test holds the two equal); many: the
    SQL expression, in chunks."""
    moment = now or clock_now()
    wanted = sorted(set(ids))
    if len(wanted) < SMALL:
        subjects = Subject.objects.filter(pk__in=wanted).annotate(
            access_value=access_expression())
        for subject in subjects:
            score = explain(subject, moment).total
            if subject.score != score:
                Subject.objects.filter(pk=subject.pk).update(score=score)
        return
    expression = score_expression(moment)
    for start in range(0, len(wanted), CHUNK):
        Subject.objects.filter(pk__in=wanted[start:start + CHUNK]).update(score=expression)


def score_sql_over(alias: str, now: datetime | None = None) -> tuple[str, list[Any]]:
    """score_expression() as SQL over the columns of `alias` (a subquery with the subject
    table's column names), for a bulk UPDATE that computes new counters and the score in
    one pass: the expression Django compiles, its table name replaced by the alias."""
    query = Subject.objects.annotate(score_now=score_expression(now or clock_now())
                                     ).values("score_now").query
    sql, params = query.sql_with_params()
    table = connection.ops.quote_name(Subject._meta.db_table)
    start, end = sql.index("SELECT ") + len("SELECT "), sql.rindex(' AS "score_now" FROM')
    return sql[start:end].replace(f"{table}.", f"{alias}."), list(params)


def rescore_due(agency_id: int, now: datetime | None = None,
                every: timedelta = RESCORE_EVERY) -> int:
    """Bring the agency's stored scores up to date with the clock: the recency factor
    changes only when a subject's last sighting crosses a step (1, 7, 30 days ago), so
    only the subjects whose `last_seen_at` crossed one since the last time are rescored
    (a range read of index subject_recency); everyone when the weights changed. At most
    once every `every` per agency (the queue page calls it). Returns how many."""
    moment = now or clock_now()
    rules = intel_rules()
    digest = rules_digest(rules)
    with transaction.atomic():
        held = ScoreClock.objects.select_for_update(skip_locked=True).filter(
            agency_id=agency_id).first()
        if held is None:
            if ScoreClock.objects.filter(agency_id=agency_id).exists():
                return 0  # another request is rescoring now
            try:
                with transaction.atomic():
                    held = ScoreClock.objects.create(agency_id=agency_id, scored_at=moment,
                                                     rules="")
            except IntegrityError:
                return 0  # another request made it first, and is rescoring
        elif held.rules == digest and timedelta(0) <= moment - held.scored_at < every:
            return 0
        subjects = Subject.objects.filter(owning_agency_id=agency_id)
        longest = max((timedelta(days=s.days) for s in rules.recency_steps),
                      default=timedelta(0))
        since = held.scored_at
        if held.rules == digest and since <= moment and moment - since <= longest:
            crossed = Q(pk__in=[])
            for step in rules.recency_steps:
                days = timedelta(days=step.days)
                crossed |= Q(last_seen_at__gt=since - days, last_seen_at__lte=moment - days)
            subjects = subjects.filter(crossed)
        count = subjects.update(score=score_expression(moment, rules))
        held.scored_at, held.rules = moment, digest
        held.save(update_fields=["scored_at", "rules"])
    return count


def _register_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    adult_id = getattr(instance, "adult_id", None)
    if adult_id is not None:
        rescore_ids(Subject.objects.filter(adult_of_concern_id=adult_id).values_list(
            "pk", flat=True))


def connect_register() -> None:
    from django.db.models.signals import post_delete, post_save

    from ...safeguarding.models import LinkedPerson

    post_save.connect(_register_changed, sender=LinkedPerson,
                      dispatch_uid="intelligence.score.linkedperson.save")
    post_delete.connect(_register_changed, sender=LinkedPerson,
                        dispatch_uid="intelligence.score.linkedperson.delete")
