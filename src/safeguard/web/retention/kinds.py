"""The record types on the schedule: which model, when the clock starts, what is due, and
what a disposal deletes with the record.

    kind = KINDS["child"]
    kind.due(agency_id, today, schedule)      # the agency's records due for review
    kind.scheduled_on(obj, schedule)          # (the schedule's review date, why)
    kind.dispose(obj, user)                   # delete it and its parts (decisions.dispose)

Due-ness is one query per type, exact to the day: "N years after date d" is d's Nth
anniversary (29 February -> 1 March in a common year, as for birthdays,
safeguarding.rules.birthday_on_or_after), and `cutoff(today, N)` is the last date whose
Nth anniversary has come, so "review date <= today" becomes "d <= cutoff" in SQL. A
record retained at its last review is due again only once that decision's next review
date has come too (the later of the two).
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import reduce
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Exists, IntegerField, Max, OuterRef, Q, Subquery, When
from django.utils import timezone

from ..accounts.models import User
from ..core import formats
from ..core.clock import local_date
from ..core.models import AgencyOwned, Share
from ..safeguarding.rules import birthday_on_or_after
from .conf import Schedule, SubjectSchedule
from .models import DecisionKind, RetentionDecision


class Blocked(Exception):
    """The record cannot be disposed of; the message says what stands in the way."""


def anniversary(day: date, years: int) -> date:
    return birthday_on_or_after(day, years)


def cutoff(today: date, years: int) -> date:
    """The last date whose `years`th anniversary falls on or before `today`."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # today is 29 February and that year has none
        return date(today.year - years, 2, 28)


def start_of(day: date) -> datetime:
    """Local midnight at the start of `day`, as an aware datetime (timestamps compare)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def quiet_until(today: date, years: int) -> datetime:
    """Activity before this moment is `years` old by today (its local date <= cutoff)."""
    return start_of(cutoff(today, years) + timedelta(days=1))


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        number % 10, "th")
    return f"{number}{suffix}"


def latest_of(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def end_shares(model: type[models.Model], ids: Iterable[int], user: User) -> int:
    """End the active shares of records that are going: kept, stamped, as the record of
    what was disclosed to whom (core.Share is never deleted)."""
    return Share.objects.active().filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=list(ids),
    ).update(revoked_at=timezone.now(), revoked_by=user)


def counted(result: tuple[int, dict[str, int]], into: Counter[str]) -> None:
    """Add what a delete() removed to `into`, by model name (m2m rows left out)."""
    for label, number in result[1].items():
        model = apps.get_model(label)
        if number and not model._meta.auto_created:
            into[str(model._meta.verbose_name)] += number


class Kind:
    key = ""
    label = ""            # "Register child record": with an id, names no person
    model_label = ""      # "safeguarding.child"
    detail_url = ""       # the record's page

    def model(self) -> type[AgencyOwned]:
        model = apps.get_model(self.model_label)
        assert issubclass(model, AgencyOwned)
        return model

    def manager(self, model: type[models.Model] | None = None) -> Any:
        """The model's manager, untyped: each kind knows its own model's fields, which
        the type checker cannot see through apps.get_model."""
        return (model or self.model())._default_manager

    def installed(self) -> bool:
        app_label = self.model_label.split(".")[0]
        return apps.is_installed(f"safeguard.web.{app_label}")

    def record_label(self, obj: Any) -> str:
        """The decision log's name for the record: type, id, agency; never a person."""
        return f"{self.label} #{obj.pk} ({obj.owning_agency.name})"

    def scheduled(self, agency_id: int, today: date, schedule: Schedule) -> models.QuerySet[Any]:
        """The agency's records whose schedule date has come (retain decisions aside)."""
        raise NotImplementedError

    def scheduled_on(self, obj: Any, schedule: Schedule) -> tuple[date, str]:
        """The schedule's review date of a record from `scheduled()`, and why."""
        raise NotImplementedError

    def period(self, obj: Any, schedule: Schedule) -> int:
        """The record's review period in years: the default gap to its next review."""
        raise NotImplementedError

    def due(self, agency_id: int, today: date, schedule: Schedule) -> models.QuerySet[Any]:
        """The agency's records due for review today: by the schedule, and past the next
        review date of the last retain decision, if any (annotated `retained_until`)."""
        retained = RetentionDecision.objects.filter(
            record_type=self.key, object_id=OuterRef("pk"), decision=DecisionKind.RETAIN,
        ).order_by("-decided_at", "-pk").values("next_review_on")[:1]
        return self.scheduled(agency_id, today, schedule).annotate(
            retained_until=Subquery(retained)).filter(
            Q(retained_until__isnull=True) | Q(retained_until__lte=today))

    def dispose(self, obj: Any, user: User) -> Counter[str]:
        """Delete the record and its parts (inside the caller's transaction); Blocked, or
        django's ProtectedError / RestrictedError, when something stands in the way."""
        raise NotImplementedError


# The register ------------------------------------------------------------------------


class ChildKind(Kind):
    key = "child"
    label = "Register child record"
    model_label = "safeguarding.child"
    detail_url = "safeguarding:child_detail"
    # Records of the child's own (each PROTECTs the child, so each is deleted first);
    # linked people, agencies involved and the legal status history go with the child
    # (CASCADE). Their last change is the child's last activity.
    PARTS = ("safeguarding.missingepisode", "safeguarding.concern", "safeguarding.referral",
             "safeguarding.riskassessment")

    def parts(self) -> list[type[AgencyOwned]]:
        found = []
        for label in self.PARTS:
            model = apps.get_model(label)
            assert issubclass(model, AgencyOwned)
            found.append(model)
        return found

    def scheduled(self, agency_id: int, today: date, schedule: Schedule) -> models.QuerySet[Any]:
        rule = schedule.child
        quiet = quiet_until(today, rule.review_years)
        records: models.QuerySet[Any] = self.manager().filter(
            owning_agency_id=agency_id,
            date_of_birth__lte=cutoff(today, rule.adult_age + rule.review_years),
            created_at__lt=quiet, updated_at__lt=quiet,
        )
        linked: Any = apps.get_model("safeguarding.linkedperson")._default_manager
        records = records.filter(~Exists(linked.filter(
            child=OuterRef("pk"), added_at__gte=quiet)))
        for model in self.parts():
            part: Any = model._default_manager
            records = records.filter(~Exists(part.filter(
                child=OuterRef("pk"), updated_at__gte=quiet)))
        # For scheduled_on(): each part's last change, one subquery each.
        annotations: dict[str, Any] = {"last_linked": Subquery(
            linked.filter(child=OuterRef("pk")).order_by().values("child")
            .annotate(last=Max("added_at")).values("last")[:1])}
        for model in self.parts():
            part = model._default_manager
            annotations[f"last_{model._meta.model_name}"] = Subquery(
                part.filter(child=OuterRef("pk")).order_by()
                .values("child").annotate(last=Max("updated_at")).values("last")[:1])
        return records.annotate(**annotations).select_related("owning_agency")

    def scheduled_on(self, obj: Any, schedule: Schedule) -> tuple[date, str]:
        rule = schedule.child
        age = rule.adult_age + rule.review_years
        birthday = anniversary(obj.date_of_birth, age)
        activity = latest_of(obj.created_at, obj.updated_at, getattr(obj, "last_linked", None),
                             *(getattr(obj, f"last_{model._meta.model_name}", None)
                               for model in self.parts()))
        assert activity is not None
        last_change = local_date(activity)
        after_activity = anniversary(last_change, rule.review_years)
        why = (f"{ordinal(age)} birthday ({rule.review_years} years after the "
               f"{ordinal(rule.adult_age)}) on {formats.day(birthday)}; last change "
               f"{formats.day(last_change)}")
        return max(birthday, after_activity), why

    def period(self, obj: Any, schedule: Schedule) -> int:
        return schedule.child.review_years

    def dispose(self, obj: Any, user: User) -> Counter[str]:
        removed: Counter[str] = Counter()
        parts: list[tuple[type[AgencyOwned], models.QuerySet[Any]]] = [
            (model, self.manager(model).filter(child=obj)) for model in self.parts()]
        others = [(model, records.exclude(owning_agency_id=obj.owning_agency_id).count())
                  for model, records in parts]
        foreign = [f"{number} {model._meta.verbose_name_plural}" for model, number in others
                   if number]
        if foreign:
            # Another agency's record is theirs to keep or dispose of, not ours.
            raise Blocked("It cannot be disposed of: some of its parts were recorded by "
                          f"another agency ({', '.join(foreign)}). Nothing was deleted.")
        for model, records in parts:
            end_shares(model, records.values_list("pk", flat=True), user)
            counted(records.delete(), removed)
        end_shares(type(obj), [obj.pk], user)
        counted(obj.delete(), removed)
        return removed


# Partners ---------------------------------------------------------------------------


class ConcernReportKind(Kind):
    key = "concern_report"
    label = "Business concern report"
    model_label = "partners.concernreport"
    detail_url = "partners:concern_detail"

    def scheduled(self, agency_id: int, today: date, schedule: Schedule) -> models.QuerySet[Any]:
        from ..partners.models import ConcernStatus

        # An open report is live work: the clock starts when it is closed.
        return self.manager().filter(
            owning_agency_id=agency_id, status=ConcernStatus.CLOSED, closed_at__isnull=False,
            closed_at__lt=quiet_until(today, schedule.concern_report.review_years),
        ).select_related("owning_agency")

    def scheduled_on(self, obj: Any, schedule: Schedule) -> tuple[date, str]:
        years = schedule.concern_report.review_years
        closed = local_date(obj.closed_at)
        return anniversary(closed, years), f"closed {formats.day(closed)}"

    def period(self, obj: Any, schedule: Schedule) -> int:
        return schedule.concern_report.review_years

    def dispose(self, obj: Any, user: User) -> Counter[str]:
        # Its links to children, adults and places go with it (CASCADE); the children and
        # adults themselves are records of their own and stay.
        removed: Counter[str] = Counter()
        end_shares(type(obj), [obj.pk], user)
        counted(obj.delete(), removed)
        return removed


# Intelligence -----------------------------------------------------------------------


def subject_condition(name: str) -> Q:
    from ..intelligence.models import SubjectStatus

    return {
        "investigation": Q(investigation__isnull=False) | Q(status=SubjectStatus.INVESTIGATION),
        "category_a": Q(category_a_files__gt=0),
        "linked_child": Q(child__isnull=False),
        "known_files": Q(known_files__gt=0),
        "previous_convictions": Q(previous_convictions__gt=0),
        "adult_of_concern": Q(adult_of_concern__isnull=False),
    }[name]


def mopi_group(rule: SubjectSchedule) -> Case:
    """1, 2 or 3: the first group one of whose conditions holds (an empty list: none)."""
    whens = []
    for group, names in ((1, rule.group1_when), (2, rule.group2_when)):
        if names:
            either = Q()
            for name in names:
                either |= subject_condition(name)
            whens.append(When(either, then=group))
    return Case(*whens, default=3, output_field=IntegerField())


class SubjectKind(Kind):
    key = "intelligence_subject"
    label = "Intelligence subject"
    model_label = "intelligence.subject"
    detail_url = "intelligence:subject_detail"

    def record_label(self, obj: Any) -> str:
        # S-000042 is a reference, not a name; the display name is left out.
        return f"{self.label} {obj.label} ({obj.owning_agency.name})"

    def scheduled(self, agency_id: int, today: date, schedule: Schedule) -> models.QuerySet[Any]:
        from ..intelligence.models import Decision, Link, SubjectStatus

        rule = schedule.intelligence_subject
        quiet_by_group = []
        for group in (1, 2, 3):
            quiet = quiet_until(today, rule.years_for(group))
            quiet_by_group.append(
                Q(mopi_group=group, created_at__lt=quiet)
                & (Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=quiet))
                & (Q(reopened_at__isnull=True) | Q(reopened_at__lt=quiet))
                & ~Exists(Decision.objects.filter(subject=OuterRef("pk"), decided_at__gte=quiet))
                & ~Exists(Link.objects.filter(subject=OuterRef("pk"), linked_at__gte=quiet))
            )
        last_decision = Decision.objects.filter(subject=OuterRef("pk")).order_by(
            "-decided_at").values("decided_at")[:1]
        last_link = Link.objects.filter(subject=OuterRef("pk")).order_by(
            "-linked_at").values("linked_at")[:1]
        # A merged profile is an empty shell of the one it joined: reviewed (and disposed
        # of) with that one.
        return (self.manager().filter(owning_agency_id=agency_id)
                .exclude(status=SubjectStatus.MERGED)
                .annotate(mopi_group=mopi_group(rule), last_decision=Subquery(last_decision),
                          last_link=Subquery(last_link))
                .filter(reduce(operator.or_, quiet_by_group)).select_related("owning_agency"))

    def scheduled_on(self, obj: Any, schedule: Schedule) -> tuple[date, str]:
        group = obj.mopi_group
        years = schedule.intelligence_subject.years_for(group)
        activity = latest_of(obj.created_at, obj.last_seen_at, obj.reopened_at,
                             obj.last_decision, obj.last_link)
        assert activity is not None
        last = local_date(activity)
        return anniversary(last, years), f"MoPI group {group}; last activity {formats.day(last)}"

    def period(self, obj: Any, schedule: Schedule) -> int:
        return schedule.intelligence_subject.years_for(obj.mopi_group)

    def dispose(self, obj: Any, user: User) -> Counter[str]:
        from ..intelligence.models import (
            Decision,
            HourlyPresence,
            KeptApart,
            Link,
            Referral,
            Sighting,
            SubjectFile,
        )
        from ..intelligence.scoring import stats

        subjects = self.manager()
        ids = {obj.pk}
        frontier = {obj.pk}
        while frontier:  # the profiles merged into it, and those merged into them
            frontier = set(subjects.filter(merged_into_id__in=frontier).values_list(
                "pk", flat=True)) - ids
            ids |= frontier
        if subjects.filter(pk__in=ids).exclude(owning_agency_id=obj.owning_agency_id).exists():
            raise Blocked("It cannot be disposed of: a profile merged into it belongs to "
                          "another agency. Nothing was deleted.")
        # Referrals that name no other subject go with it; one that also names another
        # subject is part of that one's intelligence too, and stays.
        referral_ids = set(Link.objects.filter(subject_id__in=ids, referral__isnull=False)
                           .values_list("referral_id", flat=True))
        elsewhere = set(Link.objects.filter(referral_id__in=referral_ids)
                        .exclude(subject_id__in=ids).values_list("referral_id", flat=True))
        own_referrals = Referral.objects.filter(pk__in=referral_ids - elsewhere,
                                                owning_agency_id=obj.owning_agency_id)
        touched = set(HourlyPresence.objects.filter(subject_id__in=ids).values_list(
            "agency_id", "hour", "district_key"))
        removed: Counter[str] = Counter()
        counted(Sighting.objects.filter(subject_id__in=ids).delete(), removed)
        counted(Decision.objects.filter(subject_id__in=ids).delete(), removed)
        # Its links' provenance among themselves goes with them; another subject's link
        # that matched one of them still protects it (Blocked, by the caller).
        Link.objects.filter(subject_id__in=ids).update(matched=None)
        counted(Link.objects.filter(subject_id__in=ids).delete(), removed)
        end_shares(Referral, own_referrals.values_list("pk", flat=True), user)
        counted(own_referrals.delete(), removed)
        for derived in (SubjectFile, HourlyPresence):
            derived.objects.filter(subject_id__in=ids).delete()  # rebuilt from the records
        counted(KeptApart.objects.filter(Q(first_id__in=ids) | Q(second_id__in=ids)).delete(),
                removed)
        subjects.filter(pk__in=ids - {obj.pk}).update(merged_into=None)
        end_shares(type(obj), ids, user)
        counted(subjects.filter(pk__in=ids).delete(), removed)
        stats.recount_hours(touched)  # the live picture's hourly counts, without it
        return removed


KINDS: dict[str, Kind] = {kind.key: kind for kind in (ChildKind(), ConcernReportKind(),
                                                      SubjectKind())}


def installed_kinds() -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.installed()]
