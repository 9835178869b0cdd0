"""From lead to case: an investigation opened from a prioritised subject, and the triage of
what is seized later feeding the subject's profile.

- `open_investigation`: creates an investigations.Investigation and an
  investigations.Suspect (the subject's identifiers in its notes) owned by the subject's
  agency, links the subject to both (Subject.investigation, Subject.suspect), records
  the decision "investigation" and takes the subject off the queue; all in one
  transaction, each record audited.
- The hook: an exhibit whose `seized_from_suspect` is a subject's suspect links back to
  that subject. When such an exhibit is saved, or a triage of one finishes (its
  TriageSummary is created), the known-bad files the triage found (FileRecord rows
  matched to a set) join the subject's distinct files, so its volume and category A
  counts, and its score, include what was found on the devices. Signal receivers
  (connected in apps.ready), run after the commit; idempotent: a file counts once.
  The profile page lists the exhibits with their court figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.db.models.signals import post_save

from ...investigations.models import Exhibit, Investigation, Operation, Suspect
from ...triage_runs.models import TriageJob, TriageSummary
from ..intake.auditing import Actor, record
from ..intake.catalogue import Digests, FileInfo, chunks, file_info
from ..models import Decision, DecisionKind, FileHash, Link, Subject, SubjectStatus, file_key
from .reopening import clear_reopened
from .stats import SubjectDelta, add_subject_files, bump_subjects


def open_investigation(actor: Actor, subject: Subject, *, reference: str, title: str,
                       reason: str, score: float, opened_on: date,
                       operation: Operation | None = None) -> Investigation:
    if actor.user is None:
        raise ValueError("an investigation is opened by a person")
    identifiers = "\n".join(sorted({f"{kind}: {shown}" for kind, shown in Link.objects.filter(
        subject=subject).values_list("kind", "shown")}))
    with transaction.atomic():
        investigation = Investigation.objects.create(
            owning_agency=subject.owning_agency, reference=reference, title=title,
            operation=operation, opened_on=opened_on, officer_in_charge=actor.user,
            summary=f"Opened from intelligence profile {subject.label}: {reason}")
        record(actor, "create", investigation, from_subject=subject.label)
        suspect = subject.suspect
        if suspect is None:
            suspect = Suspect.objects.create(
                owning_agency=subject.owning_agency,
                name=subject.display_name or f"Unknown person ({subject.label})",
                notes=f"Intelligence profile {subject.label}. Identifiers:\n{identifiers}")
            record(actor, "create", suspect, from_subject=subject.label)
        suspect.investigations.add(investigation)
        subject.investigation, subject.suspect = investigation, suspect
        subject.status = SubjectStatus.INVESTIGATION
        subject.save(update_fields=["investigation", "suspect", "status",
                                    *clear_reopened(subject)])
        decision = Decision.objects.create(subject=subject, kind=DecisionKind.INVESTIGATION,
                                           reason=reason, score=score,
                                           decided_by=actor.user)
        record(actor, "update", subject, decision=decision.kind, reason=reason,
               investigation=investigation.reference, suspect=suspect.pk)
    return investigation


@dataclass(frozen=True)
class SeizedExhibit:
    exhibit: Exhibit
    job: TriageJob | None
    summary: TriageSummary | None


def seized_exhibits(subject: Subject) -> list[SeizedExhibit]:
    if subject.suspect_id is None:
        return []
    found = []
    for exhibit in Exhibit.objects.filter(seized_from_suspect_id=subject.suspect_id
                                          ).select_related("investigation"):
        summary = (TriageSummary.objects.filter(job__exhibit=exhibit).select_related("job")
                   .order_by("-job_id").first())
        found.append(SeizedExhibit(exhibit, summary.job if summary else None, summary))
    return found


def _latest_jobs(suspect_id: int) -> list[int]:
    """Each exhibit's latest triage whose results were imported (it has a summary: a
    cancelled or failed run has none). The worker marks a job done just after its
    results commit, when this may already run."""
    latest = (TriageSummary.objects.filter(job__exhibit__seized_from_suspect_id=suspect_id)
              .values("job__exhibit_id").annotate(job=Max("job_id")).values_list("job",
                                                                                 flat=True))
    return list(latest)


def _triage_files(suspect_id: int) -> dict[str, Digests | FileInfo]:
    """The known-bad files the latest triage of each exhibit found, by file key, as
    FileInfo where the catalogue has them and as Digests (with the triage's match)
    where not yet."""
    from ...triage_runs.models import FileRecord

    wanted: dict[str, tuple[Digests, str, str]] = {}
    records = FileRecord.objects.filter(job_id__in=_latest_jobs(suspect_id)).exclude(
        hashset="").filter(known_good=False).values_list("md5", "sha1", "sha256", "hashset",
                                                         "category").order_by().distinct()
    for md5, sha1, sha256, hashset, category in records.iterator(chunk_size=5000):
        key = file_key(md5, sha1, sha256)
        if key:
            wanted.setdefault(key, (Digests(md5.lower(), sha1.lower(), sha256.lower()),
                                    hashset, category))
    known: dict[str, Digests | FileInfo] = {}
    keys = list(wanted)
    for part in chunks(keys):
        for key, pk, hashset, category in FileHash.objects.filter(key__in=part).values_list(
                "key", "pk", "hashset", "category"):
            known[key] = file_info(pk, hashset, category)
    new = [FileHash(key=key, md5=d.md5, sha1=d.sha1, sha256=d.sha256, hashset=h[:64],
                    category=c[:64]) for key, (d, h, c) in wanted.items() if key not in known]
    for made in FileHash.objects.bulk_create(new):
        known[made.key] = file_info(made.pk, made.hashset, made.category)
    return known


def triage_file_ids(subject_id: int) -> list[int]:
    suspect_id = Subject.objects.filter(pk=subject_id).values_list("suspect_id", flat=True
                                                                   ).first()
    if suspect_id is None:
        return []
    return [info.id for info in _triage_files(suspect_id).values()
            if isinstance(info, FileInfo)]


def feed_subjects(suspect_id: int) -> int:
    """Add what the triage of the suspect's exhibits found to every subject linked to the
    suspect; returns the number of files new to a profile."""
    subjects = list(Subject.objects.filter(suspect_id=suspect_id).exclude(
        status=SubjectStatus.MERGED).values_list("pk", flat=True))
    if not subjects:
        return 0
    with transaction.atomic():
        files = [f for f in _triage_files(suspect_id).values() if isinstance(f, FileInfo)]
        by_id = {f.id: f for f in files}
        deltas: dict[int, SubjectDelta] = {}
        new = add_subject_files((s, f.id) for s in subjects for f in files)
        for subject_id, file_id in new:
            delta = deltas.setdefault(subject_id, SubjectDelta())
            delta.known += 1
            delta.category_a += by_id[file_id].category_a
        bump_subjects(deltas)
        for subject_id, delta in deltas.items():
            subject = Subject.objects.get(pk=subject_id)
            record(Actor(subject.owning_agency, name="triage feed"), "update", subject,
                   triage_files=delta.known, category_a=delta.category_a)
    return len(new)


def _after_summary(sender: Any, instance: TriageSummary, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    suspect_id = TriageJob.objects.filter(pk=instance.job_id).values_list(
        "exhibit__seized_from_suspect_id", flat=True).first()
    if suspect_id is not None:
        transaction.on_commit(lambda: feed_subjects(suspect_id))


def _after_exhibit(sender: Any, instance: Exhibit, **kwargs: Any) -> None:
    suspect_id = instance.seized_from_suspect_id
    if suspect_id is not None and Subject.objects.filter(suspect_id=suspect_id).exists():
        transaction.on_commit(lambda: feed_subjects(suspect_id))


def connect_triage_feed() -> None:
    post_save.connect(_after_summary, sender=TriageSummary,
                      dispatch_uid="intelligence.triage_feed.summary")
    post_save.connect(_after_exhibit, sender=Exhibit,
                      dispatch_uid="intelligence.triage_feed.exhibit")
