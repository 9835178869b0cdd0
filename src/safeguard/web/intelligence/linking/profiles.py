"""Merging and splitting profiles: an analyst's judgement over the automatic linking.

- `merge(actor, source, target)`: the source's links, sightings, files and hourly presence
  move to the target; the source stays, marked merged (its decisions and audit trail
  remain), and the target's counters are recounted. Details the analyst recorded on the
  source fill the target's blanks.
- `split(actor, subject, link_ids)`: the chosen identifiers, with the sightings they
  brought and the referrals whose every identifier moves, become a new profile; the two
  are kept apart from then on (linking rule 4). An identifier moves whole: choosing one
  link of an email address moves every link of it (the rule "same email, same subject"
  must still hold); an IP address moves one episode at a time.

Both are audited on both profiles, in the transaction that makes them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ...core import formats
from ..intake.auditing import Actor, record
from ..models import (
    BAND_RANK,
    Assessment,
    ChildAtRisk,
    KeptApart,
    Link,
    LinkRule,
    ReferralFile,
    Sighting,
    Subject,
    SubjectFile,
    SubjectStatus,
)
from ..scoring.stats import add_subject_files, rebuild_presence, recount
from .identifiers import Kind


class ProfileError(ValueError):
    """The merge or split asked for cannot be done; the message says why."""


def merge(actor: Actor, source: Subject, target: Subject, *, reason: str,
          automatic: bool = False) -> None:
    if source.pk == target.pk:
        raise ProfileError("a profile cannot be merged into itself")
    if source.owning_agency_id != target.owning_agency_id:
        raise ProfileError("profiles of different agencies cannot be merged")
    if SubjectStatus.MERGED in (source.status, target.status):
        raise ProfileError("a merged profile cannot be merged again: use the one it joined")
    with transaction.atomic():
        stamp = f"merged from {source.label} on {formats.day(timezone.now())}"
        Link.objects.filter(subject=source).update(subject=target, note=stamp)
        Sighting.objects.filter(subject=source).update(subject=target)
        SubjectFile.objects.filter(subject=source).filter(Exists(
            SubjectFile.objects.filter(subject=target, file=OuterRef("file")))).delete()
        SubjectFile.objects.filter(subject=source).update(subject=target)
        ChildAtRisk.objects.filter(subject=source).update(subject=target)
        Assessment.objects.filter(subject=source).update(subject=target)
        _repoint_kept_apart(source, target)
        changed = _fill_blanks(source, target)
        source.status, source.merged_into = SubjectStatus.MERGED, target
        source.save(update_fields=["status", "merged_into"])
        rebuild_presence([source.pk, target.pk])
        recount([source.pk, target.pk])
        record(actor, "update", target, merged_from=source.label, automatic=automatic,
               reason=reason, fields=changed)
        record(actor, "update", source, merged_into=target.label, automatic=automatic,
               reason=reason)


def _repoint_kept_apart(source: Subject, target: Subject) -> None:
    for pair in KeptApart.objects.filter(Q(first=source) | Q(second=source)):
        other = pair.second_id if pair.first_id == source.pk else pair.first_id
        if other == target.pk or KeptApart.objects.filter(
                Q(first=target, second_id=other) | Q(first_id=other, second=target)).exists():
            pair.delete()
            continue
        if pair.first_id == source.pk:
            pair.first = target
        else:
            pair.second = target
        pair.save(update_fields=["first", "second"])


def _fill_blanks(source: Subject, target: Subject) -> list[str]:
    changed = []
    for name in ("display_name", "adult_of_concern", "child", "investigation", "suspect"):
        if not getattr(target, f"{name}_id" if name != "display_name" else name) and getattr(
                source, f"{name}_id" if name != "display_name" else name):
            setattr(target, name, getattr(source, name))
            changed.append(name)
    if source.previous_convictions > target.previous_convictions:
        target.previous_convictions = source.previous_convictions
        changed.append("previous_convictions")
    # The children around the subject go with it: the most children, the most urgent
    # band, a child stays a child (protection/).
    if source.household_children > target.household_children:
        target.household_children = source.household_children
        changed.append("household_children")
    if BAND_RANK.get(source.band, 0) > BAND_RANK.get(target.band, 0):
        target.band = source.band
        changed.append("band")
    if source.is_child and not target.is_child:
        target.is_child = True
        changed.append("is_child")
    if source.notes:
        target.notes = "\n\n".join(n for n in (target.notes, f"From {source.label}: "
                                               f"{source.notes}") if n)
        changed.append("notes")
    if changed:
        target.save(update_fields=changed)
    return changed


def split(actor: Actor, subject: Subject, link_ids: Iterable[int], *, reason: str) -> Subject:
    if actor.user is None:
        raise ProfileError("a split is an analyst's decision: it needs a person")
    chosen = list(Link.objects.filter(subject=subject, pk__in=list(link_ids)))
    if not chosen:
        raise ProfileError("choose at least one identifier to move")
    if subject.status == SubjectStatus.MERGED:
        raise ProfileError("a merged profile cannot be split: split the one it joined")
    moving = set()
    for link in chosen:
        if link.kind == Kind.IP or not link.linkable:
            moving.add(link.pk)
        else:  # the whole identifier, so that rule 1 still holds
            moving.update(Link.objects.filter(subject=subject, kind=link.kind,
                                              value=link.value).values_list("pk", flat=True))
    if not Link.objects.filter(subject=subject).exclude(pk__in=moving).exists():
        raise ProfileError("a split must leave at least one identifier on this profile")
    with transaction.atomic():
        new = Subject.objects.create(owning_agency_id=subject.owning_agency_id,
                                     status=SubjectStatus.NEW)
        Link.objects.filter(pk__in=moving).update(
            subject=new, rule=LinkRule.SPLIT, linked_by=actor.user,
            note=f"split from {subject.label} on {formats.day(timezone.now())}")
        Sighting.objects.filter(subject=subject, link_id__in=moving).update(subject=new)
        KeptApart.objects.create(first=subject, second=new, by=actor.user)
        rebuild_files([subject.pk, new.pk])
        rebuild_presence([subject.pk, new.pk])
        recount([subject.pk, new.pk])
        record(actor, "update", subject, split_into=new.label, reason=reason,
               identifiers=len(moving))
        record(actor, "create", new, split_from=subject.label, reason=reason,
               identifiers=len(moving))
    return new


def rebuild_files(subject_ids: Iterable[int]) -> None:
    """A subject's distinct files, from its sightings, its referrals and its triage."""
    from ..scoring.cases import triage_file_ids

    ids = list(subject_ids)
    SubjectFile.objects.filter(subject_id__in=ids).delete()
    pairs: set[tuple[int, int]] = set()
    for subject_id in ids:
        pairs.update((subject_id, f) for f in Sighting.objects.filter(
            subject_id=subject_id).values_list("file_id", flat=True).order_by().distinct())
        referrals = Link.objects.filter(subject_id=subject_id).exclude(
            referral=None).values("referral_id")
        pairs.update((subject_id, f) for f in ReferralFile.objects.filter(
            referral_id__in=referrals).values_list("file_id", flat=True).order_by().distinct())
        pairs.update((subject_id, f) for f in triage_file_ids(subject_id))
    add_subject_files(pairs)
