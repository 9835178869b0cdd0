"""The linking rules: which records belong to one subject, and why (docs/intelligence.md).

1. The same normalised email address, telephone number, user name or account ID on the
   same service, or client ID on the same network: the same subject, at any time.
2. The same IP address: the same subject only when it was seen on that subject within
   the window (`ip_link_window_hours`, default 24) of this sighting: addresses are
   shared and reassigned. Each stretch of an address's use is an *episode*: a link whose
   first and last seen times grow as sightings within the window arrive.
3. Private and shared-infrastructure addresses (identifiers.NOT_LINKABLE) never link.
4. A referral links everything it carries: its identifiers that match no profile join
   the profile its other identifiers matched (rule "same record"); identifiers matching
   two profiles join them (an automatic merge, audited) unless an analyst split them
   apart (KeptApart), in which case each identifier stays with its own profile and the
   referral shows on both.
5. A sighting carries one identifier, so sightings never merge profiles.

Every link records its rule, the earlier link it matched, the record that brought it and
when: the profile page shows the chain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q

from ..intake.auditing import Actor
from ..intake.bulk import insert, postgres, select_any
from ..intake.catalogue import chunks
from ..models import KeptApart, Link, LinkRule, Referral, Subject, SubjectStatus
from .identifiers import Kind


@dataclass
class Observed:
    """One identifier of a record: normalised, as shown, and when it was seen."""

    kind: str
    value: str
    shown: str
    first: datetime
    last: datetime
    linkable: bool = True

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.value)


def gap(first: datetime, last: datetime, other_first: datetime, other_last: datetime
        ) -> timedelta:
    """The time between two stretches (zero when they overlap)."""
    return max(timedelta(0), other_first - last, first - other_last)


def find_link(agency_id: int, observed: Observed, window: timedelta) -> Link | None:
    """The link an identifier joins, by the rules above; None for a new one."""
    if not observed.linkable:
        return None
    # Raw SQL through the ORM's model loading: a referral asks a few of these, and
    # compiling the equivalent queryset costs more than running it.
    sql = (f"SELECT l.* FROM {Link._meta.db_table} l JOIN {Subject._meta.db_table} s "
           "ON s.id = l.subject_id WHERE s.owning_agency_id = %s AND l.kind = %s "
           "AND l.value = %s AND l.linkable")
    params: list[Any] = [agency_id, observed.kind, observed.value]
    if observed.kind != Kind.IP:
        return next(iter(Link.objects.raw(sql + " ORDER BY l.id LIMIT 1", params)), None)
    near = Link.objects.raw(sql + " AND l.first_seen_at <= %s AND l.last_seen_at >= %s",
                            [*params, observed.last + window, observed.first - window])
    return min(near, key=lambda link: (gap(link.first_seen_at, link.last_seen_at,
                                           observed.first, observed.last), link.pk),
               default=None)


def kept_apart(first: int, second: int) -> bool:
    return KeptApart.objects.filter(
        Q(first_id=first, second_id=second) | Q(first_id=second, second_id=first)).exists()


@dataclass
class ReferralLinks:
    subjects: list[Subject] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    new_subject: bool = False
    merged: list[tuple[int, int]] = field(default_factory=list)  # (source, target)
    conflicts: list[str] = field(default_factory=list)


def link_referral(actor: Actor, referral: Referral, observed: Sequence[Observed],
                  window: timedelta) -> ReferralLinks:
    """Link a new referral's identifiers into profiles (creating, joining, merging)."""
    from .profiles import merge

    result = ReferralLinks()
    agency_id = referral.owning_agency_id
    matched: dict[tuple[str, str], Link] = {}
    for item in observed:
        link = find_link(agency_id, item, window)
        if link is not None:
            matched[item.key] = link
    leaders: list[int] = []
    leader_of: dict[int, int] = {}
    for subject_id in sorted({link.subject_id for link in matched.values()}):
        for leader in leaders:
            if not kept_apart(leader, subject_id):
                source = Subject.objects.get(pk=subject_id)
                target = Subject.objects.get(pk=leader)
                merge(actor, source, target, automatic=True,
                      reason=f"referral {referral.report_id} carries identifiers of both")
                result.merged.append((subject_id, leader))
                leader_of[subject_id] = leader
                break
        else:
            if leaders:
                result.conflicts.append(
                    f"identifiers of profiles kept apart by an analyst (S-{leaders[0]:06d} "
                    f"and S-{subject_id:06d}): the referral shows on both")
            leaders.append(subject_id)
            leader_of[subject_id] = subject_id
    if not leaders:
        subject = Subject.objects.create(owning_agency_id=agency_id,
                                         status=SubjectStatus.NEW)
        leaders.append(subject.pk)
        result.new_subject = True
    default = leaders[0]
    links = []
    for item in observed:
        found = matched.get(item.key)
        if found is not None:
            subject_id = leader_of[found.subject_id]
            rule = LinkRule.IP_WINDOW if item.kind == Kind.IP else LinkRule.SAME
        else:
            subject_id = default
            rule = LinkRule.FIRST if result.new_subject else LinkRule.SAME_RECORD
        links.append(Link(subject_id=subject_id, kind=item.kind, value=item.value,
                          shown=item.shown[:300], linkable=item.linkable, rule=rule,
                          matched=found, referral=referral, first_seen_at=item.first,
                          last_seen_at=item.last))
    result.links = Link.objects.bulk_create(links)
    used = {link.subject_id for link in result.links}
    result.subjects = list(Subject.objects.filter(pk__in=used).order_by("pk"))
    return result


# Sightings, a batch at a time ------------------------------------------------------------


@dataclass
class Episode:
    """The link a group of sightings joins: an existing link, or one to make."""

    first: datetime
    last: datetime
    link_id: int | None = None
    subject_id: int | None = None
    sightings: int = 0
    first_row: int = -1  # the first new sighting of a new link (its id once allocated)
    old_first: datetime | None = None  # an existing link's times before this batch
    old_last: datetime | None = None

    @property
    def new(self) -> bool:
        return self.link_id is None


@dataclass
class BatchAttribution:
    episodes: list[Episode]
    row_episode: list[int]   # for each row, its index in `episodes`
    new_subjects: int = 0


def attribute_batch(agency_id: int, rows: Sequence[tuple[str, str, datetime]],
                    window: timedelta) -> BatchAttribution:
    """Episodes (existing or new links) for a batch of sightings, each (kind, value, time);
    rule 1 for every kind but IP addresses, rule 2 for those. Creates nothing: the caller
    makes the subjects and links of new episodes (`create_episodes`)."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (kind, value, _) in enumerate(rows):
        groups[(kind, value)].append(index)
    existing = _existing_links(agency_id, list(groups))
    episodes: list[Episode] = []
    row_episode = [-1] * len(rows)
    for key, indexes in groups.items():
        known = existing.get(key, [])
        if key[0] != Kind.IP:
            start = rows[indexes[0]][2]
            episode = known[0] if known else Episode(start, start)
            position = len(episodes)
            episodes.append(episode)
            for i in indexes:
                _extend(episode, rows[i][2], i)
                row_episode[i] = position
            continue
        if not known and len(indexes) == 1:  # the common case: one sighting, no link
            moment = rows[indexes[0]][2]
            row_episode[indexes[0]] = len(episodes)
            episodes.append(Episode(moment, moment, sightings=1, first_row=indexes[0]))
            continue
        mine: list[tuple[int, Episode]] = []
        for episode in known:
            mine.append((len(episodes), episode))
            episodes.append(episode)
        for i in sorted(indexes, key=lambda i: rows[i][2]):
            moment = rows[i][2]
            near = [(gap(e.first, e.last, moment, moment), pos) for pos, e in mine
                    if e.first - window <= moment <= e.last + window]
            if near:
                position = min(near)[1]
            else:
                position = len(episodes)
                new = Episode(moment, moment)
                episodes.append(new)
                mine.append((position, new))
            _extend(episodes[position], moment, i)
            row_episode[i] = position
    return BatchAttribution(episodes, row_episode)


def _extend(episode: Episode, moment: datetime, row: int) -> None:
    if episode.new and (episode.sightings == 0 or moment < episode.first):
        episode.first_row = row  # the new link's first sighting: its earliest
    if episode.new and episode.sightings == 0:
        episode.first = episode.last = moment
    else:
        episode.first = min(episode.first, moment)
        episode.last = max(episode.last, moment)
    episode.sightings += 1


def _existing_links(agency_id: int, keys: list[tuple[str, str]]
                    ) -> dict[tuple[str, str], list[Episode]]:
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, value in keys:
        by_kind[kind].append(value)
    found: dict[tuple[str, str], list[Episode]] = defaultdict(list)
    for kind, values in by_kind.items():
        for value, pk, subject_id, first, last in _links_of(agency_id, kind, values):
            episodes = found[(kind, value)]
            if kind != Kind.IP and episodes:
                continue  # rule 1: the first link of the identifier
            episodes.append(Episode(first, last, pk, subject_id, old_first=first,
                                    old_last=last))
    return found


def _links_of(agency_id: int, kind: str, values: list[str]) -> list[tuple[Any, ...]]:
    """(value, id, subject, first seen, last seen) of the linkable links, by id."""
    if postgres():
        return sorted(select_any(
            f"SELECT l.value, l.id, l.subject_id, l.first_seen_at, l.last_seen_at "
            f"FROM {Link._meta.db_table} l JOIN {Subject._meta.db_table} s "
            "ON s.id = l.subject_id WHERE s.owning_agency_id = %s AND l.kind = %s "
            "AND l.linkable AND l.value {values}", values, agency_id, kind),
            key=lambda row: row[1])
    rows: list[tuple[Any, ...]] = []
    for part in chunks(values):
        rows.extend(Link.objects.filter(
            subject__owning_agency_id=agency_id, kind=kind, value__in=part, linkable=True,
        ).values_list("value", "pk", "subject_id", "first_seen_at", "last_seen_at"))
    return sorted(rows, key=lambda row: row[1])


def create_episodes(agency_id: int, attribution: BatchAttribution,
                    rows: Sequence[tuple[str, str, datetime]], shown: Sequence[str],
                    sighting_ids: Sequence[int]) -> None:
    """Make a subject and a link (rule "first seen") for every new episode."""
    new = [e for e in attribution.episodes if e.new and e.sightings]
    if not new:
        return
    subject_ids = insert(Subject, [{"owning_agency_id": agency_id,
                                    "status": SubjectStatus.NEW.value}] * len(new))
    links = []
    for episode, subject_id in zip(new, subject_ids, strict=True):
        kind, value, _ = rows[episode.first_row]
        episode.subject_id = subject_id
        links.append({"subject_id": subject_id, "kind": kind, "value": value,
                      "shown": shown[episode.first_row][:300], "linkable": True,
                      "rule": LinkRule.FIRST.value,
                      "first_sighting_id": sighting_ids[episode.first_row],
                      "first_seen_at": episode.first, "last_seen_at": episode.last,
                      "sightings": episode.sightings})
    for episode, link_id in zip(new, insert(Link, links), strict=True):
        episode.link_id = link_id
    attribution.new_subjects = len(new)
