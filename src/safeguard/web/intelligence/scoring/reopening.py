"""New activity on decided subjects: back on the queue.

A subject decided "no further action" or "referred to another force" leaves the ranked
queue. If it is then seen again (a referral or sighting whose time is later than the
latest decision), the decision was taken on less than is now known: the subject returns
to the queue as new, with `reopened_at` and `reopened_from` saying why, and an audit
event naming the decision and the observation. The next decision clears the flag.

Only what was observed after the decision counts: a late import of old sightings does not
reopen anything. Which decisions can be reopened is a local rule
(`reopen_on_new_activity` in local.toml; [] turns this off). Subjects under investigation
are not reopened: their activity reaches the investigation through the profile.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, OuterRef, Subquery

from ...core.clock import now
from ..conf import intel_rules
from ..intake.auditing import Actor, record
from ..intake.catalogue import chunks
from ..models import Decision, Subject, SubjectStatus


def reopen_seen_since_decision(actor: Actor, subject_ids: Iterable[int]) -> list[int]:
    """Put back on the queue those of `subject_ids` seen after their latest decision.
    Called by the imports, in their transaction, after the counters moved."""
    statuses = intel_rules().reopen_on_new_activity
    if not statuses:
        return []
    # First the batch's decided subjects alone (a primary-key read per chunk, bounded by
    # the batch, usually empty); the decisions are looked up for those only.
    touched = sorted(set(subject_ids))
    ids = [pk for part in chunks(touched) for pk in Subject.objects.filter(
        pk__in=part, owning_agency=actor.agency, status__in=statuses).values_list(
        "pk", flat=True)]
    if not ids:
        return []
    latest = Decision.objects.filter(subject=OuterRef("pk")).order_by(
        "-decided_at", "-pk")
    moment = now()
    reopened = []
    for part in chunks(ids):
        due = (Subject.objects.filter(pk__in=part, status__in=statuses)
               .annotate(decided_at=Subquery(latest.values("decided_at")[:1]),
                         decision=Subquery(latest.values("kind")[:1]))
               .filter(last_seen_at__gt=F("decided_at")))
        for subject in due:
            previous = subject.status
            subject.status, subject.reopened_at, subject.reopened_from = (
                SubjectStatus.NEW, moment, previous)
            subject.save(update_fields=["status", "reopened_at", "reopened_from"])
            record(actor, "update", subject, reopened_from=previous,
                   decision=subject.decision, decided_at=subject.decided_at.isoformat(),
                   seen_at=subject.last_seen_at.isoformat() if subject.last_seen_at else "")
            reopened.append(subject.pk)
    return reopened


def clear_reopened(subject: Subject) -> list[str]:
    """A new decision answers the new activity: the fields to save with it."""
    if subject.reopened_at is None and not subject.reopened_from:
        return []
    subject.reopened_at, subject.reopened_from = None, ""
    return ["reopened_at", "reopened_from"]
